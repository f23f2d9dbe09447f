import CognateCore
import CognateCrypto
import Foundation
import Testing

/// Prints per-operation CPU times for the hot paths; asserts nothing (timings depend on the
/// machine and its load). Runs only when asked, and is meant for release builds:
///   COGNATE_CRYPTO_TIMINGS=1 swift test -c release --filter CryptoTimings
@Suite("Crypto timings", .enabled(if: ProcessInfo.processInfo.environment["COGNATE_CRYPTO_TIMINGS"] != nil))
struct CryptoTimings {
    /// Thread CPU time rather than wall time, so a busy machine skews the figures less.
    private func cpuNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    private func time(_ label: String, iterations: Int, _ body: () throws -> Void) rethrows {
        for _ in 0..<max(1, iterations / 20) { try body() }
        let start = cpuNanos()
        for _ in 0..<iterations { try body() }
        let micros = Double(cpuNanos() - start) / Double(iterations) / 1000
        print("\(label): \(String(format: "%.2f", micros)) µs/op, \(String(format: "%.0f", 1e6 / micros)) op/s per core")
    }

    @Test("print timings")
    func printTimings() throws {
        let random = OpenSSLRandom()
        let srp = CognitoSRP()
        let a = random.bytes(count: 32)
        time("3072-bit modexp, 256-bit exponent (g^a)", iterations: 500) { _ = SRPMath.clientPublic(a: a) }

        let v = srp.verifier(poolName: "Pool", userId: "user", password: "pw", salt: random.bytes(count: 16))
        let clientA = SRPMath.clientPublic(a: random.bytes(count: 128))
        let block = random.bytes(count: 700)
        try time("SRP server side of one sign-in (B + expectedSignature)", iterations: 300) {
            let b = random.bytes(count: 32)
            let bigB = try srp.serverPublic(verifier: v, secret: b)
            _ = try srp.expectedSignature(
                clientPublic: clientA, serverPublic: bigB, serverSecret: b, verifier: v, poolName: "Pool",
                userId: "user", secretBlock: block, timestamp: "Sat Nov 21 20:45:03 UTC 2026")
        }

        let signing = OpenSSLTokenSigning(random: random)
        let key = try signing.generateKey()
        let message = [UInt8](repeating: 0x61, count: 900)
        let signature = try signing.sign(message, kid: key.kid, privateKeyDER: key.privateKeyDER)
        try time("RS256 sign (cached key)", iterations: 500) {
            _ = try signing.sign(message, kid: key.kid, privateKeyDER: key.privateKeyDER)
        }
        time("RS256 verify (cached key)", iterations: 5000) { _ = signing.verify(signature, message: message, key: key.publicKey) }

        let digests = OpenSSLDigests()
        let short = [UInt8](repeating: 0x62, count: 33)
        time("SHA-256 (33 bytes)", iterations: 100_000) { _ = digests.sha256(short) }
        time("HMAC-SHA256 (33 bytes)", iterations: 100_000) { _ = digests.hmacSHA256(key: short, data: short) }
    }
}
