/// Lowercase hexadecimal, as Cognito's SRP parameters use it. Written into preallocated
/// storage in one pass: an SRP sign-in decodes ~2,300 hex digits (A, and A, B and b again from
/// the sealed state) and encodes ~1,600.
public enum Hex {
    private static let digits: StaticString = "0123456789abcdef"

    public static func encode(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            let d = digits.utf8Start
            var j = 0
            for b in bytes {
                out[j] = d[Int(b >> 4)]
                out[j + 1] = d[Int(b & 0x0F)]
                j += 2
            }
            return j
        }
    }

    /// Decodes hex of any case; an odd length is read as if it had a leading zero. Nil on a non-hex character.
    public static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { u -> [UInt8]? in
            let odd = u.count & 1
            var ok = true
            let out = [UInt8](unsafeUninitializedCapacity: (u.count + odd) / 2) { buffer, initialized in
                var i = 0, j = 0
                if odd == 1 {
                    guard let low = nibble(u[0]) else { ok = false; return }
                    buffer[0] = low
                    i = 1
                    j = 1
                }
                while i < u.count {
                    guard let high = nibble(u[i]), let low = nibble(u[i + 1]) else {
                        ok = false
                        initialized = j
                        return
                    }
                    buffer[j] = high << 4 | low
                    i += 2
                    j += 1
                }
                initialized = j
            }
            return ok ? out : nil
        }
    }

    @inline(__always)
    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Big-endian unsigned bytes with leading zero bytes removed (the integer's minimal form).
    public static func stripLeadingZeros(_ bytes: [UInt8]) -> [UInt8] {
        guard let first = bytes.firstIndex(where: { $0 != 0 }) else { return [] }
        return Array(bytes[first...])
    }
}
