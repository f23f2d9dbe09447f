import CognitoModel

/// The UserMigration trigger: a user who signs in (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH)
/// or asks for a password reset and is not in the pool is looked up by the function and, if it
/// answers with attributes, created on the spot.
extension Cognate {
    /// The migrated user, or nil when the pool has no UserMigration trigger or the function did not
    /// return the user. `password` is the sign-in password (nil for ForgotPassword).
    func migrateUser(_ name: String, password: String?, pool: UserPool, client: AppClient, clientMetadata: [String: String]?) async throws -> User? {
        var request: [String: JSONValue] = [
            "validationData": Self.stringMap(clientMetadata), "clientMetadata": Self.stringMap(clientMetadata),
        ]
        if let password { request["password"] = .string(password) }
        guard let r = try await runTrigger(
            .userMigration, pool: pool, source: password == nil ? "UserMigration_ForgotPassword" : "UserMigration_Authentication",
            userName: name, clientId: client.id, request: request,
            response: [
                "userAttributes": .null, "finalUserStatus": .null, "messageAction": .null,
                "desiredDeliveryMediums": .null, "forceAliasCreation": .null, "enableSMSMFA": .null,
            ]
        ), let given = try r.stringMap("userAttributes") else { return nil }
        let finalStatus = try r.string("finalUserStatus")
        let status: UserStatus
        switch finalStatus {
        case nil, "CONFIRMED"?: status = password == nil ? .resetRequired : .confirmed
        case "RESET_REQUIRED"?: status = .resetRequired
        default: throw CognitoError.lambdaInvalidResponse
        }
        let forceAlias = try r.bool("forceAliasCreation") ?? false

        var attributes = try checkAttributes(
            given.filter { $0.key != "sub" && $0.key != "username" }.sorted { $0.key < $1.key }.map { AttributeType(name: $0.key, value: $0.value) },
            pool: pool, creating: true
        )
        let sub = deps.random.uuid()
        let username = try newUsername(name, pool: pool, sub: sub, attributes: &attributes)
        var record: PasswordRecord?
        if let password { record = try await passwordRecord(password, pool: pool, username: username, temporary: false) }
        let t = now
        let user = User(
            poolId: pool.id, username: username, sub: sub, attributes: attributes, status: status, enabled: true, createdAt: t, modifiedAt: t,
            password: record
        )
        do {
            try await insertUser(user, pool: pool, existsMessage: "User already exists")
        } catch let e as CognitoError where e.code == .aliasExists && forceAlias {
            for attr in ["email", "phone_number"] where user.attributeBool(attr + "_verified") {
                if let v = user.attributes[attr] { try await releaseAlias(attr, value: v, pool: pool) }
            }
            try await insertUser(user, pool: pool, existsMessage: "User already exists")
        }
        return try await store.user(poolId: pool.id, usernameKey: key(username, pool))
    }
}
