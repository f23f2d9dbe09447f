import CognitoModel
import Foundation

/// The hosted pages' use cases: the browser session, sign-in (with the forced password change),
/// sign-up with its confirmation, and password recovery. The self-service operations do the
/// work; the hosted UI acts as the app client, so it supplies the client's SECRET_HASH itself.
extension Cognate {
    public static let hostedSessionLifetime: Double = 60 * 60
    static let signUpTicketLifetime: Double = 24 * 60 * 60

    // MARK: - Session

    /// Starts a session for a user who just signed in; returns the cookie's value.
    public func startHostedSession(user: User, pool: UserPool, authTime: Double) async throws -> String {
        let id = Base64.urlEncode(deps.random.bytes(count: 32))
        try await store.putHostedSession(HostedSession(
            idHash: hostedSessionHash(id), poolId: pool.id, username: user.username, authTime: authTime, expiresAt: now + Self.hostedSessionLifetime
        ))
        return id
    }

    /// The user of a live session on `pool`, with the time they signed in.
    public func hostedSessionUser(_ cookie: String, pool: UserPool) async throws -> (user: User, authTime: Double)? {
        guard let s = try await store.hostedSession(idHash: hostedSessionHash(cookie)), s.poolId == pool.id, s.expiresAt > now,
              let user = try await store.user(poolId: pool.id, usernameKey: key(s.username, pool)), user.enabled, user.status == .confirmed
        else { return nil }
        return (user, s.authTime)
    }

    public func endHostedSession(_ cookie: String) async throws {
        try await store.deleteHostedSession(idHash: hostedSessionHash(cookie))
    }

    func hostedSessionHash(_ id: String) -> [UInt8] {
        deps.digests.hmacSHA256(key: deps.codeHashKey, data: Array("hosted-session\n\(id)".utf8))
    }

    // MARK: - Sign-in

    /// The sign-in form: Cognito's checks in Cognito's order, then a forced password change if one
    /// is due. Recorded in the user's sign-in history as the API's sign-ins are.
    public func hostedSignIn(username: String, password: String, client: AppClient, pool: UserPool, _ ctx: CallContext) async throws -> HostedSignIn {
        guard !username.isEmpty, !password.isEmpty else { throw CognitoError.incorrectCredentials }
        var found = try await findUser(pool, username)
        if found == nil {
            found = try await migrateUser(username, password: password, pool: pool, client: client, clientMetadata: nil)
        }
        let user = try await signInCandidate(username, found, client: client, pool: pool, clientMetadata: nil, password: password)
        let event = signInEvent(pool, SignInOrigin(ipAddress: ctx.sourceIP, userAgent: ctx.userAgent))
        try await checkSignInPassword(password, user: user, pool: pool, event: event)
        if let step = try passwordChallenge(user, client: client, pool: pool, event: event), let session = step.session {
            try await recordStep(event, user, .password(true), "InProgress")
            return .newPasswordRequired(session: session, username: user.username, requiredAttributes: missingRequiredAttributes(user, pool: pool))
        }
        return try await hostedSecondFactor(user, client: client, pool: pool, event: event, passed: .password(true))
    }

    /// The new-password page of a FORCE_CHANGE_PASSWORD user.
    public func hostedNewPassword(session: String, username: String, newPassword: String, attributes: [String: String], client: AppClient, pool: UserPool) async throws -> HostedSignIn {
        var responses = ["USERNAME": username, "NEW_PASSWORD": newPassword]
        for (name, value) in attributes { responses["userAttributes." + name] = value }
        responses["SECRET_HASH"] = try hostedSecretHash(client, username)
        let (user, event) = try await completeNewPassword(responses, session: session, client: client, pool: pool)
        return try await hostedSecondFactor(user, client: client, pool: pool, event: event)
    }

    // MARK: - Second factor

    /// After the password: the MFA challenge the API would give, or signed in. The sign-in's event
    /// records `passed` (the password, when it was checked just now) with the outcome.
    func hostedSecondFactor(
        _ user: User, client: AppClient, pool: UserPool, event: SignInEvent? = nil, passed: AuthEventChallenge? = nil
    ) async throws -> HostedSignIn {
        if let step = try await mfaStep(user, client: client, pool: pool, source: "TokenGeneration_HostedAuth", clientMetadata: nil, event: event) {
            if passed != nil { try await recordStep(event, user, passed, "InProgress") }
            return .challenge(Self.hosted(step, username: user.username))
        }
        try await postAuthentication(user, client: client, pool: pool, clientMetadata: nil)
        try await recordStep(event, user, passed, "Pass")
        return .signedIn(user)
    }

