import CognitoModel

/// Self-service registration and password recovery.
extension Cognate {
    public func signUp(_ input: SignUpRequest, _ ctx: CallContext) async throws -> SignUpResponse {
        let (client, pool) = try await requireClientAndPool(input.clientId)
        if pool.type.adminCreateUserConfig?.allowAdminCreateUserOnly == true {
            throw CognitoError(.notAuthorized, "SignUp is not permitted for this user pool")
        }
        try checkSecretHash(client, username: input.username, given: input.secretHash)
        guard let password = input.password else { throw CognitoError.invalidParameter("Password is required for SignUp.") }
        var attributes = try checkAttributes(input.userAttributes ?? [], pool: pool, creating: true, client: client)
        let sub = deps.random.uuid()
        let username = try newUsername(input.username, pool: pool, sub: sub, attributes: &attributes)
        try checkRequired(attributes, pool: pool)
        try checkPolicy(password, pool: pool)
        let t = now
        let user = User(
            poolId: pool.id, username: username, sub: sub, attributes: attributes, status: .unconfirmed, enabled: true,
            createdAt: t, modifiedAt: t, password: try await passwordRecord(password, pool: pool, username: username, temporary: false)
        )
        try await insertUser(user, pool: pool, existsMessage: "User already exists")

        var details: CodeDeliveryDetailsType?
        if let target = deliveryTarget(user, preferred: pool.autoVerifiedAttributes.sorted()) {
            let code = try await issueCode(user, purpose: .signUp)
            await sendCode(code, to: target, user: user, pool: pool, kind: "SignUp", clientId: client.id)
            details = deliveryDetails(target)
        }
        return SignUpResponse(userConfirmed: false, codeDeliveryDetails: details, userSub: sub)
    }

    public func confirmSignUp(_ input: ConfirmSignUpRequest, _ ctx: CallContext) async throws -> ConfirmSignUpResponse {
        let (client, pool) = try await requireClientAndPool(input.clientId)
        try checkSecretHash(client, username: input.username, given: input.secretHash)
        guard let user = try await findUser(pool, input.username) else {
            throw client.preventUserExistenceErrors ? CognitoError.codeMismatch : CognitoError.userNotFound
        }
        if user.status != .unconfirmed {
            throw CognitoError(.notAuthorized, "User cannot be confirmed. Current status is \(user.status.rawValue)")
        }
        try await consumeCode(input.confirmationCode, user: user, purpose: .signUp)
        try await confirm(user, pool: pool, forceAlias: input.forceAliasCreation ?? false)
        return ConfirmSignUpResponse()
    }

    /// Marks a user confirmed and the attribute its code went to verified.
    func confirm(_ user: User, pool: UserPool, forceAlias: Bool) async throws {
        let verified = deliveryTarget(user, preferred: pool.autoVerifiedAttributes.sorted())?.attribute
        let change: @Sendable (inout User) throws -> Void = { u in
            u.status = .confirmed
            if let verified { u.attributes[verified + "_verified"] = "true" }
        }
        do {
            try await updateUser(pool, user, change)
        } catch let e as CognitoError where e.code == .aliasExists && forceAlias && verified != nil {
            try await releaseAlias(verified!, value: user.attributes[verified!]!, pool: pool)
            try await updateUser(pool, user, change)
        }
    }

    /// ForceAliasCreation: the alias moves to the new user and the old holder's attribute becomes unverified.
    func releaseAlias(_ attribute: String, value: String, pool: UserPool) async throws {
        let k = attribute == "phone_number" ? value : key(value, pool)
        guard let holder = try await store.user(poolId: pool.id, aliasAttribute: attribute, value: k) else { return }
        try await updateUser(pool, holder) { $0.attributes[attribute + "_verified"] = "false" }
    }

    public func resendConfirmationCode(_ input: ResendConfirmationCodeRequest, _ ctx: CallContext) async throws -> ResendConfirmationCodeResponse {
        let (client, pool) = try await requireClientAndPool(input.clientId)
        try checkSecretHash(client, username: input.username, given: input.secretHash)
        guard let user = try await findUser(pool, input.username) else {
            if client.preventUserExistenceErrors { return ResendConfirmationCodeResponse(codeDeliveryDetails: simulatedDelivery(input.username)) }
            throw CognitoError.userNotFound
        }
        if user.status != .unconfirmed { throw CognitoError.invalidParameter("User is already confirmed.") }
        guard let target = deliveryTarget(user, preferred: pool.autoVerifiedAttributes.sorted()) else {
            throw CognitoError.invalidParameter("Auto verification not turned on.")
        }
        let code = try await issueCode(user, purpose: .signUp)
        await sendCode(code, to: target, user: user, pool: pool, kind: "ResendCode", clientId: client.id)
        return ResendConfirmationCodeResponse(codeDeliveryDetails: deliveryDetails(target))
    }

