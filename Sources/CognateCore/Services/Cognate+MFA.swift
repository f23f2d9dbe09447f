import CognitoModel
import Foundation

/// The second factor of every sign-in path: one decision (`mfaStep`) after a correct password
/// — USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_SRP_AUTH, CUSTOM_WITH_SRP's
/// PASSWORD_VERIFIER, the answer to NEW_PASSWORD_REQUIRED and the hosted sign-in page — and one
/// answer (`answerMFA`) for SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE and MFA_SETUP.
/// What the sign-in has still to do (its token source, a CUSTOM_AUTH session) travels sealed in
/// the challenge's Session, as every challenge's state does.
extension Cognate {
    static let emailCodeDigits = 8
    static let smsCodeDigits = 6

    /// Whether a correct password may lead to an MFA challenge rather than tokens. No I/O: a
    /// pool with MFA off pays nothing.
    func mfaMayFollow(_ user: User, _ pool: UserPool) -> Bool {
        switch pool.mfaMode {
        case .off: false
        case .on: true
        case .optional: !usableFactors(user, pool).isEmpty
        }
    }

    /// The factors the user turned on that the pool offers and that can reach the user.
    func usableFactors(_ user: User, _ pool: UserPool) -> [MFAFactor] {
        guard let mfa = user.mfa else { return [] }
        return pool.mfaFactors.filter { f in (mfa.enabled.contains(f) || (f == .sms && mfa.legacySMS)) && Self.reaches(f, user) }
    }

    static func reaches(_ factor: MFAFactor, _ user: User) -> Bool {
        switch factor {
        case .sms: !(user.attributes["phone_number"] ?? "").isEmpty
        case .email: !(user.attributes["email"] ?? "").isEmpty
        case .softwareToken: user.mfa?.totp?.verified == true
        }
    }

    /// The challenge that follows a correct password, or nil for tokens. Cognito's rules: the
    /// preferred factor; else the only one turned on; else a choice among them. With MFA
    /// required and nothing turned on: a factor the user can receive a code by, else setting up
    /// a software token.
    func mfaStep(
        _ user: User, client: AppClient, pool: UserPool, source: String, custom: [CustomChallengeResult]? = nil, clientMetadata: [String: String]?,
        deviceKey: String? = nil, event: SignInEvent? = nil
    ) async throws -> AuthStep? {
        let mode = pool.mfaMode
        guard mode != .off else { return nil }
        let pending = PendingSignIn(
            user: user, client: client, pool: pool, source: source, custom: custom, clientMetadata: clientMetadata, deviceKey: deviceKey, event: event
        )
        // A remembered device proves itself instead (DEVICE_SRP_AUTH), where the pool allows it.
        if let device = try await signInDevice(user, pool: pool, key: deviceKey), deviceStandsInForMFA(device, user: user, pool: pool) {
            return try deviceChallenge(pending, device: device)
        }
        let usable = usableFactors(user, pool)
        if let preferred = user.mfa?.preferred, usable.contains(preferred) { return try await mfaChallenge(preferred, pending) }
        if usable.count == 1 { return try await mfaChallenge(usable[0], pending) }
        if usable.count > 1 { return try selectChallenge(usable, pending) }
        guard mode == .on else { return nil }
        let reachable = pool.mfaFactors.filter { $0 != .softwareToken && Self.reaches($0, user) }
        if reachable.count == 1 { return try await mfaChallenge(reachable[0], pending) }
        if reachable.count > 1 { return try selectChallenge(reachable, pending) }
        if pool.mfaFactors.contains(.softwareToken) {
            return AuthStep(
                challengeName: "MFA_SETUP", session: try seal(pending.state("MFA_SETUP", self)),
                challengeParameters: ["MFAS_CAN_SETUP": Self.jsonString(pool.mfaFactors.map(\.rawValue)), "USER_ID_FOR_SRP": user.username]
            )
        }
        throw CognitoError(.mfaMethodNotFound, "MFA is required, and the user has no factor the user pool offers and no way to set one up.")
    }

    /// What a sign-in waiting for its second factor has to finish with.
    struct PendingSignIn {
        var user: User
        var client: AppClient
        var pool: UserPool
        var source: String
        var custom: [CustomChallengeResult]?
        var clientMetadata: [String: String]?
        var deviceKey: String?
        var event: SignInEvent? = nil

        func state(_ kind: String, _ cognate: Cognate) -> ChallengeState {
            var s = ChallengeState(
                kind: kind, poolId: pool.id, clientId: client.id, username: user.username,
                expiresAt: cognate.now + Double(client.authSessionSeconds), nonce: cognate.deps.random.uuid()
            )
            s.tokenSource = source
            s.customSession = custom
            s.deviceKey = deviceKey
            s.event = event
            return s
        }
    }

