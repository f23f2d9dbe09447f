import Foundation

/// Base64 and base64url (tokens, secret hashes, JWKs, stored bytes), over bytes: the JWT
/// paths run these several times per request, and the Foundation detour through string
/// replacement cost more than the RSA verification beside it.
///
/// Decoding gives exactly what the Foundation code before it gave: canonical input (length a
/// multiple of four, at most two '=' at the end; base64url without '=') is decoded here, with
/// unused trailing bits ignored as Foundation does; anything else, and anything refused here,
/// goes to Foundation itself, quirks included ("QQ===" decodes there, "====" gives one zero
/// byte, and an '=' inside is skipped: "PQ=+" is two bytes). base64url accepts
/// either alphabet, as the old character replacement did.
public enum Base64 {
    static let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let url = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    static let invalid: UInt8 = 0xFF

    static let standardTable: [UInt8] = table(["+": 62, "/": 63])
    static let eitherTable: [UInt8] = table(["+": 62, "/": 63, "-": 62, "_": 63])

    private static func table(_ extra: [Character: UInt8]) -> [UInt8] {
        var t = [UInt8](repeating: invalid, count: 256)
        for (i, c) in standard.prefix(62).enumerated() { t[Int(c)] = UInt8(i) }
        for (c, v) in extra { t[Int(c.asciiValue!)] = v }
        return t
    }

    public static func encode(_ bytes: [UInt8]) -> String { encode(bytes, alphabet: standard, pad: true) }

    public static func decode(_ text: String) -> [UInt8]? {
        var copy = text
        if let fast = copy.withUTF8({ canonical($0, url: false) ? decode($0, table: standardTable, padTo4: false) : nil }) { return fast }
        return Data(base64Encoded: text).map { [UInt8]($0) }
    }

    public static func urlEncode(_ bytes: [UInt8]) -> String { encode(bytes, alphabet: url, pad: false) }

    public static func urlDecode(_ text: String) -> [UInt8]? {
        var copy = text
        if let fast = copy.withUTF8({ canonical($0, url: true) ? decode($0, table: eitherTable, padTo4: true) : nil }) { return fast }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s.append("=") }
        return Data(base64Encoded: s).map { [UInt8]($0) }
    }

    /// Whether `input` has the shape every encoder produces, where this decoder and
    /// Foundation's agree: '=' only as the last one or two of a multiple of four (none at all
    /// for base64url, whose length must then not be 1 mod 4). The characters are checked while
    /// decoding.
    static func canonical(_ input: UnsafeBufferPointer<UInt8>, url: Bool) -> Bool {
        var pads = 0
        while pads < input.count && input[input.count - 1 - pads] == UInt8(ascii: "=") { pads += 1 }
        if url { return pads == 0 && input.count % 4 != 1 }
        return pads <= 2 && input.count % 4 == 0
    }

    /// Standard base64 over bytes already in hand (stored byte fields).
    static func decode(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        if canonical(input, url: false), let fast = decode(input, table: standardTable, padTo4: false) { return fast }
        return decode(String(decoding: input, as: UTF8.self))
    }

    /// base64url over bytes already in hand (the parts of a JWT).
    static func urlDecode(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        if canonical(input, url: true), let fast = decode(input, table: eitherTable, padTo4: true) { return fast }
        return urlDecode(String(decoding: input, as: UTF8.self))
    }

    private static func encode(_ bytes: [UInt8], alphabet: [UInt8], pad: Bool) -> String {
        let full = bytes.count / 3, rest = bytes.count % 3
        let length = full * 4 + (rest == 0 ? 0 : (pad ? 4 : rest + 1))
        return String(unsafeUninitializedCapacity: length) { out in
            var o = 0
            var i = 0
            for _ in 0..<full {
                let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                out[o] = alphabet[Int(n >> 18)]
                out[o + 1] = alphabet[Int(n >> 12 & 63)]
                out[o + 2] = alphabet[Int(n >> 6 & 63)]
                out[o + 3] = alphabet[Int(n & 63)]
                i += 3
                o += 4
            }
            if rest > 0 {
                let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
                out[o] = alphabet[Int(n >> 18)]
                out[o + 1] = alphabet[Int(n >> 12 & 63)]
                o += 2
                if rest == 2 {
                    out[o] = alphabet[Int(n >> 6 & 63)]
                    o += 1
                } else if pad {
                    out[o] = UInt8(ascii: "=")
                    o += 1
                }
                if pad {
                    out[o] = UInt8(ascii: "=")
                    o += 1
                }
            }
            return o
        }
    }

    /// Strict decoding of `input` (padded to a multiple of four first when `padTo4`).
    private static func decode(_ input: UnsafeBufferPointer<UInt8>, table: [UInt8], padTo4: Bool) -> [UInt8]? {
        var count = input.count
        var padding = 0
        if padTo4 && count % 4 != 0 {
            padding = 4 - count % 4
            count += padding
        }
        guard count % 4 == 0 else { return nil }
        if count == 0 { return [] }
        // Trailing '=' (given or added): at most two, and only at the very end.
        var given = 0
        while given < input.count && input[input.count - 1 - given] == UInt8(ascii: "=") { given += 1 }
        let pads = given + padding
        guard pads <= 2 else { return nil }
        let symbols = input.count - given
        // A final group of one symbol carries no whole byte; two or three symbols need their '='.
        let quads = symbols / 4, lastGroup = symbols % 4
        if lastGroup == 1 { return nil }
        if lastGroup != 0 && lastGroup + pads != 4 { return nil }
        let length = quads * 3 + (lastGroup == 0 ? 0 : lastGroup - 1)
        // Four symbols to three bytes at a time; an invalid symbol (0xFF in the table, every
        // valid one is < 64) is noticed once at the end through the OR of all of them. Unused
        // trailing bits are ignored, as Foundation does.
        var seen: UInt8 = 0
        let out = table.withUnsafeBufferPointer { t in
            [UInt8](unsafeUninitializedCapacity: length) { buffer, written in
                var i = 0, o = 0
                for _ in 0..<quads {
                    let a = t[Int(input[i])], b = t[Int(input[i + 1])], c = t[Int(input[i + 2])], d = t[Int(input[i + 3])]
                    seen |= a | b | c | d
                    let n = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    buffer[o] = UInt8(truncatingIfNeeded: n >> 16)
                    buffer[o + 1] = UInt8(truncatingIfNeeded: n >> 8)
                    buffer[o + 2] = UInt8(truncatingIfNeeded: n)
                    i += 4
                    o += 3
                }
                if lastGroup >= 2 {
                    let a = t[Int(input[i])], b = t[Int(input[i + 1])], c = lastGroup == 3 ? t[Int(input[i + 2])] : 0
                    seen |= a | b | c
                    buffer[o] = a << 2 | b >> 4
                    if lastGroup == 3 { buffer[o + 1] = b << 4 | c >> 2 }
                }
                written = length
            }
        }
        return seen & 0x80 == 0 ? out : nil
    }
}
