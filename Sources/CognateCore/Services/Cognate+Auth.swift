import Foundation
import CognitoModel

/// InitiateAuth / AdminInitiateAuth and the challenges that follow (contract §2.2).
extension Cognate {
    public func initiateAuth(_ input: InitiateAuthRequest, _ ctx: CallContext) async throws -> InitiateAuthResponse {
        let (client, pool) = try await requireClientAndPool(input.clientId)
        let r = try await startAuth(
            flow: input.authFlow, params: input.authParameters ?? [:], client: client, pool: pool, admin: false, clientMetadata: input.clientMetadata,
            origin: SignInOrigin(ctx, input.userContextData, client: client)
        )
        return InitiateAuthResponse(challengeName: r.challengeName, session: r.session, challengeParameters: r.challengeParameters, authenticationResult: r.authenticationResult)
    }

    public func adminInitiateAuth(_ input: AdminInitiateAuthRequest, _ ctx: CallContext) async throws -> AdminInitiateAuthResponse {
        let pool = try await requirePool(input.userPoolId)
        let client = try await requireClient(input.clientId, poolId: pool.id)
        let r = try await startAuth(
            flow: input.authFlow, params: input.authParameters ?? [:], client: client, pool: pool, admin: true, clientMetadata: input.clientMetadata,
            origin: SignInOrigin(ctx, input.contextData)
        )
        return AdminInitiateAuthResponse(challengeName: r.challengeName, session: r.session, challengeParameters: r.challengeParameters, authenticationResult: r.authenticationResult)
    }

    public func respondToAuthChallenge(_ input: RespondToAuthChallengeRequest, _ ctx: CallContext) async throws -> RespondToAuthChallengeResponse {
        let (client, pool) = try await requireClientAndPool(input.clientId)
        let r = try await answer(challenge: input.challengeName, responses: input.challengeResponses ?? [:], session: input.session, client: client, pool: pool, clientMetadata: input.clientMetadata)
        return RespondToAuthChallengeResponse(challengeName: r.challengeName, session: r.session, challengeParameters: r.challengeParameters, authenticationResult: r.authenticationResult)
    }

    public func adminRespondToAuthChallenge(_ input: AdminRespondToAuthChallengeRequest, _ ctx: CallContext) async throws -> AdminRespondToAuthChallengeResponse {
        let pool = try await requirePool(input.userPoolId)
        let client = try await requireClient(input.clientId, poolId: pool.id)
        let r = try await answer(challenge: input.challengeName, responses: input.challengeResponses ?? [:], session: input.session, client: client, pool: pool, clientMetadata: input.clientMetadata)
        return AdminRespondToAuthChallengeResponse(challengeName: r.challengeName, session: r.session, challengeParameters: r.challengeParameters, authenticationResult: r.authenticationResult)
    }

    // MARK: - Flows

    func startAuth(
        flow: String, params: [String: String], client: AppClient, pool: UserPool, admin: Bool, clientMetadata: [String: String]?, origin: SignInOrigin
    ) async throws -> AuthStep {
        switch flow {
        case "USER_PASSWORD_AUTH" where !admin:
            try requireFlow("ALLOW_USER_PASSWORD_AUTH", name: "USER_PASSWORD_AUTH", client: client)
            return try await passwordAuth(params, client: client, pool: pool, clientMetadata: clientMetadata, origin: origin)
        case "ADMIN_USER_PASSWORD_AUTH" where admin, "ADMIN_NO_SRP_AUTH" where admin:
            try requireFlow("ALLOW_ADMIN_USER_PASSWORD_AUTH", name: flow, client: client)
            return try await passwordAuth(params, client: client, pool: pool, clientMetadata: clientMetadata, origin: origin)
        case "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN":
            try requireFlow("ALLOW_REFRESH_TOKEN_AUTH", name: "REFRESH_TOKEN", client: client)
            return try await refreshAuth(params, client: client, pool: pool)
        case "USER_SRP_AUTH":
            try requireFlow("ALLOW_USER_SRP_AUTH", name: "USER_SRP_AUTH", client: client)
            return try await srpStart(params, client: client, pool: pool, clientMetadata: clientMetadata, origin: origin)
        case "CUSTOM_AUTH":
            try requireFlow("ALLOW_CUSTOM_AUTH", name: "CUSTOM_AUTH", client: client)
            return try await customAuthStart(params, client: client, pool: pool, clientMetadata: clientMetadata)
        case "USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH":
            throw CognitoError.invalidParameter("Initiate Auth method not supported.")
        default:
            throw CognitoError.invalidParameter("Initiate Auth method not supported.")
        }
    }

