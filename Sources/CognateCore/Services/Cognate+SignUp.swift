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
        var user = User(
            poolId: pool.id, username: username, sub: sub, attributes: attributes, status: .unconfirmed, enabled: true,
            createdAt: t, modifiedAt: t, password: try await passwordRecord(password, pool: pool, username: username, temporary: false)
        )
        Self.reindex(&user, pool: pool)
        try await preSignUp(&user, pool: pool, client: client, validationData: input.validationData, clientMetadata: input.clientMetadata)

        var details: CodeDeliveryDetailsType?
        var pending: (code: String, message: OutboundMessage)?
        if user.status == .unconfirmed, let target = deliveryTarget(user, preferred: pool.autoVerifiedAttributes.sorted()) {
            let code = newCode()
            let message = try await composeCodeMessage(code, to: target, user: user, pool: pool, kind: "SignUp", clientId: client.id, clientMetadata: input.clientMetadata)
            pending = (code, message)
            details = deliveryDetails(target)
        }
        try await insertUser(
            user, pool: pool, existsMessage: "User already exists",
            code: pending.map { codeRecord($0.code, user, purpose: .signUp) }, messages: pending.map { [$0.message] } ?? []
        )
        if user.status == .confirmed {
            try await postConfirmation(user, pool: pool, source: "PostConfirmation_ConfirmSignUp", clientId: client.id, clientMetadata: input.clientMetadata) {
                try await self.store.deleteUser(poolId: pool.id, username: username)
            }
        }
        return SignUpResponse(userConfirmed: user.status == .confirmed, codeDeliveryDetails: details, userSub: sub)
    }

    /// The PreSignUp trigger: a refusal stops the sign-up; the answer may confirm the user and
    /// verify their email or phone (which must then be present).
    func preSignUp(_ user: inout User, pool: UserPool, client: AppClient, validationData: [AttributeType]?, clientMetadata: [String: String]?) async throws {
        var shown = user.attributes
        shown.removeValue(forKey: "sub")
        guard let r = try await runTrigger(
            .preSignUp, pool: pool, source: "PreSignUp_SignUp", userName: user.username, clientId: client.id,
            request: [
                "userAttributes": Self.stringMap(shown), "validationData": Self.validationMap(validationData),
                "clientMetadata": Self.stringMap(clientMetadata),
            ],
            response: ["autoConfirmUser": .bool(false), "autoVerifyEmail": .bool(false), "autoVerifyPhone": .bool(false)]
        ) else { return }
        let confirm = try r.bool("autoConfirmUser") ?? false
        let verifyEmail = try r.bool("autoVerifyEmail") ?? false
        let verifyPhone = try r.bool("autoVerifyPhone") ?? false
        if verifyEmail && (user.attributes["email"] ?? "").isEmpty || verifyPhone && (user.attributes["phone_number"] ?? "").isEmpty {
            throw CognitoError(.invalidLambdaResponse, "Invalid lambda response: auto-verification needs the attribute to be present.")
        }
        if confirm { user.status = .confirmed }
        if verifyEmail { user.attributes["email_verified"] = "true" }
        if verifyPhone { user.attributes["phone_number_verified"] = "true" }
        Self.reindex(&user, pool: pool)
    }

    /// The PostConfirmation trigger for a user whose change is already saved; if it fails, `undo`
    /// puts things back and the error goes to the caller.
    func postConfirmation(
        _ user: User, pool: UserPool, source: String, clientId: String?, clientMetadata: [String: String]?,
        undo: @Sendable () async throws -> Void
    ) async throws {
        do {
            _ = try await runTrigger(
                .postConfirmation, pool: pool, source: source, userName: user.username, clientId: clientId,
                request: ["userAttributes": triggerAttributes(user, pool: pool), "clientMetadata": Self.stringMap(clientMetadata)]
            )
        } catch {
            try? await undo()
            throw error
        }
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
        try await checkCode(input.confirmationCode, user: user, purpose: .signUp)
        let confirmed = try await confirm(user, pool: pool, forceAlias: input.forceAliasCreation ?? false)
        try await postConfirmation(confirmed, pool: pool, source: "PostConfirmation_ConfirmSignUp", clientId: client.id, clientMetadata: input.clientMetadata) {
            try await self.updateUser(pool, user) { u in
                u.status = user.status
                for k in ["email_verified", "phone_number_verified"] { u.attributes[k] = user.attributes[k] }
            }
        }
        try await store.deleteCode(poolId: pool.id, username: user.username, purpose: .signUp)
        return ConfirmSignUpResponse()
    }

    /// Marks a user confirmed and the attribute its code went to verified.
    @discardableResult
    func confirm(_ user: User, pool: UserPool, forceAlias: Bool) async throws -> User {
        let verified = deliveryTarget(user, preferred: pool.autoVerifiedAttributes.sorted())?.attribute
        let change: @Sendable (inout User) throws -> Void = { u in
            u.status = .confirmed
            if let verified { u.attributes[verified + "_verified"] = "true" }
        }
        do {
            return try await updateUser(pool, user, change)
        } catch let e as CognitoError where e.code == .aliasExists && forceAlias && verified != nil {
            try await releaseAlias(verified!, value: user.attributes[verified!]!, pool: pool)
            return try await updateUser(pool, user, change)
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
        try await sendNewCode(user, purpose: .signUp, to: target, pool: pool, kind: "ResendCode", clientId: client.id, clientMetadata: input.clientMetadata, limited: true)
        return ResendConfirmationCodeResponse(codeDeliveryDetails: deliveryDetails(target))
    }

    public func forgotPassword(_ input: ForgotPasswordRequest, _ ctx: CallContext) async throws -> ForgotPasswordResponse {
        let (client, pool) = try await requireClientAndPool(input.clientId)
        try checkSecretHash(client, username: input.username, given: input.secretHash)
        var found = try await findUser(pool, input.username)
        if found == nil {
            found = try await migrateUser(input.username, password: nil, pool: pool, client: client, clientMetadata: input.clientMetadata)
        }
        guard let user = found else {
            if client.preventUserExistenceErrors { return ForgotPasswordResponse(codeDeliveryDetails: simulatedDelivery(input.username)) }
            throw CognitoError.userNotFound
        }
        if !user.enabled { throw CognitoError.userDisabled }
        // An unconfirmed user confirms first (contract §7): a reset would confirm nobody and leave
        // an account whose address no one has proven with a new password.
        if user.status == .unconfirmed { throw CognitoError.noRecoveryTarget }
        let target = try await sendRecoveryCode(user, pool: pool, kind: "ForgotPassword", clientId: client.id, clientMetadata: input.clientMetadata)
        return ForgotPasswordResponse(codeDeliveryDetails: deliveryDetails(target))
    }

    /// Sends a password-reset code to the first verified recovery medium. With the pool's
    /// AccountRecoverySetting, a medium that is also one of the user's second factors does not
    /// qualify (phone_number with SMS MFA on, email with email MFA on): a stolen phone or inbox
    /// must not give both the reset and the second factor (CreateUserPool's AccountRecoverySetting).
    func sendRecoveryCode(_ user: User, pool: UserPool, kind: String, clientId: String?, clientMetadata: [String: String]?) async throws -> DeliveryTarget {
        let order = (pool.type.accountRecoverySetting?.recoveryMechanisms ?? [])
            .sorted { $0.priority < $1.priority }
            .compactMap { m -> String? in
                switch m.name {
                case "verified_email": "email"
                case "verified_phone_number": "phone_number"
                default: nil
                }
            }
        let secondFactors = Set(user.mfa?.enabled ?? []).union(user.mfa?.legacySMS == true ? [.sms] : [])
        let qualifying = order.filter { medium in
            !(medium == "phone_number" && secondFactors.contains(.sms)) && !(medium == "email" && secondFactors.contains(.email))
        }
        let preferred = (order.isEmpty ? ["email", "phone_number"] : qualifying).filter { user.attributeBool($0 + "_verified") }
        guard let target = deliveryTarget(user, preferred: preferred) else {
            throw CognitoError.noRecoveryTarget
        }
        try await sendNewCode(
            user, purpose: .forgotPassword, to: target, pool: pool, kind: kind, clientId: clientId, clientMetadata: clientMetadata, limited: kind == "ForgotPassword"
        )
        return target
    }

    public func confirmForgotPassword(_ input: ConfirmForgotPasswordRequest, _ ctx: CallContext) async throws -> ConfirmForgotPasswordResponse {
        let (client, pool) = try await requireClientAndPool(input.clientId)
        try checkSecretHash(client, username: input.username, given: input.secretHash)
        guard let user = try await findUser(pool, input.username) else {
            throw client.preventUserExistenceErrors ? CognitoError.codeMismatch : CognitoError.userNotFound
        }
        try checkPolicy(input.password, pool: pool)
        try await checkCode(input.confirmationCode, user: user, purpose: .forgotPassword)
        let record = try await passwordRecord(input.password, pool: pool, username: user.username, temporary: false)
        let updated = try await updateUser(pool, user) { u in
            u.password = record
            if u.status == .resetRequired || u.status == .forceChangePassword { u.status = .confirmed }
        }
        try await postConfirmation(updated, pool: pool, source: "PostConfirmation_ConfirmForgotPassword", clientId: client.id, clientMetadata: input.clientMetadata) {
            try await self.updateUser(pool, user) { u in
                u.password = user.password
                u.status = user.status
            }
        }
        try await store.deleteCode(poolId: pool.id, username: user.username, purpose: .forgotPassword)
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
