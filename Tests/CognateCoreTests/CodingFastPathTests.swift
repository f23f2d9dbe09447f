import CognateCore
import Foundation
import Testing

/// The hand-written Base64 and claim parsing must agree with the Foundation code they replace.
@Suite struct CodingFastPathTests {
    func foundationURLDecode(_ text: String) -> [UInt8]? {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s.append("=") }
        return Data(base64Encoded: s).map { [UInt8]($0) }
    }

    @Test func base64MatchesFoundation() {
        var rng = SystemRandomNumberGenerator()
        for length in 0..<80 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let std = Data(bytes).base64EncodedString()
            #expect(Base64.encode(bytes) == std)
            #expect(Base64.decode(std) == bytes)
            var url = std.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            while url.hasSuffix("=") { url.removeLast() }
            #expect(Base64.urlEncode(bytes) == url)
            #expect(Base64.urlDecode(url) == bytes)
        }
        // One character replaced anywhere (by an invalid one, '=' or another alphabet's).
        for length in [1, 2, 3, 4, 5, 6, 30, 31, 32] {
            let std = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }).base64EncodedString()
            for position in 0..<std.utf8.count {
                for replacement in ["-", "_", "=", "*", " ", "+", "/", "A"] {
                    var chars = Array(std)
                    chars[position] = Character(replacement)
                    let s = String(chars)
                    #expect(Base64.decode(s) == Data(base64Encoded: s).map { [UInt8]($0) }, "decode \(s.debugDescription)")
                    #expect(Base64.urlDecode(s) == foundationURLDecode(s), "urlDecode \(s.debugDescription)")
                }
            }
        }
        let odd = ["", "QQ==", "QR==", "QUI=", "QUJ=", "QQ", "QQ=", " QQ==", "QQ==\n", "Q===", "QUJD", "=QQ=", "QQ==QQ==", "Q", "QUJD-_", "QUJD+/", "a-b_", "a+b/", "é", "QQ===", "QUJDR", "QQ====", "QUI==", "QUJD=", "QUJD====", "Q=", "Q==", "=", "==", "====", "=====", "QUJDQQ===", "QUJDQQ=", "QQ==Q", "QUJD=QUJD"]
        for s in odd {
            #expect(Base64.decode(s) == Data(base64Encoded: s).map { [UInt8]($0) }, "decode \(s.debugDescription)")
            #expect(Base64.urlDecode(s) == foundationURLDecode(s), "urlDecode \(s.debugDescription)")
        }
    }

    @Test func claimParsingMatchesJSONDecoder() throws {
        let documents = [
            #"{"sub":"a","exp":1767225600,"scope":"aws.cognito.signin.user.admin","cognito:groups":["x","y"],"email_verified":true}"#,
            #"{"n":1.0,"m":1e3,"f":1.5,"neg":-7,"big":12345678901234567890,"z":0,"nul":null,"o":{"k":[1,{"a":false}]}}"#,
            #"{"esc":"a\"b\\c\/d\n\t\u00e9\ud83d\ude00","dup":1,"dup":2}"#,
            #"  [ 1 , "x" , [ ] , { } ]  "#,
            #"{"a":1,}"#, #"{"a":01}"#, #"{"a":1 "b":2}"#, #"[1,]"#, #"{"a":"\x"}"#, #""\ud800""#, "{\"a\":\"\u{1}\"}", #"{"a":.5}"#,
            #"{"a":-}"#, #"tru"#, #"{"a":1}x"#, "", #"{"a":"é"}"#, #"{"a":2.5e-3,"b":-0.0}"#,
            "[1,,]", "{,}", "[,]", #"{"a":1,,}"#, "[1 ,]", "[1,\n]", #"{"a":1 , }"#, "\u{FEFF}[1]", "/*c*/[1]", "[1] ", "[01]", "[1.]", "[NaN]",
        ]
        for doc in documents {
            let reference = try? JSONDecoder().decode(JSONValue.self, from: Data(doc.utf8))
            #expect(JSONValue.parse(Array(doc.utf8)) == reference, "\(doc)")
        }
    }

    /// The parse before it worked on Characters and Strings; the bytes must give the same.
    func referenceParse(_ token: String) -> (kid: String, claims: [String: JSONValue], signingInput: [UInt8], signature: [UInt8])? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let headerBytes = Base64.urlDecode(String(parts[0])),
              let payloadBytes = Base64.urlDecode(String(parts[1])),
              let signature = Base64.urlDecode(String(parts[2])),
              let header = try? JSONDecoder().decode([String: JSONValue].self, from: Data(headerBytes)),
              header["alg"]?.stringValue == "RS256",
              let kid = header["kid"]?.stringValue,
              let claims = try? JSONDecoder().decode([String: JSONValue].self, from: Data(payloadBytes))
        else { return nil }
        let input = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        return (kid, claims, input, signature)
    }

    @Test func jwtParsingMatchesTheCharacterBasedParse() {
        let header = Base64.urlEncode(Array(#"{"kid":"k1","alg":"RS256"}"#.utf8))
        let payload = Base64.urlEncode(Array(#"{"sub":"s","exp":1767225600,"scope":"a b"}"#.utf8))
        let sig = Base64.urlEncode([1, 2, 3, 250])
        let tokens = [
            "\(header).\(payload).\(sig)", "\(header).\(payload).", "\(header)..\(sig)", "\(header).\(payload).\(sig).",
            "\(header).\(payload)", "..", "", "\(header).\(payload).\(sig)=", "\(header).\(payload).\u{301}\(sig)",
            "\(header).\u{301}\(payload).\(sig)", "\(header)=.\(payload).\(sig)", "\(header).\(payload).\(sig)\r\n",
            Base64.urlEncode(Array(#"{"kid":"k1","alg":"HS256"}"#.utf8)) + ".\(payload).\(sig)",
        ]
        for t in tokens {
            let a = JWT.parse(t), b = referenceParse(t)
            #expect(a?.kid == b?.kid && a?.claims == b?.claims && a?.signingInput == b?.signingInput && a?.signature == b?.signature, "\(t.debugDescription)")
            #expect((a == nil) == (b == nil))
        }
    }
}