    func requireFlow(_ allow: String, name: String, client: AppClient) throws {
        guard client.allows(allow) else { throw CognitoError.invalidParameter("\(name) flow not enabled for this client") }
    }

    static func param(_ params: [String: String], _ name: String) throws -> String {
        guard let v = params[name], !v.isEmpty else { throw CognitoError.invalidParameter("Missing required parameter \(name)") }
        return v
    }

    /// USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH: Cognito's order of checks (contract §2.2).
    func passwordAuth(
        _ params: [String: String], client: AppClient, pool: UserPool, clientMetadata: [String: String]?, origin: SignInOrigin
    ) async throws -> AuthStep {
        let name = try Self.param(params, "USERNAME")
        let password = try Self.param(params, "PASSWORD")
        try checkSecretHash(client, username: name, given: params["SECRET_HASH"])
        var found = try await findUser(pool, name)
        if found == nil {
            found = try await migrateUser(name, password: password, pool: pool, client: client, clientMetadata: clientMetadata)
        }
        let user = try await signInCandidate(name, found, client: client, pool: pool, clientMetadata: clientMetadata, password: password)
        let event = signInEvent(pool, origin)
        try await checkSignInPassword(password, user: user, pool: pool, event: event)
        return try await afterPassword(user, client: client, pool: pool, clientMetadata: clientMetadata, deviceKey: params["DEVICE_KEY"], event: event)
    }

    /// The user named at sign-in, refusing the states that may not sign in, then asking the
    /// PreAuthentication trigger (which also hears of unknown users when existence errors are prevented).
    /// With `password`, an unknown user's refusal (when existence errors are prevented) costs the
    /// same modexp a wrong password does, so its timing does not tell the two apart.
    func signInCandidate(
        _ name: String, _ found: User?, client: AppClient, pool: UserPool, clientMetadata: [String: String]?, password: String? = nil
    ) async throws -> User {
        guard let user = found else {
            if client.preventUserExistenceErrors {
                try await preAuthentication(name, nil, pool: pool, client: client, clientMetadata: clientMetadata)
                if let password {
                    let srp = deps.srp, poolName = pool.srpPoolName, salt = Array(simulationSeed(name, pool)[0..<16])
                    _ = try await deps.compute.run { srp.verifier(poolName: poolName, userId: name, password: password, salt: salt) }
                }
                throw CognitoError.incorrectCredentials
            }
            throw CognitoError.userNotFound
        }
        if !user.enabled { throw CognitoError.userDisabled }
        if user.status == .unconfirmed { throw CognitoError.userNotConfirmed }
        if user.status == .resetRequired {
            throw client.preventUserExistenceErrors ? CognitoError.incorrectCredentials : CognitoError.passwordResetRequired
        }
        try await preAuthentication(user.username, user, pool: pool, client: client, clientMetadata: clientMetadata)
        return user
    }

    /// The PreAuthentication trigger; `user` is nil for an unknown user when existence errors are prevented.
    func preAuthentication(_ name: String, _ user: User?, pool: UserPool, client: AppClient, clientMetadata: [String: String]?) async throws {
        _ = try await runTrigger(
            .preAuthentication, pool: pool, source: "PreAuthentication_Authentication", userName: name, clientId: client.id,
            request: [
                "userAttributes": user.map { triggerAttributes($0, pool: pool) } ?? .object([:]),
                "validationData": Self.stringMap(clientMetadata), "userNotFound": .bool(user == nil),
            ]
        )
    }