    func selectChallenge(_ factors: [MFAFactor], _ p: PendingSignIn) throws -> AuthStep {
        var state = p.state("SELECT_MFA_TYPE", self)
        state.choices = factors.map(\.rawValue)
        return AuthStep(
            challengeName: "SELECT_MFA_TYPE", session: try seal(state),
            challengeParameters: ["MFAS_CAN_CHOOSE": Self.jsonString(factors.map(\.rawValue)), "USER_ID_FOR_SRP": p.user.username]
        )
    }

    /// The challenge of one factor; for SMS and e-mail the code is sent now (through the outbox).
    func mfaChallenge(_ factor: MFAFactor, _ p: PendingSignIn) async throws -> AuthStep {
        var state = p.state(factor.rawValue, self)
        var parameters = ["USER_ID_FOR_SRP": p.user.username]
        switch factor {
        case .softwareToken:
            if let name = p.user.mfa?.totp?.friendlyName { parameters["FRIENDLY_DEVICE_NAME"] = name }
        case .sms, .email:
            let attribute = factor == .sms ? "phone_number" : "email"
            let target: DeliveryTarget = (attribute, factor == .sms ? "SMS" : "EMAIL", p.user.attributes[attribute] ?? "")
            let code = deps.random.string(count: factor == .sms ? Self.smsCodeDigits : Self.emailCodeDigits, alphabet: Array("0123456789"))
            let message = try await composeCodeMessage(
                code, to: target, user: p.user, pool: p.pool, kind: "Authentication", clientId: p.client.id, clientMetadata: p.clientMetadata
            )
            state.codeHash = Hex.encode(signInCodeHash(code, state: state))
            try await deps.delivery.enqueue(message)
            parameters["CODE_DELIVERY_DELIVERY_MEDIUM"] = target.medium
            parameters["CODE_DELIVERY_DESTINATION"] = Self.mask(target.destination, medium: target.medium)
        }
        return AuthStep(challengeName: factor.rawValue, session: try seal(state), challengeParameters: parameters)
    }

    /// An SMS or e-mail sign-in code's keyed hash, bound to its one challenge.
    func signInCodeHash(_ code: String, state: ChallengeState) -> [UInt8] {
        deps.digests.hmacSHA256(key: deps.codeHashKey, data: Array("\(state.poolId)\n\(state.username)\nsignIn\n\(state.nonce)\n\(code)".utf8))
    }

    static let codeResponseKeys: [MFAFactor: String] = [.sms: "SMS_MFA_CODE", .email: "EMAIL_OTP_CODE", .softwareToken: "SOFTWARE_TOKEN_MFA_CODE"]
    static let sessionUsed = CognitoError(.notAuthorized, "Invalid session for the user, session can only be used once.")

    /// The answer to SMS_MFA, EMAIL_OTP or SOFTWARE_TOKEN_MFA.
    func answerMFA(
        _ factor: MFAFactor, _ responses: [String: String], session: String?, client: AppClient, pool: UserPool, clientMetadata: [String: String]?
    ) async throws -> AuthStep {
        let (state, user) = try await checkMFAAnswer(factor, responses, session: session, client: client, pool: pool)
        return try await finishSignIn(user, state: state, passed: factor.rawValue, client: client, pool: pool, clientMetadata: clientMetadata)
    }

    /// The sign-in and its user once the code of `factor` is right. A wrong code leaves the
    /// session usable and counts toward the user's lockout, as a wrong password does.
    func checkMFAAnswer(
        _ factor: MFAFactor, _ responses: [String: String], session: String?, client: AppClient, pool: UserPool
    ) async throws -> (ChallengeState, User) {
        let (state, user) = try await openPending(factor.rawValue, responses, session: session, client: client, pool: pool)
        let code = try Self.param(responses, Self.codeResponseKeys[factor]!)
        let failures = try await checkLockout(user)
        switch factor {
        case .sms, .email:
            guard let expected = state.codeHash.flatMap(Hex.decode), constantTimeEquals(expected, signInCodeHash(code, state: state)) else {
                try await signInFailed(user)
                try await recordStep(state.event, user, .mfa(false), "InProgress")
                throw CognitoError(.codeMismatch, "Invalid code or auth state for the user.")
            }
            // A code that arrived proves the address, as Cognito counts it.
            let verified = factor == .sms ? "phone_number_verified" : "email_verified"
            if user.attributes[verified] != "true" {
                try await updateUser(pool, user) { $0.attributes[verified] = "true" }
            }
        case .softwareToken:
            guard let totp = user.mfa?.totp, totp.verified else { throw Self.softwareTokenMissing }
            guard let step = try totpStep(code, totp, user: user) else {
                try await signInFailed(user)
                try await recordStep(state.event, user, .mfa(false), "InProgress")
                throw CognitoError(.codeMismatch, "Invalid code received for user")
            }
            try await spendTOTPStep(step, user: user, pool: pool)
        }
        try await signInSucceeded(user, failures: failures)
        return (state, user)
    }

