import COpenSSL
import CognateCore

/// The OpenSSL CSPRNG (seeded from the OS, reseeded by OpenSSL, fork-safe).
public struct OpenSSLRandom: RandomSource {
    public init() {}

    public func bytes(count: Int) -> [UInt8] {
        precondition(count >= 0, "negative byte count")
        guard count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        // RandomSource cannot throw, and handing out predictable bytes for keys, salts or
        // session ids would be silent and far worse than stopping the process.
        guard RAND_bytes(&out, Int32(count)) == 1 else {
            fatalError("RAND_bytes failed: \(drainOpenSSLErrors())")
        }
        return out
    }
}
