import CognitoModel
import Foundation

/// USER_SRP_AUTH (contract §3). The server's SRP state travels sealed inside SECRET_BLOCK, so
/// InitiateAuth and RespondToAuthChallenge may land on different nodes.
extension Cognate {
    /// The server secret b: 256 bits, RFC 5054's minimum for the 3072-bit group.
    static let srpSecretBytes = 32
    /// 3072 bits in hex, plus slack for leading zeros a client might send.
    static let maxSRPAHexLength = 1024

    func srpStart(_ params: [String: String], client: AppClient, pool: UserPool, clientMetadata: [String: String]?, origin: SignInOrigin) async throws -> AuthStep {
        let name = try Self.param(params, "USERNAME")
        let aHex = try Self.param(params, "SRP_A")
        try checkSecretHash(client, username: name, given: params["SECRET_HASH"])
        let aBytes = try Self.srpA(aHex)
        let user = try await findUser(pool, name)
        if let user {
            if !user.enabled { throw CognitoError.userDisabled }
            if user.status == .unconfirmed { throw CognitoError.userNotConfirmed }
            if user.status == .resetRequired && !client.preventUserExistenceErrors { throw CognitoError.passwordResetRequired }
        }
        if let user, user.status != .resetRequired {
            guard let record = user.password, let stored = try verifier(user, pool: pool) else { throw CognitoError.incorrectCredentials }
            try await preAuthentication(user.username, user, pool: pool, client: client, clientMetadata: clientMetadata)
            return try await srpChallenge(
                username: user.username, salt: record.salt, verifier: stored, a: aBytes, simulated: false, client: client, pool: pool,
                event: signInEvent(pool, origin)
            )
        }
        // An unknown user, or (with existence errors prevented) one who must reset the password,
        // as Cognito treats imported users: a stable, plausible challenge that step two refuses.
        guard client.preventUserExistenceErrors else { throw CognitoError.userNotFound }
        if user == nil {
            // PreAuthentication hears of unknown users too (userNotFound), as on the password flows.
            try await preAuthentication(name, nil, pool: pool, client: client, clientMetadata: clientMetadata)
        }
        let seed = simulationSeed(name, pool)
        var salt = Array(seed[0..<16]); if salt[0] == 0 { salt[0] = 1 }
        // UUID-shaped whatever the pool's kind: an echo of the typed name would tell an unknown
        // alias (never anyone's username) from a real one (answered with the username).
        let username = uuidV4(seed)
        let srp = deps.srp, poolName = pool.srpPoolName, salted = salt
        let v = try await deps.compute.run { srp.verifier(poolName: poolName, userId: username, password: Hex.encode(seed), salt: salted) }
        return try await srpChallenge(username: username, salt: salt, verifier: v, a: aBytes, simulated: true, client: client, pool: pool)
    }

    static func srpA(_ aHex: String) throws -> [UInt8] {
        guard aHex.utf8.count <= Self.maxSRPAHexLength, let aBytes = Hex.decode(aHex), !Hex.stripLeadingZeros(aBytes).isEmpty else {
            throw CognitoError.incorrectCredentials
        }
        return aBytes
    }

    /// The PASSWORD_VERIFIER challenge; `custom` carries a CUSTOM_AUTH session (CUSTOM_WITH_SRP), whose
    /// sealed state then also travels as the Session.
    func srpChallenge(
        username: String, salt: [UInt8], verifier v: [UInt8], a aBytes: [UInt8], simulated: Bool, client: AppClient, pool: UserPool,
        custom: [CustomChallengeResult]? = nil, event: SignInEvent? = nil
    ) async throws -> AuthStep {
        let ephemeral = try await srpEphemerals.take(deps)
        let b = ephemeral.secret
        let bigB = try deps.srp.serverPublic(verifier: v, ephemeral: ephemeral.power)
        var state = ChallengeState(
            kind: "PASSWORD_VERIFIER", poolId: pool.id, clientId: client.id, username: username,
            expiresAt: now + Double(client.authSessionSeconds), nonce: deps.random.uuid(),
            srpA: Hex.encode(Hex.stripLeadingZeros(aBytes)), srpB: Hex.encode(bigB), srpSecret: Hex.encode(b), simulated: simulated ? true : nil,
            customSession: custom
        )
        state.event = event
        let sealed = try seal(state)
        return AuthStep(
            challengeName: "PASSWORD_VERIFIER", session: custom == nil ? nil : sealed,
            challengeParameters: [
                "SALT": Hex.encode(Hex.stripLeadingZeros(salt)), "SECRET_BLOCK": sealed, "SRP_B": Hex.encode(bigB),
                "USERNAME": username, "USER_ID_FOR_SRP": username,
            ]
        )
    }

