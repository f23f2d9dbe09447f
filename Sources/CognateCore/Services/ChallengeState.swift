import Foundation

/// What a challenge needs to remember between InitiateAuth and RespondToAuthChallenge. It is
/// sealed into the Session string (or SRP's SECRET_BLOCK) with the deployment's session key, so
/// any node can answer a challenge another node issued, and nobody can forge or read it.
struct ChallengeState: Sendable {
    var kind: String
    var poolId: String
    var clientId: String
    var username: String
    var expiresAt: Double
    var nonce: String
    // PASSWORD_VERIFIER only: the client's A, the server's b and B (hex).
    var srpA: String?
    var srpB: String?
    var srpSecret: String?
    /// Set when the challenge was simulated for an unknown user (existence errors prevented).
    var simulated: Bool?
    // CUSTOM_AUTH: the challenges so far, and what CreateAuthChallenge keeps from the client.
    var customSession: [CustomChallengeResult]?
    var privateParameters: [String: String]?
    var challengeMetadata: String?
    // MFA: the trigger source of the tokens at the end, the SMS or e-mail code's keyed hash
    // (hex), and the factors SELECT_MFA_TYPE offered.
    var tokenSource: String?
    var codeHash: String?
    var choices: [String]?
    /// MFA_SETUP: VerifySoftwareToken verified the token set up in this sign-in.
    var verified: Bool?
    /// The device the sign-in named (DEVICE_KEY), for its tokens and DEVICE_SRP_AUTH.
    var deviceKey: String?
    /// The sign-in's entry in the user's history, in pools that keep one (`Cognate+AuthEvents`).
    var event: SignInEvent?
}

/// One entry of a CUSTOM_AUTH session, as DefineAuthChallenge sees it.
struct CustomChallengeResult: Codable, Sendable {
    var challengeName: String
    var challengeResult: Bool
    var challengeMetadata: String?

    var json: JSONValue {
        .object(["challengeName": .string(challengeName), "challengeResult": .bool(challengeResult), "challengeMetadata": challengeMetadata.map { .string($0) } ?? .null])
    }
}

extension Cognate {
    static let sessionAAD = Array("cognate-session-v1".utf8)

    func seal(_ state: ChallengeState) throws -> String {
        guard let json = state.json.compactJSON() else { throw CognitoError(.internalError, "A challenge could not be sealed.") }
        return Base64.encode(try deps.sessions.seal(json, aad: Self.sessionAAD))
    }

    /// Opens a sealed challenge; any failure reads as `failure`.
    func open(_ text: String, kind: String, client: AppClient, failure: CognitoError) throws -> ChallengeState {
        guard let box = Base64.decode(text),
              let plain = try? deps.sessions.open(box, aad: Self.sessionAAD),
              let value = JSONValue.parse(plain), let state = ChallengeState(json: value),
              state.kind == kind, state.clientId == client.id, state.poolId == client.poolId
        else { throw failure }
        guard state.expiresAt > now else { throw failure }
        return state
    }

    /// Opens a sealed challenge of `kind` that arrives without a client id (the software-token
    /// operations during MFA_SETUP); any failure reads as `failure`.
    func open(_ text: String, kind: String, failure: CognitoError) throws -> ChallengeState {
        guard let box = Base64.decode(text),
              let plain = try? deps.sessions.open(box, aad: Self.sessionAAD),
              let value = JSONValue.parse(plain), let state = ChallengeState(json: value), state.kind == kind, state.expiresAt > now
        else { throw failure }
        return state
    }

    /// Challenges are single-use: the first answer spends the nonce on every node.
    func spend(_ state: ChallengeState, failure: CognitoError) async throws {
        try await spend(Spend(marker: marker(state), failure: failure))
    }

    func spend(_ pending: Spend) async throws {
        guard try await store.consumeOnce(id: pending.marker.id, expiresAt: pending.marker.expiresAt) else { throw pending.failure }
    }

    func marker(_ state: ChallengeState) -> OnceMarker {
        OnceMarker(id: deps.digests.sha256(Array(("challenge:" + state.nonce).utf8)), expiresAt: state.expiresAt)
    }

    /// An answered challenge not spent yet: spent with the sign-in's refresh token, in one
    /// commit, when nothing runs in between; `failure` is what a second answer gets.
    struct Spend: Sendable {
        var marker: OnceMarker
        var failure: CognitoError
    }
}

// Sealed state is written and read through JSONValue: JSONEncoder and JSONDecoder cost more
// than the rest of a challenge's bookkeeping. Same member names as the Codable form.
extension ChallengeState {
    var json: JSONValue {
        var o: [String: JSONValue] = [
            "kind": .string(kind), "poolId": .string(poolId), "clientId": .string(clientId), "username": .string(username),
            "expiresAt": .number(expiresAt), "nonce": .string(nonce),
        ]
        if let srpA { o["srpA"] = .string(srpA) }
        if let srpB { o["srpB"] = .string(srpB) }
        if let srpSecret { o["srpSecret"] = .string(srpSecret) }
        if let simulated { o["simulated"] = .bool(simulated) }
        if let customSession { o["customSession"] = .array(customSession.map(\.json)) }
        if let privateParameters { o["privateParameters"] = .object(privateParameters.mapValues { .string($0) }) }
        if let challengeMetadata { o["challengeMetadata"] = .string(challengeMetadata) }
        if let tokenSource { o["tokenSource"] = .string(tokenSource) }
        if let codeHash { o["codeHash"] = .string(codeHash) }
        if let choices { o["choices"] = .array(choices.map { .string($0) }) }
        if let verified { o["verified"] = .bool(verified) }
        if let deviceKey { o["deviceKey"] = .string(deviceKey) }
        if let event { o["event"] = event.json }
        return .object(o)
    }

    init?(json: JSONValue) {
        guard case .object(let o) = json,
              let kind = o["kind"]?.stringValue, let poolId = o["poolId"]?.stringValue, let clientId = o["clientId"]?.stringValue,
              let username = o["username"]?.stringValue, let expiresAt = o["expiresAt"]?.doubleValue, let nonce = o["nonce"]?.stringValue
        else { return nil }
        self.init(kind: kind, poolId: poolId, clientId: clientId, username: username, expiresAt: expiresAt, nonce: nonce)
        srpA = o["srpA"]?.stringValue
        srpB = o["srpB"]?.stringValue
        srpSecret = o["srpSecret"]?.stringValue
        if case .bool(let b)? = o["simulated"] { simulated = b }
        if case .array(let items)? = o["customSession"] {
            var session: [CustomChallengeResult] = []
            for item in items {
                guard case .object(let c) = item, let name = c["challengeName"]?.stringValue, case .bool(let result)? = c["challengeResult"] else { return nil }
                session.append(CustomChallengeResult(challengeName: name, challengeResult: result, challengeMetadata: c["challengeMetadata"]?.stringValue))
            }
            customSession = session
        }
        if case .object(let p)? = o["privateParameters"] {
            var params: [String: String] = [:]
            for (k, v) in p {
                guard let s = v.stringValue else { return nil }
                params[k] = s
            }
            privateParameters = params
        }
        challengeMetadata = o["challengeMetadata"]?.stringValue
        tokenSource = o["tokenSource"]?.stringValue
        codeHash = o["codeHash"]?.stringValue
        if case .array(let items)? = o["choices"] { choices = items.compactMap(\.stringValue) }
        if case .bool(let b)? = o["verified"] { verified = b }
        deviceKey = o["deviceKey"]?.stringValue
        if let e = o["event"] {
            guard let event = SignInEvent(json: e) else { return nil }
            self.event = event
        }
    }
}
