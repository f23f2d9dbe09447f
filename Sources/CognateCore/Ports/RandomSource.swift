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
    public func uuid() -> String { uuidV4(bytes(count: 16)) }
}

/// The first 16 of `bytes` as a lowercase version-4 UUID string (version and variant bits set).
/// Written byte by byte: several ids go into every token, and building them through Characters
/// and concatenation cost more than drawing the random bytes.
func uuidV4(_ bytes: [UInt8]) -> String {
    var b = Array(bytes.prefix(16))
    b[6] = (b[6] & 0x0F) | 0x40
    b[8] = (b[8] & 0x3F) | 0x80
    return String(unsafeUninitializedCapacity: 36) { out in
        let digits: StaticString = "0123456789abcdef"
        var j = 0
        for i in 0..<16 {
            if i == 4 || i == 6 || i == 8 || i == 10 { out[j] = UInt8(ascii: "-"); j += 1 }
            out[j] = digits.utf8Start[Int(b[i] >> 4)]
            out[j + 1] = digits.utf8Start[Int(b[i] & 15)]
            j += 2
        }
        return 36
    }
}