    /// A successful sign-in: the PostAuthentication trigger, then tokens (through PreTokenGeneration).
    /// An `answered` challenge is spent with the refresh token, or first when a trigger will run:
    /// two racing answers must not both reach a trigger. The sign-in's event passes (with the
    /// challenge `passed` just now) in the same write as the refresh token.
    func completeSignIn(
        _ user: User, client: AppClient, pool: UserPool, source: String, clientMetadata: [String: String]?, answered: Spend? = nil, deviceKey: String? = nil,
        event: SignInEvent? = nil, passed: AuthEventChallenge? = nil
    ) async throws -> AuthStep {
        let device = try await deviceGrant(user, pool: pool, key: deviceKey)
        var answered = answered
        if let first = answered, triggersBeforeTokens(pool) {
            try await spend(first)
            answered = nil
        }
        try await postAuthentication(user, client: client, pool: pool, clientMetadata: clientMetadata)
        let result = try await issueTokens(
            user: user, pool: pool, client: client, authTime: now, source: source, clientMetadata: clientMetadata, answered: answered, device: device,
            recording: eventStep(event, user, passed, "Pass")
        )
        return AuthStep(challengeParameters: [:], authenticationResult: result)
    }

    /// Whether a trigger runs between a correct password and the tokens (PostAuthentication,
    /// PreTokenGeneration): the challenge is then spent first, and SRP signs in a trip of its own.
    func triggersBeforeTokens(_ pool: UserPool) -> Bool {
        triggerTarget(.postAuthentication, pool) != nil || triggerTarget(.preTokenGeneration, pool) != nil
    }

    func postAuthentication(_ user: User, client: AppClient, pool: UserPool, clientMetadata: [String: String]?) async throws {
        _ = try await runTrigger(
            .postAuthentication, pool: pool, source: "PostAuthentication_Authentication", userName: user.username, clientId: client.id,
            request: ["userAttributes": triggerAttributes(user, pool: pool), "newDeviceUsed": .bool(false), "clientMetadata": Self.stringMap(clientMetadata)]
        )
    }

    /// After a correct password: a forced password change, a second factor, or tokens. The
    /// sign-in's event records the password's success with whichever comes next.
    func afterPassword(
        _ user: User, client: AppClient, pool: UserPool, clientMetadata: [String: String]?, answered: Spend? = nil, deviceKey: String? = nil,
        event: SignInEvent? = nil
    ) async throws -> AuthStep {
        if let challenge = try passwordChallenge(user, client: client, pool: pool, event: event) {
            if let answered { try await spend(answered) }
            try await recordStep(event, user, .password(true), "InProgress")
            return challenge
        }
        if let challenge = try await mfaStep(
            user, client: client, pool: pool, source: "TokenGeneration_Authentication", clientMetadata: clientMetadata, deviceKey: deviceKey, event: event
        ) {
            if let answered { try await spend(answered) }
            try await recordStep(event, user, .password(true), "InProgress")
            return challenge
        }
        return try await completeSignIn(
            user, client: client, pool: pool, source: "TokenGeneration_Authentication", clientMetadata: clientMetadata, answered: answered, deviceKey: deviceKey,
            event: event, passed: .password(true)
        )
    }

    /// A temporary password past its validity proves nothing, whatever flow it was given in.
    func checkTemporaryPassword(_ user: User) throws {
        if user.status == .forceChangePassword, let expires = user.password?.expiresAt, expires <= now {
            throw CognitoError.temporaryPasswordExpired
        }
    }

    /// What stands in for an unknown user's secrets (existence errors prevented): stable for the
    /// name, and unguessable without the server's key.
    func simulationSeed(_ name: String, _ pool: UserPool) -> [UInt8] {
        deps.digests.hmacSHA256(key: deps.codeHashKey, data: Array("srp-sim:\(pool.id):\(key(name, pool))".utf8))
    }

