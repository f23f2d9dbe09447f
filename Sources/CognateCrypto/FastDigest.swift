import COpenSSL

/// SHA-256 and HMAC-SHA256 over several parts without concatenating them first, on the
/// prefetched EVP_MD. HMAC is built from two digests (RFC 2104) rather than through HMAC()
/// or EVP_MAC: in OpenSSL 3 those look up the MAC and the digest by name on every call,
/// which costs more than hashing a short message.
enum FastDigest {
    static let outputSize = 32
    private static let blockSize = 64

    static func sha256(_ parts: [UInt8]...) -> [UInt8] {
        sha256(parts: parts)
    }

    static func sha256(parts: [[UInt8]]) -> [UInt8] {
        let ctx = DigestContext()
        ctx.start()
        for part in parts { ctx.update(part) }
        return ctx.finish()
    }

    static func hmacSHA256(key: [UInt8], _ parts: [UInt8]...) -> [UInt8] {
        hmacSHA256(key: key, parts: parts)
    }

    static func hmacSHA256(key: [UInt8], parts: [[UInt8]]) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: blockSize)
        let keyBytes = key.count > blockSize ? sha256(key) : key
        block.replaceSubrange(0..<keyBytes.count, with: keyBytes)

        let ctx = DigestContext()
        ctx.start()
        ctx.update(block.map { $0 ^ 0x36 })
        for part in parts { ctx.update(part) }
        let inner = ctx.finish()

        ctx.start()
        ctx.update(block.map { $0 ^ 0x5c })
        ctx.update(inner)
        return ctx.finish()
    }
}

/// One EVP_MD_CTX for the duration of one digest or HMAC computation; never shared.
private final class DigestContext {
    private let ctx: OpaquePointer

    init() {
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
        self.ctx = ctx
    }

    deinit { EVP_MD_CTX_free(ctx) }

    // Failures here mean allocation failure inside libcrypto: the Digests port cannot throw,
    // and carrying on with a wrong hash would be worse than stopping.
    func start() {
        guard EVP_DigestInit_ex2(ctx, FetchedAlgorithms.shared.sha256, nil) == 1 else {
            fatalError("EVP_DigestInit_ex2 failed: \(drainOpenSSLErrors())")
        }
    }

    func update(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        let ok = bytes.withUnsafeBytes { EVP_DigestUpdate(ctx, $0.baseAddress, $0.count) }
        guard ok == 1 else { fatalError("EVP_DigestUpdate failed: \(drainOpenSSLErrors())") }
    }

    func finish() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: FastDigest.outputSize)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(ctx, &out, &length) == 1, length == FastDigest.outputSize else {
            fatalError("EVP_DigestFinal_ex failed: \(drainOpenSSLErrors())")
        }
        return out
    }
}
