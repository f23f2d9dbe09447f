/// Randomness is injected so tests can be deterministic and production uses the OS CSPRNG.
public protocol RandomSource: Sendable {
    /// `count` cryptographically strong random bytes.
    func bytes(count: Int) -> [UInt8]
}

extension RandomSource {
    /// A random string of `count` characters drawn uniformly from `alphabet` (rejection sampling, no modulo bias).
    public func string(count: Int, alphabet: [Character]) -> String {
        precondition(!alphabet.isEmpty && alphabet.count <= 256)
        let limit = 256 - (256 % alphabet.count)
        var out = ""
        out.reserveCapacity(count)
        while out.count < count {
            for byte in bytes(count: count * 2) where Int(byte) < limit && out.count < count {
                out.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return out
    }

    /// A lowercase RFC 4122 version-4 UUID string.
    public func uuid() -> String {
        var b = bytes(count: 16)
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        let h = Hex.encode(b)
        let c = Array(h)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
    }
}