    public func forgotPassword(_ input: ForgotPasswordRequest, _ ctx: CallContext) async throws -> ForgotPasswordResponse {
        let (client, pool) = try await requireClientAndPool(input.clientId)
        try checkSecretHash(client, username: input.username, given: input.secretHash)
        guard let user = try await findUser(pool, input.username) else {
            if client.preventUserExistenceErrors { return ForgotPasswordResponse(codeDeliveryDetails: simulatedDelivery(input.username)) }
            throw CognitoError.userNotFound
        }
        if !user.enabled { throw CognitoError.userDisabled }
        let target = try await sendRecoveryCode(user, pool: pool, kind: "ForgotPassword", clientId: client.id)
        return ForgotPasswordResponse(codeDeliveryDetails: deliveryDetails(target))
    }

    /// Sends a password-reset code to the first verified recovery medium.
    func sendRecoveryCode(_ user: User, pool: UserPool, kind: String, clientId: String?) async throws -> (attribute: String, medium: String, destination: String) {
        let order = (pool.type.accountRecoverySetting?.recoveryMechanisms ?? [])
            .sorted { $0.priority < $1.priority }
            .compactMap { m -> String? in
                switch m.name {
                case "verified_email": "email"
                case "verified_phone_number": "phone_number"
                default: nil
                }
            }
        let preferred = (order.isEmpty ? ["email", "phone_number"] : order).filter { user.attributeBool($0 + "_verified") }
        guard let target = deliveryTarget(user, preferred: preferred) else {
            throw CognitoError.invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number")
        }
        let code = try await issueCode(user, purpose: .forgotPassword)
        await sendCode(code, to: target, user: user, pool: pool, kind: kind, clientId: clientId)
        return target
    }

    public func confirmForgotPassword(_ input: ConfirmForgotPasswordRequest, _ ctx: CallContext) async throws -> ConfirmForgotPasswordResponse {
        let (client, pool) = try await requireClientAndPool(input.clientId)
        try checkSecretHash(client, username: input.username, given: input.secretHash)
        guard let user = try await findUser(pool, input.username) else {
            throw client.preventUserExistenceErrors ? CognitoError.codeMismatch : CognitoError.userNotFound
        }
        try checkPolicy(input.password, pool: pool)
        try await consumeCode(input.confirmationCode, user: user, purpose: .forgotPassword)
        let record = try await passwordRecord(input.password, pool: pool, username: user.username, temporary: false)
        try await updateUser(pool, user) { u in
            u.password = record
            if u.status == .resetRequired || u.status == .forceChangePassword { u.status = .confirmed }
        }
        return ConfirmForgotPasswordResponse()
    }

    /// What ForgotPassword shows for an unknown user when existence errors are prevented.
    func simulatedDelivery(_ username: String) -> CodeDeliveryDetailsType {
        let seed = deps.digests.hmacSHA256(key: deps.codeHashKey, data: Array(username.utf8))
        let letter = Character(UnicodeScalar(UInt8(ascii: "a") + seed[0] % 26))
        return CodeDeliveryDetailsType(destination: "\(letter)***@\(Character(UnicodeScalar(UInt8(ascii: "a") + seed[1] % 26)))***.com", deliveryMedium: "EMAIL", attributeName: "email")
    }

    // MARK: - Client checks

    func requireClientAndPool(_ clientId: String) async throws -> (AppClient, UserPool) {
        let client = try await requireClient(clientId)
        guard let pool = try await store.pool(id: client.poolId) else { throw CognitoError.clientNotFound(clientId) }
        return (client, pool)
    }

    /// SECRET_HASH = base64(HMAC-SHA256(secret, username + clientId)); ignored for clients without a secret.
    func checkSecretHash(_ client: AppClient, username: String, given: String?) throws {
        try checkSecretHash(client, usernames: [username], given: given)
    }

    func checkSecretHash(_ client: AppClient, usernames: [String], given: String?) throws {
        guard let secret = try clientSecret(client) else { return }
        guard let given else { throw CognitoError.secretHashMissing(client.id) }
        let givenBytes = Array(given.utf8)
        for name in usernames {
            let expected = Base64.encode(deps.digests.hmacSHA256(key: Array(secret.utf8), data: Array((name + client.id).utf8)))
            if constantTimeEquals(Array(expected.utf8), givenBytes) { return }
        }
        throw CognitoError.secretHashMismatch(client.id)
    }
}