    /// Whether a correct password may lead to a challenge (a forced password change, a second
    /// factor) rather than tokens.
    func challengesAfterPassword(_ user: User, _ pool: UserPool) -> Bool {
        user.status == .forceChangePassword || mfaMayFollow(user, pool)
    }

    /// The forced password change a user must make after a correct password, if one is due.
    func passwordChallenge(_ user: User, client: AppClient, pool: UserPool, event: SignInEvent? = nil) throws -> AuthStep? {
        if user.status == .forceChangePassword {
            try checkTemporaryPassword(user)
            var state = ChallengeState(
                kind: "NEW_PASSWORD_REQUIRED", poolId: pool.id, clientId: client.id, username: user.username,
                expiresAt: now + Double(client.authSessionSeconds), nonce: deps.random.uuid()
            )
            state.event = event
            var shown = user.attributes
            shown.removeValue(forKey: "sub")
            let required = missingRequiredAttributes(user, pool: pool).map { "userAttributes." + $0 }
            return AuthStep(
                challengeName: "NEW_PASSWORD_REQUIRED", session: try seal(state),
                challengeParameters: [
                    "USER_ID_FOR_SRP": user.username,
                    "requiredAttributes": Self.jsonString(required),
                    "userAttributes": Self.jsonString(shown),
                ]
            )
        }
        return nil
    }

    func refreshAuth(_ params: [String: String], client: AppClient, pool: UserPool) async throws -> AuthStep {
        let token = try Self.param(params, "REFRESH_TOKEN")
        guard let record = try await store.refreshToken(hash: deps.digests.sha256(Array(token.utf8))),
              record.clientId == client.id, record.poolId == pool.id
        else { throw CognitoError.invalidRefreshToken }
        if record.revoked { throw CognitoError.refreshTokenRevoked }
        if record.expiresAt <= now { throw CognitoError.refreshTokenExpired }
        guard let user = try await store.user(poolId: pool.id, usernameKey: key(record.username, pool)) else {
            throw CognitoError.refreshTokenRevoked
        }
        // Apps compute this hash from whichever name they know the user by; accept any of them.
        let names = [user.username, user.sub] + pool.signInAttributes.compactMap { user.attributes[$0] }
        try checkSecretHash(client, usernames: names, given: params["SECRET_HASH"])
        if !user.enabled { throw CognitoError.userDisabled }
        // A family issued to a device refreshes only on that device, and not once it is forgotten.
        var device: DeviceGrant?
        if let bound = record.deviceKey {
            guard params["DEVICE_KEY"] == bound, try await store.device(poolId: pool.id, username: user.username, key: bound) != nil else {
                throw CognitoError.invalidRefreshToken
            }
            device = DeviceGrant(key: bound, metadata: nil)
        }
        let result = try await issueTokens(
            user: user, pool: pool, client: client, authTime: record.authTime, family: record, scopes: record.scopes, source: "TokenGeneration_RefreshTokens",
            device: device
        )
        return AuthStep(challengeParameters: [:], authenticationResult: result)
    }

    // MARK: - Challenges

