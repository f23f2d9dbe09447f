import CognateCore
import CognateCrypto
import Testing

struct DigestVectorFile: Decodable, Sendable {
    struct SHA256Case: Decodable, Sendable { var dataHex: String; var digest: String }
    struct HMACCase: Decodable, Sendable, CustomTestStringConvertible {
        var name: String; var keyHex: String; var dataHex: String; var mac: String
        var testDescription: String { name }
    }
    struct SecretHashCase: Decodable, Sendable {
        var username: String; var clientId: String; var clientSecret: String; var secretHash: String
    }
    var sha256: [SHA256Case]
    var hmacSHA256: [HMACCase]
    var secretHash: [SecretHashCase]

    static let file = loadVectors("digest-vectors", as: DigestVectorFile.self)
}

@Suite("OpenSSLDigests")
struct DigestTests {
    let digests = OpenSSLDigests()

    @Test("SHA-256 known answers", arguments: DigestVectorFile.file.sha256.map { ($0.dataHex, $0.digest) })
    func sha256(dataHex: String, digest: String) {
        #expect(Hex.encode(digests.sha256(hexBytes(dataHex))) == digest)
    }

    @Test("HMAC-SHA256 known answers (RFC 4231)", arguments: DigestVectorFile.file.hmacSHA256)
    func hmac(vector: DigestVectorFile.HMACCase) {
        #expect(Hex.encode(digests.hmacSHA256(key: hexBytes(vector.keyHex), data: hexBytes(vector.dataHex))) == vector.mac)
    }

    @Test("SECRET_HASH (contract section 4)", arguments: DigestVectorFile.file.secretHash.map { [$0.username, $0.clientId, $0.clientSecret, $0.secretHash] })
    func secretHash(fields: [String]) {
        let mac = digests.hmacSHA256(key: Array(fields[2].utf8), data: Array((fields[0] + fields[1]).utf8))
        #expect(Base64.encode(mac) == fields[3])
    }

    @Test("HMAC with an empty key and empty data, and with a key of exactly one block")
    func hmacEdges() {
        #expect(Hex.encode(digests.hmacSHA256(key: [], data: [])) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
        let key64 = [UInt8](repeating: 0x11, count: 64)
        let key65 = key64 + [0x11]
        #expect(digests.hmacSHA256(key: key64, data: [1]) != digests.hmacSHA256(key: key65, data: [1]))
    }

    @Test("one million 'a' (FIPS 180-2 long message)")
    func largeInput() {
        let data = [UInt8](repeating: 0x61, count: 1_000_000)
        #expect(Hex.encode(digests.sha256(data)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
