import CognitoModel

/// CUSTOM_AUTH and CUSTOM_WITH_SRP: DefineAuthChallenge decides each step from the session so far,
/// CreateAuthChallenge makes a CUSTOM_CHALLENGE and VerifyAuthChallengeResponse judges the answer.
/// The session (with the private challenge parameters) travels sealed, like every challenge state.
extension Cognate {
    static let customAuthNotConfigured = CognitoError.invalidParameter("Custom auth lambda trigger is not configured for the user pool.")

    func customAuthStart(_ params: [String: String], client: AppClient, pool: UserPool, clientMetadata: [String: String]?) async throws -> AuthStep {
        let name = try Self.param(params, "USERNAME")
        try checkSecretHash(client, username: name, given: params["SECRET_HASH"])
        guard triggerTarget(.defineAuthChallenge, pool) != nil else { throw Self.customAuthNotConfigured }
        let user = try await signInCandidate(name, try await findUser(pool, name), client: client, pool: pool, clientMetadata: clientMetadata)
        var session: [CustomChallengeResult] = []
        var srpA: [UInt8]?
        if params["CHALLENGE_NAME"] == "SRP_A" {
            srpA = try Self.srpA(try Self.param(params, "SRP_A"))
            session.append(CustomChallengeResult(challengeName: "SRP_A", challengeResult: true))
        }
        return try await defineNext(user, session: session, srpA: srpA, client: client, pool: pool, clientMetadata: clientMetadata)
    }

    /// Asks DefineAuthChallenge what follows `session`: tokens, failure, or the next challenge.
    func defineNext(
        _ user: User, session: [CustomChallengeResult], srpA: [UInt8]?, client: AppClient, pool: UserPool, clientMetadata: [String: String]?
    ) async throws -> AuthStep {
        guard let r = try await runTrigger(
            .defineAuthChallenge, pool: pool, source: "DefineAuthChallenge_Authentication", userName: user.username, clientId: client.id,
            request: [
                "userAttributes": triggerAttributes(user, pool: pool), "session": .array(session.map(\.json)),
                "clientMetadata": Self.stringMap(clientMetadata), "userNotFound": .bool(false),
            ],
            response: ["challengeName": .null, "issueTokens": .bool(false), "failAuthentication": .bool(false)]
        ) else { throw Self.customAuthNotConfigured }
        if try r.bool("failAuthentication") == true { throw CognitoError.incorrectCredentials }
        if try r.bool("issueTokens") == true {
            return try await completeSignIn(user, client: client, pool: pool, source: "TokenGeneration_Authentication", clientMetadata: clientMetadata)
        }
        switch try r.string("challengeName") {
        case "CUSTOM_CHALLENGE"?:
            return try await createChallenge(user, session: session, client: client, pool: pool, clientMetadata: clientMetadata)
        case "PASSWORD_VERIFIER"? where srpA != nil:
            guard let record = user.password, let v = try verifier(user, pool: pool) else { throw CognitoError.incorrectCredentials }
            return try await srpChallenge(username: user.username, salt: record.salt, verifier: v, a: srpA!, simulated: false, client: client, pool: pool, custom: session)
        default:
            throw CognitoError.lambdaInvalidResponse
        }
    }

    func createChallenge(
        _ user: User, session: [CustomChallengeResult], client: AppClient, pool: UserPool, clientMetadata: [String: String]?
    ) async throws -> AuthStep {
        guard let r = try await runTrigger(
            .createAuthChallenge, pool: pool, source: "CreateAuthChallenge_Authentication", userName: user.username, clientId: client.id,
            request: [
                "userAttributes": triggerAttributes(user, pool: pool), "challengeName": .string("CUSTOM_CHALLENGE"),
                "session": .array(session.map(\.json)), "clientMetadata": Self.stringMap(clientMetadata), "userNotFound": .bool(false),
            ],
            response: ["publicChallengeParameters": .null, "privateChallengeParameters": .null, "challengeMetadata": .null]
        ) else { throw Self.customAuthNotConfigured }
        let publicParameters = try r.stringMap("publicChallengeParameters") ?? [:]
        let state = ChallengeState(
            kind: "CUSTOM_CHALLENGE", poolId: pool.id, clientId: client.id, username: user.username,
            expiresAt: now + Double(client.authSessionSeconds), nonce: deps.random.uuid(),
            customSession: session, privateParameters: try r.stringMap("privateChallengeParameters") ?? [:],
            challengeMetadata: try r.string("challengeMetadata")
        )
        return AuthStep(
            challengeName: "CUSTOM_CHALLENGE", session: try seal(state),
            challengeParameters: publicParameters.merging(["USERNAME": user.username]) { $1 }
        )
    }

    func customChallengeAnswer(
        _ responses: [String: String], session: String?, client: AppClient, pool: UserPool, clientMetadata: [String: String]?
    ) async throws -> AuthStep {
        let name = try Self.param(responses, "USERNAME")
        let answer = try Self.param(responses, "ANSWER")
        guard let session else { throw CognitoError.invalidParameter("Missing required parameter Session") }
        let state = try open(session, kind: "CUSTOM_CHALLENGE", client: client, failure: .sessionExpired)
        try checkSecretHash(client, usernames: [name, state.username], given: responses["SECRET_HASH"])
        guard let user = try await findUser(pool, name), user.username == state.username else { throw CognitoError.sessionExpired }
        if !user.enabled { throw CognitoError.userDisabled }
        guard let r = try await runTrigger(
            .verifyAuthChallengeResponse, pool: pool, source: "VerifyAuthChallengeResponse_Authentication", userName: user.username,
            clientId: client.id,
            request: [
                "userAttributes": triggerAttributes(user, pool: pool), "privateChallengeParameters": Self.stringMap(state.privateParameters ?? [:]),
                "challengeAnswer": .string(answer), "clientMetadata": Self.stringMap(clientMetadata), "userNotFound": .bool(false),
            ],
            response: ["answerCorrect": .bool(false)]
        ) else { throw Self.customAuthNotConfigured }
        let correct = try r.bool("answerCorrect") ?? false
        // Spent only now, so a failed VerifyAuthChallengeResponse call leaves the session usable.
        try await spend(state, failure: .sessionExpired)
        let next = (state.customSession ?? []) + [CustomChallengeResult(challengeName: "CUSTOM_CHALLENGE", challengeResult: correct, challengeMetadata: state.challengeMetadata)]
        return try await defineNext(user, session: next, srpA: nil, client: client, pool: pool, clientMetadata: clientMetadata)
    }
}