    func answer(challenge: String, responses: [String: String], session: String?, client: AppClient, pool: UserPool, clientMetadata: [String: String]?) async throws -> AuthStep {
        switch challenge {
        case "NEW_PASSWORD_REQUIRED":
            return try await answerNewPassword(responses, session: session, client: client, pool: pool, clientMetadata: clientMetadata)
        case "PASSWORD_VERIFIER":
            return try await srpAnswer(responses, client: client, pool: pool, clientMetadata: clientMetadata)
        case "CUSTOM_CHALLENGE":
            return try await customChallengeAnswer(responses, session: session, client: client, pool: pool, clientMetadata: clientMetadata)
        case "SMS_MFA", "EMAIL_OTP", "SOFTWARE_TOKEN_MFA":
            return try await answerMFA(MFAFactor(rawValue: challenge)!, responses, session: session, client: client, pool: pool, clientMetadata: clientMetadata)
        case "SELECT_MFA_TYPE":
            return try await answerSelectMFA(responses, session: session, client: client, pool: pool, clientMetadata: clientMetadata)
        case "MFA_SETUP":
            return try await answerMFASetup(responses, session: session, client: client, pool: pool, clientMetadata: clientMetadata)
        case "DEVICE_SRP_AUTH":
            return try await answerDeviceSRP(responses, session: session, client: client, pool: pool)
        case "DEVICE_PASSWORD_VERIFIER":
            return try await answerDevicePassword(responses, client: client, pool: pool, clientMetadata: clientMetadata)
        default:
            throw CognitoError.invalidParameter("Unsupported challenge name \(challenge).")
        }
    }

    func answerNewPassword(_ responses: [String: String], session: String?, client: AppClient, pool: UserPool, clientMetadata: [String: String]?) async throws -> AuthStep {
        let (user, event) = try await completeNewPassword(responses, session: session, client: client, pool: pool)
        let deviceKey = responses["DEVICE_KEY"]
        // Cognito asks for the second factor (or its set-up) right after the new password.
        if let challenge = try await mfaStep(
            user, client: client, pool: pool, source: "TokenGeneration_NewPasswordChallenge", clientMetadata: clientMetadata, deviceKey: deviceKey, event: event
        ) {
            return challenge
        }
        return try await completeSignIn(
            user, client: client, pool: pool, source: "TokenGeneration_NewPasswordChallenge", clientMetadata: clientMetadata, deviceKey: deviceKey,
            event: event
        )
    }

    /// Checks a NEW_PASSWORD_REQUIRED answer and sets the new password (and any attributes given);
    /// the user, and the sign-in's event.
    func completeNewPassword(_ responses: [String: String], session: String?, client: AppClient, pool: UserPool) async throws -> (User, SignInEvent?) {
        let name = try Self.param(responses, "USERNAME")
        let newPassword = try Self.param(responses, "NEW_PASSWORD")
        guard let session else { throw CognitoError.invalidParameter("Missing required parameter Session") }
        let state = try open(session, kind: "NEW_PASSWORD_REQUIRED", client: client, failure: .sessionExpired)
        try checkSecretHash(client, usernames: [name, state.username], given: responses["SECRET_HASH"])
        guard let user = try await findUser(pool, name), user.username == state.username else { throw CognitoError.sessionExpired }
        if !user.enabled { throw CognitoError.userDisabled }
        guard user.status == .forceChangePassword else { throw CognitoError.sessionExpired }
        var given: [AttributeType] = []
        for (k, v) in responses where k.hasPrefix("userAttributes.") {
            given.append(AttributeType(name: String(k.dropFirst("userAttributes.".count)), value: v))
        }
        let changes = try checkAttributes(given, pool: pool, creating: false, client: client)
        var merged = user.attributes
        merged.merge(changes) { $1 }
        try checkRequired(merged, pool: pool)
        try checkPolicy(newPassword, pool: pool)
        try await spend(state, failure: .sessionExpired)
        let record = try await passwordRecord(newPassword, pool: pool, username: user.username, temporary: false)
        let updated = try await updateUser(pool, user) { u in
            Self.applyAttributeChanges(changes, to: &u, explicitVerification: false)
            u.password = record
            u.status = .confirmed
        }
        return (updated, state.event)
    }

    static let challengeEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func jsonString<T: Encodable>(_ value: T) -> String {
        (try? String(decoding: challengeEncoder.encode(value), as: UTF8.self)) ?? "{}"
    }
}

/// One step of a sign-in: a challenge to answer, or tokens.
struct AuthStep: Sendable {
    var challengeName: String?
    var session: String?
    var challengeParameters: [String: String]?
    var authenticationResult: AuthenticationResultType?
}
