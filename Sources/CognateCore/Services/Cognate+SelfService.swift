import CognitoModel

/// Operations a signed-in user calls with their access token.
extension Cognate {
    public func getUser(_ input: GetUserRequest, _ ctx: CallContext) async throws -> GetUserResponse {
        let (user, _, _) = try await authenticate(input.accessToken)
        let mfa = Self.mfaReport(user)
        return GetUserResponse(
            username: user.username, userAttributes: user.attributeList(), mfaOptions: mfa.options, preferredMfaSetting: mfa.preferred, userMFASettingList: mfa.list
        )
    }

    public func updateUserAttributes(_ input: UpdateUserAttributesRequest, _ ctx: CallContext) async throws -> UpdateUserAttributesResponse {
        let (user, pool, claims) = try await authenticate(input.accessToken)
        let client = try await tokenClient(claims, pool: pool)
        if input.userAttributes.contains(where: { $0.name == "email_verified" || $0.name == "phone_number_verified" }) {
            throw CognitoError.unauthorizedAttributeWrite
        }
        let changes = try checkAttributes(input.userAttributes, pool: pool, creating: false, client: client)
        try checkUsernameAttributeChange(changes, user: user, pool: pool)
        let updated = try await updateUser(pool, user) { u in
            Self.applyAttributeChanges(changes, to: &u, explicitVerification: false)
        }
        let details = try await sendVerificationForChanges(changes, before: user, after: updated, pool: pool, clientId: client.id, clientMetadata: input.clientMetadata)
        return UpdateUserAttributesResponse(codeDeliveryDetailsList: details.isEmpty ? nil : details)
    }

    public func deleteUserAttributes(_ input: DeleteUserAttributesRequest, _ ctx: CallContext) async throws -> DeleteUserAttributesResponse {
        let (user, pool, claims) = try await authenticate(input.accessToken)
        if let allowed = try await tokenClient(claims, pool: pool).type.writeAttributes {
            for name in input.userAttributeNames where !allowed.contains(name) { throw CognitoError.unauthorizedAttributeWrite }
        }
        try checkDeletable(input.userAttributeNames, pool: pool)
        try await updateUser(pool, user) { u in
            for name in input.userAttributeNames { u.attributes.removeValue(forKey: name) }
        }
        return DeleteUserAttributesResponse()
    }

    public func getUserAttributeVerificationCode(_ input: GetUserAttributeVerificationCodeRequest, _ ctx: CallContext) async throws -> GetUserAttributeVerificationCodeResponse {
        let (user, pool, claims) = try await authenticate(input.accessToken)
        guard input.attributeName == "email" || input.attributeName == "phone_number" else {
            throw CognitoError.invalidParameter("Invalid attribute name: \(input.attributeName). Only email and phone_number can be verified.")
        }
        guard let value = user.attributes[input.attributeName], !value.isEmpty else {
            throw CognitoError.invalidParameter("User does not have the attribute \(input.attributeName).")
        }
        let target: DeliveryTarget = (attribute: input.attributeName, medium: input.attributeName == "email" ? "EMAIL" : "SMS", destination: value)
        try await sendNewCode(
            user, purpose: .verifyAttribute(input.attributeName), to: target, pool: pool, kind: "VerifyUserAttribute",
            clientId: claims["client_id"]?.stringValue, clientMetadata: input.clientMetadata, limited: true
        )
        return GetUserAttributeVerificationCodeResponse(codeDeliveryDetails: deliveryDetails(target))
    }

    public func verifyUserAttribute(_ input: VerifyUserAttributeRequest, _ ctx: CallContext) async throws -> VerifyUserAttributeResponse {
        let (user, pool, _) = try await authenticate(input.accessToken)
        try await consumeCode(input.code, user: user, purpose: .verifyAttribute(input.attributeName))
        try await updateUser(pool, user) { $0.attributes[input.attributeName + "_verified"] = "true" }
        return VerifyUserAttributeResponse()
    }

    public func changePassword(_ input: ChangePasswordRequest, _ ctx: CallContext) async throws -> ChangePasswordResponse {
        let (user, pool, _) = try await authenticate(input.accessToken)
        guard let previous = input.previousPassword, try await passwordMatches(previous, user: user, pool: pool) else {
            throw CognitoError.incorrectCredentials
        }
        try checkPolicy(input.proposedPassword, pool: pool)
        let record = try await passwordRecord(input.proposedPassword, pool: pool, username: user.username, temporary: false)
        try await updateUser(pool, user) { $0.password = record }
        return ChangePasswordResponse()
    }

    public func deleteUser(_ input: DeleteUserRequest, _ ctx: CallContext) async throws -> EmptyResponse {
        let (user, pool, _) = try await authenticate(input.accessToken)
        try await store.deleteUser(poolId: pool.id, username: user.username)
        return EmptyResponse()
    }

    public func globalSignOut(_ input: GlobalSignOutRequest, _ ctx: CallContext) async throws -> GlobalSignOutResponse {
        let (user, pool, _) = try await authenticate(input.accessToken)
        try await store.revokeAll(poolId: pool.id, username: user.username)
        return GlobalSignOutResponse()
    }

    public func revokeToken(_ input: RevokeTokenRequest, _ ctx: CallContext) async throws -> RevokeTokenResponse {
        let client = try await requireClient(input.clientId)
        if let secret = try clientSecret(client) {
            guard let given = input.clientSecret else { throw CognitoError.secretHashMissing(client.id) }
            guard constantTimeEquals(Array(given.utf8), Array(secret.utf8)) else {
                throw CognitoError(.notAuthorized, "Unable to verify secret for client \(client.id)")
            }
        }
        guard client.tokenRevocationEnabled else {
            throw CognitoError(.unsupportedOperation, "Token revocation is not enabled for this app client.")
        }
        if JWT.parse(input.token) != nil {
            throw CognitoError(.unsupportedTokenType, "Only refresh tokens can be revoked.")
        }
        guard let record = try await store.refreshToken(hash: deps.digests.sha256(Array(input.token.utf8))) else {
            return RevokeTokenResponse()
        }
        guard record.clientId == client.id else { throw CognitoError(.notAuthorized, "Invalid Refresh Token") }
        try await store.revokeFamily(originJti: record.originJti)
        return RevokeTokenResponse()
    }

    /// The app client an access token was issued to. Its attribute permissions apply to what the
    /// token may read and write, so a token whose client has been deleted is refused rather than
    /// let through with none.
    func tokenClient(_ claims: [String: JSONValue], pool: UserPool) async throws -> AppClient {
        guard let id = claims["client_id"]?.stringValue, let client = try await store.client(id: id), client.poolId == pool.id else {
            throw CognitoError.invalidAccessToken
        }
        return client
    }
}
