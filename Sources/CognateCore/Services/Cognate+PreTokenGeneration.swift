import CognitoModel

/// The PreTokenGeneration trigger. V1 (`claimsOverrideDetails`) edits the ID token, and its
/// groupOverrideDetails replaces `cognito:groups` in both tokens; V2 and V3
/// (`claimsAndScopeOverrideDetails`) edit each token and the access token's scopes. Claims that
/// identify or time the token cannot be changed; the function's attempts at them are ignored.
extension Cognate {
    static let protectedClaims: Set<String> = [
        "acr", "amr", "aud", "at_hash", "auth_time", "azp", "cognito:username", "exp", "iat", "identities", "iss", "jti",
        "nbf", "nonce", "origin_jti", "sub", "token_use", "cognito:groups", "event_id", "client_id", "username", "scope",
    ]

    func preTokenGeneration(
        _ id: inout [String: JSONValue], _ access: inout [String: JSONValue], user: User, pool: UserPool, client: AppClient,
        groups: [String], scopes: [String], source: String, clientMetadata: [String: String]?
    ) async throws {
        guard triggerTarget(.preTokenGeneration, pool) != nil else { return }
        let lambdaVersion = pool.type.lambdaConfig?.preTokenGenerationConfig?.lambdaVersion ?? "V1_0"
        let v1 = lambdaVersion == "V1_0"
        var request: [String: JSONValue] = [
            "userAttributes": triggerAttributes(user, pool: pool),
            "groupConfiguration": .object([
                "groupsToOverride": .array(groups.map { .string($0) }), "iamRolesToOverride": .array([]), "preferredRole": .null,
            ]),
            "clientMetadata": Self.stringMap(clientMetadata),
        ]
        if !v1 { request["scopes"] = .array(scopes.map { .string($0) }) }
        guard let r = try await runTrigger(
            .preTokenGeneration, pool: pool, source: source, userName: user.username, clientId: client.id, request: request,
            response: [v1 ? "claimsOverrideDetails" : "claimsAndScopeOverrideDetails": .null],
            version: v1 ? "1" : (lambdaVersion == "V3_0" ? "3" : "2")
        ) else { return }

        if v1 {
            guard let details = try r.object("claimsOverrideDetails") else { return }
            try Self.editClaims(&id, details)
            try Self.overrideGroups(&id, &access, try details.object("groupOverrideDetails"))
            return
        }
        guard let details = try r.object("claimsAndScopeOverrideDetails") else { return }
        if let idChanges = try details.object("idTokenGeneration") { try Self.editClaims(&id, idChanges) }
        if let accessChanges = try details.object("accessTokenGeneration") {
            try Self.editClaims(&access, accessChanges)
            var granted = scopes
            for s in try accessChanges.strings("scopesToAdd") ?? [] where !granted.contains(s) { granted.append(s) }
            let suppressed = Set(try accessChanges.strings("scopesToSuppress") ?? [])
            granted.removeAll { suppressed.contains($0) }
            access["scope"] = .string(granted.joined(separator: " "))
        }
        try Self.overrideGroups(&id, &access, try details.object("groupOverrideDetails"))
    }

    /// claimsToAddOrOverride, then claimsToSuppress (suppression wins), leaving protected claims alone.
    static func editClaims(_ claims: inout [String: JSONValue], _ changes: TriggerResponse) throws {
        switch changes.value("claimsToAddOrOverride") {
        case nil: break
        case .object(let add)?:
            for (k, v) in add where !protectedClaims.contains(k) { claims[k] = v }
        default: throw CognitoError.lambdaInvalidResponse
        }
        for k in try changes.strings("claimsToSuppress") ?? [] where !protectedClaims.contains(k) {
            claims.removeValue(forKey: k)
        }
    }

    static func overrideGroups(_ id: inout [String: JSONValue], _ access: inout [String: JSONValue], _ details: TriggerResponse?) throws {
        guard let details else { return }
        if let groups = try details.strings("groupsToOverride") {
            let value = JSONValue.array(groups.map { .string($0) })
            if groups.isEmpty {
                id.removeValue(forKey: "cognito:groups")
                access.removeValue(forKey: "cognito:groups")
            } else {
                id["cognito:groups"] = value
                access["cognito:groups"] = value
            }
        }
        if let roles = try details.strings("iamRolesToOverride"), !roles.isEmpty { id["cognito:roles"] = .array(roles.map { .string($0) }) }
        if let preferred = try details.string("preferredRole") { id["cognito:preferred_role"] = .string(preferred) }
    }
}
