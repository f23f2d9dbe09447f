import CognateCore
import Testing

/// RFC 4648 §10's base32 test vectors, unpadded as Cognito's SecretCode is.
@Suite struct Base32Tests {
    static let vectors: [(String, String)] = [
        ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI"),
    ]

    @Test func encodesAndDecodesTheRFCVectors() {
        for (plain, encoded) in Self.vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
            #expect(Base32.decode(encoded.lowercased()) == Array(plain.utf8))
        }
        #expect(Base32.decode("MZXW6===") == Array("foo".utf8))
        #expect(Base32.decode("MZXW1") == nil)
        // 32 bytes: 52 characters, Cognito's SecretCode length.
        #expect(Base32.encode([UInt8](repeating: 0xA5, count: 32)).count == 52)
    }
}
