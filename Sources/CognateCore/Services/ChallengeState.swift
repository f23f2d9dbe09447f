import Foundation

/// What a challenge needs to remember between InitiateAuth and RespondToAuthChallenge. It is
/// sealed into the Session string (or SRP's SECRET_BLOCK) with the deployment's session key, so
/// any node can answer a challenge another node issued, and nobody can forge or read it.
struct ChallengeState: Codable, Sendable {
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
        let json = try JSONEncoder().encode(state)
        return Base64.encode(try deps.sessions.seal([UInt8](json), aad: Self.sessionAAD))
    }

    /// Opens a sealed challenge; any failure reads as `failure`.
    func open(_ text: String, kind: String, client: AppClient, failure: CognitoError) throws -> ChallengeState {
        guard let box = Base64.decode(text),
              let plain = try? deps.sessions.open(box, aad: Self.sessionAAD),
              let state = try? JSONDecoder().decode(ChallengeState.self, from: Data(plain)),
              state.kind == kind, state.clientId == client.id, state.poolId == client.poolId
        else { throw failure }
        guard state.expiresAt > now else { throw failure }
        return state
    }

    /// Challenges are single-use: the first answer spends the nonce on every node.
    func spend(_ state: ChallengeState, failure: CognitoError) async throws {
        let id = deps.digests.sha256(Array(("challenge:" + state.nonce).utf8))
        guard try await store.consumeOnce(id: id, expiresAt: state.expiresAt) else { throw failure }
    }
}