    static func hosted(_ step: AuthStep, username: String) -> HostedChallenge {
        HostedChallenge(name: step.challengeName ?? "", session: step.session ?? "", username: username, parameters: step.challengeParameters ?? [:])
    }

    /// The MFA pages' answers: a code (SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA, or the first code of
    /// the token being set up for MFA_SETUP), or the factor chosen (SELECT_MFA_TYPE). The same checks
    /// as RespondToAuthChallenge, with the client's SECRET_HASH supplied by the hosted UI.
    public func hostedAnswerChallenge(_ challenge: HostedChallenge, answer: String, client: AppClient, pool: UserPool) async throws -> HostedSignIn {
        var responses = ["USERNAME": challenge.username]
        responses["SECRET_HASH"] = try hostedSecretHash(client, challenge.username)
        let state: ChallengeState, user: User
        switch challenge.name {
        case "SELECT_MFA_TYPE":
            responses["ANSWER"] = answer
            let step = try await answerSelectMFA(responses, session: challenge.session, client: client, pool: pool, clientMetadata: nil)
            return .challenge(Self.hosted(step, username: challenge.username))
        case "MFA_SETUP":
            let verified = try await verifySoftwareToken(
                VerifySoftwareTokenRequest(session: challenge.session, userCode: answer, friendlyDeviceName: nil), CallContext(region: pool.region, requestId: "")
            )
            (state, user) = try await checkMFASetup(responses, session: verified.session, client: client, pool: pool)
        default:
            guard let factor = MFAFactor(rawValue: challenge.name) else { throw CognitoError.sessionExpired }
            responses[Self.codeResponseKeys[factor]!] = answer
            (state, user) = try await checkMFAAnswer(factor, responses, session: challenge.session, client: client, pool: pool)
        }
        try await spend(state, failure: Self.sessionUsed)
        try await postAuthentication(user, client: client, pool: pool, clientMetadata: nil)
        try await recordStep(state.event, user, .mfa(true), "Pass")
        return .signedIn(user)
    }

    /// The MFA_SETUP page: a new software token for the signing-in user, and the URI its QR code shows.
    public func hostedSetUpSoftwareToken(_ challenge: HostedChallenge, pool: UserPool) async throws -> HostedTokenSetup {
        let r = try await associateSoftwareToken(AssociateSoftwareTokenRequest(session: challenge.session), CallContext(region: pool.region, requestId: ""))
        guard let secret = r.secretCode, let session = r.session else { throw CognitoError.sessionExpired }
        return HostedTokenSetup(secret: secret, session: session, uri: try await hostedTokenURI(secret: secret, username: challenge.username, pool: pool))
    }

