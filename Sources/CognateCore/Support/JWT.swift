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

    public static func sign(claims: [String: JSONValue], kid: String, key: [UInt8], signer: any TokenSigning) throws -> String {
        let header = #"{"kid":"\#(kid)","alg":"RS256"}"#
        guard let payload = JSONValue.object(claims).compactJSON() else {
            throw EncodingError.invalidValue(claims, .init(codingPath: [], debugDescription: "A claim is not a finite number."))
        }
        let input = Base64.urlEncode(Array(header.utf8)) + "." + Base64.urlEncode(payload)
        let signature = try signer.sign(Array(input.utf8), kid: kid, privateKeyDER: key)
        return input + "." + Base64.urlEncode(signature)
    }

    /// Splits and decodes a token without checking its signature; nil when it is not a JWS.
    /// Works on the UTF-8 bytes: a token that is not ASCII fails base64url anyway, and for
    /// ASCII the bytes split exactly as the Characters would.
    public static func parse(_ token: String) -> Parsed? {
        var token = token
        return token.withUTF8 { b -> Parsed? in
            guard let dot1 = b.firstIndex(of: UInt8(ascii: ".")) else { return nil }
            guard let dot2 = b[(dot1 + 1)...].firstIndex(of: UInt8(ascii: ".")),
                  b[(dot2 + 1)...].firstIndex(of: UInt8(ascii: ".")) == nil,
                  let headerBytes = Base64.urlDecode(UnsafeBufferPointer(rebasing: b[..<dot1])),
                  let payloadBytes = Base64.urlDecode(UnsafeBufferPointer(rebasing: b[(dot1 + 1)..<dot2])),
                  let signature = Base64.urlDecode(UnsafeBufferPointer(rebasing: b[(dot2 + 1)...])),
                  case .object(let header)? = JSONValue.parse(headerBytes),
                  header["alg"]?.stringValue == "RS256",
                  let kid = header["kid"]?.stringValue,
                  case .object(let claims)? = JSONValue.parse(payloadBytes)
            else { return nil }
            return Parsed(kid: kid, claims: claims, signingInput: Array(b[..<dot2]), signature: signature)
        }
    }
}
