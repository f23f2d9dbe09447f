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
        let odd = ["", "QQ==", "QR==", "QUI=", "QUJ=", "QQ", "QQ=", " QQ==", "QQ==\n", "Q===", "QUJD", "=QQ=", "QQ==QQ==", "Q", "QUJD-_", "QUJD+/", "a-b_", "a+b/", "é", "QQ===", "QUJDR"]
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
        ]
        for doc in documents {
            let reference = try? JSONDecoder().decode(JSONValue.self, from: Data(doc.utf8))
            #expect(JSONValue.parse(Array(doc.utf8)) == reference, "\(doc)")
        }
    }
}