    func srpAnswer(_ responses: [String: String], client: AppClient, pool: UserPool, clientMetadata: [String: String]?) async throws -> AuthStep {
        let name = try Self.param(responses, "USERNAME")
        let block = try Self.param(responses, "PASSWORD_CLAIM_SECRET_BLOCK")
        let timestamp = try Self.param(responses, "TIMESTAMP")
        let claim = try Self.param(responses, "PASSWORD_CLAIM_SIGNATURE")
        let state = try open(block, kind: "PASSWORD_VERIFIER", client: client, failure: .incorrectCredentials)
        try checkSecretHash(client, usernames: [name, state.username], given: responses["SECRET_HASH"])
        let when: Date
        switch CognitoTimestamp.read(timestamp) {
        case .date(let d): when = d
        case .refused: throw CognitoError.incorrectCredentials
        case .malformed: throw CognitoError.invalidParameter("TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
        }
        if state.simulated == true { try await refuseSimulated(state, pool: pool, blockText: block, timestamp: timestamp) }
        guard abs(when.timeIntervalSince1970 - now) <= deps.config.srpTimestampTolerance,
              let user = try await findUser(pool, name), user.username == state.username
        else { throw CognitoError.incorrectCredentials }
        // The user may have been reset since the challenge was issued (AdminResetUserPassword
        // keeps the password but requires a new one); answer as the first step would now.
        if user.status == .resetRequired {
            throw client.preventUserExistenceErrors ? CognitoError.incorrectCredentials : CognitoError.passwordResetRequired
        }
        // The answer's own DEVICE_KEY (the SDKs send it with the proof): an unknown one is refused
        // before the proof is spent, and the SDKs answer again without it.
        let deviceKey = responses["DEVICE_KEY"]
        _ = try await signInDevice(user, pool: pool, key: deviceKey)
        guard user.password != nil, let v = try verifier(user, pool: pool),
              let a = state.srpA.flatMap(Hex.decode), let bigB = state.srpB.flatMap(Hex.decode), let b = state.srpSecret.flatMap(Hex.decode),
              let given = Base64.decode(claim), let blockBytes = Base64.decode(block)
        else { throw CognitoError.incorrectCredentials }
        let failures = try await checkLockout(user)
        // When nothing can stand between a correct proof and the tokens, they are drafted now
        // and signed in the hand-off that checks the proof: one trip to the compute pool, not two.
        let draft = try await directTokens(user, state: state, client: client, pool: pool, clientMetadata: clientMetadata)
        let expected: [UInt8]
        let signed: Result<TokenDraft.Signed, any Error>?
        do {
            let srp = deps.srp, signing = deps.signing, digests = deps.digests, poolName = pool.srpPoolName, userId = user.username
            (expected, signed) = try await deps.compute.run {
                let expected = try srp.expectedSignature(
                    clientPublic: a, serverPublic: bigB, serverSecret: b, verifier: v, poolName: poolName,
                    userId: userId, secretBlock: blockBytes, timestamp: timestamp
                )
                guard let draft, constantTimeEquals(expected, given) else { return (expected, nil) }
                return (expected, Result { try draft.sign(signing, digests) })
            }
        } catch {
            throw CognitoError.incorrectCredentials
        }
        guard constantTimeEquals(expected, given) else {
            try await signInFailed(user)
            try await recordStep(state.event, user, .password(false), "Fail")
            throw CognitoError.incorrectCredentials
        }
        try await passwordSucceeded(user, pool: pool, failures: failures)
        let answered = Spend(marker: marker(state), failure: .incorrectCredentials)
        if let draft, let signed {
            let result = try await finishTokens(draft, try signed.get(), answered: answered, recording: eventStep(state.event, user, .password(true), "Pass"))
            return AuthStep(challengeParameters: [:], authenticationResult: result)
        }
        guard user.enabled, state.customSession == nil else {
            try await spend(answered)
            if !user.enabled { throw CognitoError.userDisabled }
            try checkTemporaryPassword(user)
            let session = (state.customSession ?? []) + [CustomChallengeResult(challengeName: "PASSWORD_VERIFIER", challengeResult: true)]
            // Cognito puts the second factor after the password itself; DefineAuthChallenge then
            // sees it in the session.
            if let challenge = try await mfaStep(
                user, client: client, pool: pool, source: "TokenGeneration_Authentication", custom: session, clientMetadata: clientMetadata, deviceKey: deviceKey
            ) {
                return challenge
            }
            return try await defineNext(user, session: session, srpA: nil, client: client, pool: pool, clientMetadata: clientMetadata)
        }
        return try await afterPassword(user, client: client, pool: pool, clientMetadata: clientMetadata, answered: answered, deviceKey: deviceKey, event: state.event)
    }

    /// The tokens a correct proof leads straight to: none when a disabled user, a CUSTOM_WITH_SRP
    /// session, a further challenge or a trigger (PostAuthentication, PreTokenGeneration) comes
    /// first. Otherwise what `afterPassword` would issue, drafted as `completeSignIn` drafts it.
    private func directTokens(
        _ user: User, state: ChallengeState, client: AppClient, pool: UserPool, clientMetadata: [String: String]?
    ) async throws -> TokenDraft? {
        guard user.enabled, state.customSession == nil, !challengesAfterPassword(user, pool), !triggersBeforeTokens(pool),
              pool.type.deviceConfiguration == nil
        else { return nil }
        return try await draftTokens(
            user: user, pool: pool, client: client, authTime: now, source: "TokenGeneration_Authentication", clientMetadata: clientMetadata,
            eventId: state.event?.id
        )
    }

    /// The answer to a challenge made up for an unknown user always fails, after the same two
    /// modexps a real wrong answer costs, so that its timing does not give the user away.
    private func refuseSimulated(_ state: ChallengeState, pool: UserPool, blockText: String, timestamp: String) async throws -> Never {
        if let a = state.srpA.flatMap(Hex.decode), let bigB = state.srpB.flatMap(Hex.decode), let b = state.srpSecret.flatMap(Hex.decode),
           let blockBytes = Base64.decode(blockText) {
            let srp = deps.srp, poolName = pool.srpPoolName, userId = state.username
            _ = try? await deps.compute.run {
                try srp.expectedSignature(
                    clientPublic: a, serverPublic: bigB, serverSecret: b, verifier: bigB, poolName: poolName,
                    userId: userId, secretBlock: blockBytes, timestamp: timestamp
                )
            }
        }
        throw CognitoError.incorrectCredentials
    }
}
