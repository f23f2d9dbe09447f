import CognateCore
import CognateCrypto
import Testing

/// HOTP and TOTP against the RFCs' own test values (RFC 4226 Appendix D, RFC 6238 Appendix B).
@Suite("One-time passwords")
struct OneTimePasswordTests {
    struct Vectors: Decodable {
        struct Row: Decodable { var time: Double; var step: UInt64; var code: String }
        var sha1Secret: String
        var totp: [Row]
        var hotp: [String]
    }

    static let vectors = loadVectors("totp-rfc6238", as: Vectors.self)
    let otp = OpenSSLOneTimePasswords()

    @Test func hotpMatchesRFC4226() {
        let secret = hexBytes(Self.vectors.sha1Secret)
        for (counter, code) in Self.vectors.hotp.enumerated() {
            #expect(otp.hotp(secret: secret, counter: UInt64(counter), digits: 6) == code, "counter \(counter)")
        }
    }

    @Test func totpMatchesRFC6238() {
        let secret = hexBytes(Self.vectors.sha1Secret)
        for row in Self.vectors.totp {
            #expect(UInt64((row.time / 30).rounded(.down)) == row.step)
            #expect(otp.hotp(secret: secret, counter: row.step, digits: 8) == row.code, "T = \(row.time)")
        }
    }
}
