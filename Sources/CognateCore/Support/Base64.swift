import Foundation

/// Base64 and base64url helpers (tokens, secret hashes, JWKs).
public enum Base64 {
    public static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    public static func decode(_ text: String) -> [UInt8]? {
        guard let d = Data(base64Encoded: text) else { return nil }
        return [UInt8](d)
    }

    public static func urlEncode(_ bytes: [UInt8]) -> String {
        var s = encode(bytes)
        s = s.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while s.hasSuffix("=") { s.removeLast() }
        return s
    }

    public static func urlDecode(_ text: String) -> [UInt8]? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s.append("=") }
        return decode(s)
    }
}