    /// SELECT_MFA_TYPE: the factor chosen (ANSWER) is challenged next.
    func answerSelectMFA(_ responses: [String: String], session: String?, client: AppClient, pool: UserPool, clientMetadata: [String: String]?) async throws -> AuthStep {
        let (state, user) = try await openPending("SELECT_MFA_TYPE", responses, session: session, client: client, pool: pool)
        let answer = try Self.param(responses, "ANSWER")
        guard let factor = MFAFactor(rawValue: answer == "EMAIL_MFA" ? MFAFactor.email.rawValue : answer), state.choices?.contains(factor.rawValue) == true else {
            throw CognitoError.invalidParameter("Invalid value for ANSWER: \(answer) is not one of MFAS_CAN_CHOOSE.")
        }
        try await spend(state, failure: Self.sessionUsed)
        let pending = PendingSignIn(
            user: user, client: client, pool: pool, source: state.tokenSource ?? "TokenGeneration_Authentication", custom: state.customSession,
            clientMetadata: clientMetadata, deviceKey: state.deviceKey, event: state.event
        )
        return try await mfaChallenge(factor, pending)
    }

    /// MFA_SETUP, answered with the Session VerifySoftwareToken returned once the new token is verified.
    func answerMFASetup(_ responses: [String: String], session: String?, client: AppClient, pool: UserPool, clientMetadata: [String: String]?) async throws -> AuthStep {
        let (state, user) = try await checkMFASetup(responses, session: session, client: client, pool: pool)
        return try await finishSignIn(user, state: state, passed: MFAFactor.softwareToken.rawValue, client: client, pool: pool, clientMetadata: clientMetadata)
    }

    func checkMFASetup(_ responses: [String: String], session: String?, client: AppClient, pool: UserPool) async throws -> (ChallengeState, User) {
        let (state, user) = try await openPending("MFA_SETUP", responses, session: session, client: client, pool: pool)
        guard state.verified == true, user.mfa?.totp?.verified == true else {
            throw CognitoError.invalidParameter("MFA_SETUP needs a verified software token: call AssociateSoftwareToken and VerifySoftwareToken with the session first.")
        }
        return (state, user)
    }

    /// The sign-in behind a challenge Session, and its user as the answer names them.
    func openPending(
        _ kind: String, _ responses: [String: String], session: String?, client: AppClient, pool: UserPool
    ) async throws -> (ChallengeState, User) {
        let name = try Self.param(responses, "USERNAME")
        guard let session else { throw CognitoError.invalidParameter("Missing required parameter Session") }
        let state = try open(session, kind: kind, client: client, failure: .sessionExpired)
        try checkSecretHash(client, usernames: [name, state.username], given: responses["SECRET_HASH"])
        // A session that already signed in says so before its code is looked at.
        if try await store.isConsumed(id: marker(state).id) { throw Self.sessionUsed }
        guard let user = try await findUser(pool, name), user.username == state.username else { throw CognitoError.sessionExpired }
        if !user.enabled { throw CognitoError.userDisabled }
        return (state, user)
    }

    /// After the second factor: a CUSTOM_WITH_SRP session goes back to DefineAuthChallenge with
    /// the factor in it; any other sign-in gets its tokens. The challenge is spent here (with the
    /// tokens' write when nothing runs in between), so two right answers give one sign-in.
    private func finishSignIn(
        _ user: User, state: ChallengeState, passed: String, client: AppClient, pool: UserPool, clientMetadata: [String: String]?
    ) async throws -> AuthStep {
        let answered = Spend(marker: marker(state), failure: Self.sessionUsed)
        if let custom = state.customSession {
            try await spend(answered)
            let session = custom + [CustomChallengeResult(challengeName: passed, challengeResult: true)]
            return try await defineNext(user, session: session, srpA: nil, client: client, pool: pool, clientMetadata: clientMetadata)
        }
        return try await completeSignIn(
            user, client: client, pool: pool, source: state.tokenSource ?? "TokenGeneration_Authentication", clientMetadata: clientMetadata,
            answered: answered, deviceKey: state.deviceKey, event: state.event, passed: .mfa(true)
        )
    }
}