    /// `otpauth://totp/POOL:ACCOUNT?secret=…&issuer=POOL` (Key Uri Format): the account is the
    /// user's e-mail address when there is one, else the username.
    public func hostedTokenURI(secret: String, username: String, pool: UserPool) async throws -> String {
        let user = try await store.user(poolId: pool.id, usernameKey: key(username, pool))
        let account = user?.attributes["email"] ?? username
        func q(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
        return "otpauth://totp/\(q(pool.name)):\(q(account))?secret=\(q(secret))&issuer=\(q(pool.name))"
    }

    // MARK: - Sign-up

    /// What the sign-up form asks for besides username and password: the pool's required
    /// attributes and the ones its codes are sent to.
    public func signUpAttributes(_ pool: UserPool) -> [String] {
        var names = (pool.type.schemaAttributes ?? []).filter { $0.required == true }.compactMap(\.name).filter { $0 != "sub" }
        for attr in pool.autoVerifiedAttributes where !names.contains(attr) { names.append(attr) }
        return names.filter { !pool.usernameAttributes.contains($0) }
    }

    public func hostedSignUp(username: String, password: String, attributes: [String: String], client: AppClient, pool: UserPool, _ ctx: CallContext) async throws -> HostedSignUp {
        let input = SignUpRequest(
            clientId: client.id, secretHash: try hostedSecretHash(client, username), username: username, password: password,
            userAttributes: attributes.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { AttributeType(name: $0.key, value: $0.value) }
        )
        try Self.validate(input)
        let r = try await signUp(input, ctx)
        let stored = pool.usernameAttributes.isEmpty ? username : r.userSub
        let ticket = try seal(ChallengeState(
            kind: "HOSTED_SIGNUP", poolId: pool.id, clientId: client.id, username: stored,
            expiresAt: now + Self.signUpTicketLifetime, nonce: deps.random.uuid()
        ))
        let byLink = r.codeDeliveryDetails?.deliveryMedium == "EMAIL" && pool.type.verificationMessageTemplate?.defaultEmailOption == "CONFIRM_WITH_LINK"
        return HostedSignUp(delivery: r.codeDeliveryDetails, byLink: byLink, ticket: ticket)
    }

    /// Confirms a sign-up with its code. With the ticket the sign-up form gave this browser, the
    /// user is signed in too (returned); without it the user goes on to sign in.
    public func hostedConfirmSignUp(username: String, code: String, ticket: String?, client: AppClient, pool: UserPool, _ ctx: CallContext) async throws -> User? {
        let input = ConfirmSignUpRequest(clientId: client.id, secretHash: try hostedSecretHash(client, username), username: username, confirmationCode: code)
        try Self.validate(input)
        _ = try await confirmSignUp(input, ctx)
        guard let ticket, let state = try? open(ticket, kind: "HOSTED_SIGNUP", client: client, failure: .sessionExpired),
              let user = try await findUser(pool, username), user.username == state.username, user.enabled, user.status == .confirmed
        else { return nil }
        try await spend(state, failure: .sessionExpired)
        // Signing in this way is a sign-in like any other: PreAuthentication may refuse it and
        // PostAuthentication hears of it.
        try await preAuthentication(user.username, user, pool: pool, client: client, clientMetadata: nil)
        try await postAuthentication(user, client: client, pool: pool, clientMetadata: nil)
        return user
    }

    /// The link in a CONFIRM_WITH_LINK message: `/confirmUser?client_id=…&user_name=…&confirmation_code=…`.
    public func confirmByLink(clientId: String?, username: String?, code: String?, hostPoolId: String?, _ ctx: CallContext) async throws -> (AppClient, UserPool) {
        let (client, pool) = try await hostedClient(clientId: clientId, hostPoolId: hostPoolId)
        guard let username, !username.isEmpty, let code, !code.isEmpty else {
            throw CognitoError.invalidParameter("The confirmation link is incomplete.")
        }
        _ = try await hostedConfirmSignUp(username: username, code: code, ticket: nil, client: client, pool: pool, ctx)
        return (client, pool)
    }

    public func hostedResendCode(username: String, client: AppClient, _ ctx: CallContext) async throws -> CodeDeliveryDetailsType? {
        let input = ResendConfirmationCodeRequest(clientId: client.id, secretHash: try hostedSecretHash(client, username), username: username)
        try Self.validate(input)
        return try await resendConfirmationCode(input, ctx).codeDeliveryDetails
    }

    // MARK: - Password recovery

    public func hostedForgotPassword(username: String, client: AppClient, _ ctx: CallContext) async throws -> CodeDeliveryDetailsType? {
        let input = ForgotPasswordRequest(clientId: client.id, secretHash: try hostedSecretHash(client, username), username: username)
        try Self.validate(input)
        return try await forgotPassword(input, ctx).codeDeliveryDetails
    }

    public func hostedConfirmForgotPassword(username: String, code: String, password: String, client: AppClient, _ ctx: CallContext) async throws {
        let input = ConfirmForgotPasswordRequest(
            clientId: client.id, secretHash: try hostedSecretHash(client, username), username: username, confirmationCode: code, password: password
        )
        try Self.validate(input)
        _ = try await confirmForgotPassword(input, ctx)
    }

    // MARK: - Helpers

    /// The hosted UI signs its own requests as the app client.
    func hostedSecretHash(_ client: AppClient, _ username: String) throws -> String? {
        guard let secret = try clientSecret(client) else { return nil }
        return Base64.encode(deps.digests.hmacSHA256(key: Array(secret.utf8), data: Array((username + client.id).utf8)))
    }

    /// The model's constraints: what the API dispatcher applies to every wire request, and the
    /// hosted pages to the requests they make on the user's behalf.
    public static func validate(_ input: some ModelShape) throws {
        let errors = input.validationErrors()
        if !errors.isEmpty { throw CognitoError(.invalidParameter, ValidationError.summary(errors)) }
    }

    /// Required schema attributes the user has no value for.
    func missingRequiredAttributes(_ user: User, pool: UserPool) -> [String] {
        (pool.type.schemaAttributes ?? [])
            .filter { $0.required == true && $0.name != "sub" && (user.attributes[$0.name ?? ""] ?? "").isEmpty }
            .compactMap(\.name)
    }
}
