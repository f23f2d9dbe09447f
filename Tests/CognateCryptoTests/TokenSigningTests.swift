import CognateCore
import CognateCrypto
import Testing

struct RS256VectorFile: Decodable, Sendable {
    struct JWK: Decodable, Sendable { var kty: String; var n: String; var e: String }
    var jwk: JWK
    var privateKeyPKCS8: String
    var signingInput: String
    var signature: String
    var nonRSAPrivateKeyPKCS8: String

    static let file = loadVectors("rs256-rfc7515-a2", as: RS256VectorFile.self)

    var publicJWK: PublicJWK { PublicJWK(kid: "2011-04-29", n: jwk.n, e: jwk.e) }
}

@Suite("OpenSSLTokenSigning")
struct TokenSigningTests {
    let signing = OpenSSLTokenSigning(random: OpenSSLRandom())

    @Test("generate → sign → verify, and alterations fail")
    func generateSignVerify() throws {
        let key = try signing.generateKey()
        let message = Array("eyJraWQiOiJ4IiwiYWxnIjoiUlMyNTYifQ.eyJzdWIiOiJhIn0".utf8)
        let signature = try signing.sign(message, kid: key.kid, privateKeyDER: key.privateKeyDER)
        #expect(signature.count == 256)
        #expect(signing.verify(signature, message: message, key: key.publicKey))
        #expect(!signing.verify(signature, message: message + [0x20], key: key.publicKey))
        var altered = message
        altered[0] ^= 1
        #expect(!signing.verify(signature, message: altered, key: key.publicKey))
        var badSignature = signature
        badSignature[100] ^= 0x40
        #expect(!signing.verify(badSignature, message: message, key: key.publicKey))
        #expect(!signing.verify(Array(signature.dropFirst()), message: message, key: key.publicKey))
        #expect(!signing.verify([], message: message, key: key.publicKey))
        // A fresh instance (no cache) verifies too: the JWK alone is enough.
        #expect(OpenSSLTokenSigning(random: OpenSSLRandom()).verify(signature, message: message, key: key.publicKey))
    }

    @Test("generated key shape: kid, JWK, PKCS#8")
    func keyShape() throws {
        let key = try signing.generateKey()
        #expect(key.kid.count == 44)
        #expect(Base64.decode(key.kid)?.count == 32)
        #expect(key.publicKey.kid == key.kid)
        #expect(key.publicKey.e == "AQAB")
        #expect(key.publicKey.alg == "RS256" && key.publicKey.kty == "RSA" && key.publicKey.use == "sig")
        #expect(!key.publicKey.n.contains("=") && !key.publicKey.n.contains("+") && !key.publicKey.n.contains("/"))
        let n = try #require(Base64.urlDecode(key.publicKey.n))
        #expect(n.count == 256)
        #expect(n[0] >= 0x80)
        #expect(n.last.map { $0 & 1 } == 1)
        // PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER 0, SEQUENCE { OID rsaEncryption, NULL }, OCTET STRING }
        let rsaEncryption: [UInt8] = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]
        #expect(key.privateKeyDER.first == 0x30)
        #expect(Array(key.privateKeyDER[4..<7]) == [0x02, 0x01, 0x00])
        #expect(Array(key.privateKeyDER[9..<20]) == rsaEncryption)
        let other = try signing.generateKey()
        #expect(other.kid != key.kid && other.publicKey.n != key.publicKey.n)
    }

    @Test("RFC 7515 A.2: the exact RS256 signature")
    func rfc7515() throws {
        let vector = RS256VectorFile.file
        let der = base64Bytes(vector.privateKeyPKCS8)
        let message = Array(vector.signingInput.utf8)
        let signature = try signing.sign(message, kid: "2011-04-29", privateKeyDER: der)
        #expect(Base64.urlEncode(signature) == vector.signature)
        // Again from the cache.
        #expect(Base64.urlEncode(try signing.sign(message, kid: "2011-04-29", privateKeyDER: der)) == vector.signature)
        let published = try #require(Base64.urlDecode(vector.signature))
        #expect(signing.verify(published, message: message, key: vector.publicJWK))
        #expect(!signing.verify(published, message: message + [0x2e], key: vector.publicJWK))
    }

    @Test("a signature does not verify under another key")
    func otherKey() throws {
        let vector = RS256VectorFile.file
        let published = try #require(Base64.urlDecode(vector.signature))
        let key = try signing.generateKey()
        #expect(!signing.verify(published, message: Array(vector.signingInput.utf8), key: key.publicKey))
    }

    @Test("a kid that reappears with other material uses the new material")
    func cacheFollowsMaterial() throws {
        let first = try signing.generateKey(), second = try signing.generateKey()
        let message: [UInt8] = [1, 2, 3]
        _ = try signing.sign(message, kid: "reused", privateKeyDER: first.privateKeyDER)
        let signature = try signing.sign(message, kid: "reused", privateKeyDER: second.privateKeyDER)
        let secondJWK = PublicJWK(kid: "reused", n: second.publicKey.n, e: second.publicKey.e)
        let firstJWK = PublicJWK(kid: "reused", n: first.publicKey.n, e: first.publicKey.e)
        #expect(!signing.verify(signature, message: message, key: firstJWK))
        #expect(signing.verify(signature, message: message, key: secondJWK))
        #expect(!signing.verify(signature, message: message, key: firstJWK))
    }

    @Test("malformed keys are refused")
    func malformed() throws {
        #expect(throws: CryptoFailure.invalidKey) { try signing.sign([1], kid: "bad", privateKeyDER: [0x30, 0x03, 0x02, 0x01, 0x00]) }
        #expect(throws: CryptoFailure.invalidKey) { try signing.sign([1], kid: "empty", privateKeyDER: []) }
        #expect(throws: CryptoFailure.invalidKey) {
            try signing.sign([1], kid: "ec", privateKeyDER: base64Bytes(RS256VectorFile.file.nonRSAPrivateKeyPKCS8))
        }
        let key = try signing.generateKey()
        let signature = try signing.sign([1], kid: key.kid, privateKeyDER: key.privateKeyDER)
        for jwk in [
            PublicJWK(kid: "x1", n: "not base64url!", e: "AQAB"),
            PublicJWK(kid: "x2", n: key.publicKey.n, e: ""),
            PublicJWK(kid: "x3", n: "AQAB", e: "AQAB"),
        ] {
            #expect(!signing.verify(signature, message: [1], key: jwk))
        }
    }

    @Test("concurrent signing and verifying with one cached key")
    func concurrent() async throws {
        let key = try signing.generateKey()
        let signing = self.signing
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<16 {
                group.addTask {
                    let message = Array("message \(i)".utf8)
                    let signature = try signing.sign(message, kid: key.kid, privateKeyDER: key.privateKeyDER)
                    return signing.verify(signature, message: message, key: key.publicKey)
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 16 && results.allSatisfy { $0 })
    }
}
