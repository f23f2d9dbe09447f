import Foundation

/// Compact JWS (RS256) assembly and parsing. Signing and verification go through the
/// `TokenSigning` port; this file only deals with the three-part format.
public enum JWT {
    public struct Parsed: Sendable {
        public var kid: String
        public var claims: [String: JSONValue]
        public var signingInput: [UInt8]
        public var signature: [UInt8]
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    public static func sign(claims: [String: JSONValue], kid: String, key: [UInt8], signer: any TokenSigning) throws -> String {
        let header = #"{"kid":"\#(kid)","alg":"RS256"}"#
        let payload = try encoder.encode(claims)
        let input = Base64.urlEncode(Array(header.utf8)) + "." + Base64.urlEncode([UInt8](payload))
        let signature = try signer.sign(Array(input.utf8), kid: kid, privateKeyDER: key)
        return input + "." + Base64.urlEncode(signature)
    }

    /// Splits and decodes a token without checking its signature; nil when it is not a JWS.
    public static func parse(_ token: String) -> Parsed? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let headerBytes = Base64.urlDecode(String(parts[0])),
              let payloadBytes = Base64.urlDecode(String(parts[1])),
              let signature = Base64.urlDecode(String(parts[2])),
              case .object(let header)? = JSONValue.parse(headerBytes),
              header["alg"]?.stringValue == "RS256",
              let kid = header["kid"]?.stringValue,
              case .object(let claims)? = JSONValue.parse(payloadBytes)
        else { return nil }
        let input = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        return Parsed(kid: kid, claims: claims, signingInput: input, signature: signature)
    }
}
