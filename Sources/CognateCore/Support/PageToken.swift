import Foundation

/// Opaque pagination tokens: base64 of a kind tag and the last key of the page, so a token from
/// one listing is refused by another.
enum PageToken {
    static func encode(_ key: String, kind: String) -> String {
        Base64.encode(Array((kind + "\n" + key).utf8))
    }

    static func decode(_ token: String, kind: String) throws -> String {
        guard let bytes = Base64.decode(token), let text = String(bytes: bytes, encoding: .utf8),
              let nl = text.firstIndex(of: "\n"), text[..<nl] == kind
        else { throw CognitoError.invalidParameter("Invalid pagination token.") }
        return String(text[text.index(after: nl)...])
    }
}
