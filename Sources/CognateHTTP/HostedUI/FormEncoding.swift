/// `application/x-www-form-urlencoded`, for query strings and form bodies alike (RFC 3986
/// percent-encoding, `+` as a space when decoding).
enum FormEncoding {
    /// Name → value; of a repeated name the first value counts.
    static func decode(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecode(parts[0])
            guard !name.isEmpty, out[name] == nil else { continue }
            out[name] = parts.count > 1 ? percentDecode(parts[1]) : ""
        }
        return out
    }

    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { percentEncode($0.0) + "=" + percentEncode($0.1) }.joined(separator: "&")
    }

    /// `+` is a space and `%XX` a byte; a `%` without two hex digits after it stays as it is
    /// (with what follows), as browsers read it.
    static func percentDecode(_ s: Substring) -> String {
        let input = Array(s.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var i = 0
        while i < input.count {
            let b = input[i]
            if b == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if b == UInt8(ascii: "%"), i + 2 < input.count, let hv = hexValue(input[i + 1]), let lv = hexValue(input[i + 2]) {
                bytes.append(hv << 4 | lv)
                i += 2
            } else {
                bytes.append(b)
            }
            i += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Everything but RFC 3986's unreserved characters is escaped.
    static func percentEncode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            if (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    /// `base` with `params` appended to its query (or, for the implicit flow, its fragment).
    static func url(_ base: String, adding params: [(String, String)], inFragment: Bool = false) -> String {
        guard !params.isEmpty else { return base }
        let encoded = encode(params)
        if inFragment { return base + (base.contains("#") ? "&" : "#") + encoded }
        let hasQuery = base.split(separator: "#", maxSplits: 1).first?.contains("?") ?? false
        return base + (hasQuery ? "&" : "?") + encoded
    }
}

extension String {
    func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
