import CognateCore
import CognateCrypto
import Foundation

/// The crypto floor: the modexps and RSA signatures a scenario cannot avoid, timed in-process
/// with the same code the server runs (thread CPU time, so load elsewhere skews it little).
/// A scenario's ratio to its floor is floor CPU ÷ server CPU per operation.
enum Floor {
    struct Figure: Codable {
        var name: String
        var what: String
        var cpuSeconds: Double
    }

    static func time(iterations: Int, _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<max(2, iterations / 10) { try body() }
        var best = Double.infinity
        // The best of three batches: interference only ever adds time.
        for _ in 0..<3 {
            let start = ProcStats.threadCPUNanos()
            for _ in 0..<iterations { try body() }
            best = min(best, Double(ProcStats.threadCPUNanos() - start) / 1e9 / Double(iterations))
        }
        return best
    }

    /// One figure by name (all are measured: the composite ones share their parts).
    static func measure(_ name: String) throws -> Double? {
        try measure().first { $0.name == name }?.cpuSeconds
    }

    static func measure() throws -> [Figure] {
        let random = OpenSSLRandom()
        let srp = CognitoSRP()
        let salt = random.bytes(count: 16)
        let v = srp.verifier(poolName: "Pool", userId: "user0000001", password: "Bench#Pass1", salt: salt)
        let clientA = SRPMath.clientPublic(a: random.bytes(count: 32))
        let block = random.bytes(count: 600)
        let timestamp = CognitoTimestamp.format(Date())

        let verifier = time(iterations: 200) {
            _ = srp.verifier(poolName: "Pool", userId: "user0000001", password: "Bench#Pass1", salt: salt)
        }
        let srpServer = try time(iterations: 100) {
            let b = random.bytes(count: 32)
            let bigB = try srp.serverPublic(verifier: v, secret: b)
            _ = try srp.expectedSignature(
                clientPublic: clientA, serverPublic: bigB, serverSecret: b, verifier: v, poolName: "Pool",
                userId: "user0000001", secretBlock: block, timestamp: timestamp)
        }
        let signing = OpenSSLTokenSigning(random: random)
        let key = try signing.generateKey()
        // About the size of a Cognito ID token's signing input.
        let message = [UInt8](repeating: 0x61, count: 1000)
        let sign = try time(iterations: 300) { _ = try signing.sign(message, kid: key.kid, privateKeyDER: key.privateKeyDER) }
        let signature = try signing.sign(message, kid: key.kid, privateKeyDER: key.privateKeyDER)
        let verify = time(iterations: 3000) { _ = signing.verify(signature, message: message, key: key.publicKey) }

        return [
            Figure(name: "modexp_verifier", what: "one verifier v = g^x (3072-bit modulus, 256-bit exponent)", cpuSeconds: verifier),
            Figure(name: "srp_server", what: "SRP server side: B = kv + g^b, S = (A·v^u)^b, M1 (3 modexps)", cpuSeconds: srpServer),
            Figure(name: "rs256_sign", what: "one RS256 signature (2048-bit key)", cpuSeconds: sign),
            Figure(name: "rs256_verify", what: "one RS256 verification", cpuSeconds: verify),
            // Per scenario:
            Figure(name: "srp_auth", what: "3 modexps + 2 RS256 signatures", cpuSeconds: srpServer + 2 * sign),
            Figure(name: "password_auth", what: "1 modexp (verifier from the password) + 2 RS256 signatures", cpuSeconds: verifier + 2 * sign),
            Figure(name: "refresh", what: "2 RS256 signatures", cpuSeconds: 2 * sign),
            Figure(name: "get_user", what: "1 RS256 verification", cpuSeconds: verify),
            Figure(name: "client_credentials", what: "1 RS256 signature", cpuSeconds: sign),
            Figure(name: "verifier", what: "1 modexp (the new password's verifier)", cpuSeconds: verifier),
        ]
    }
}
