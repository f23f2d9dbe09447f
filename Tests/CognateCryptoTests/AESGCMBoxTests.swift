import CognateCore
import CognateCrypto
import Testing

@Suite("AESGCMBox")
struct AESGCMBoxTests {
    let random = OpenSSLRandom()

    func makeBox(key: [UInt8]? = nil) throws -> AESGCMBox {
        try AESGCMBox(key: key ?? [UInt8](repeating: 7, count: 32), random: random)
    }

    func expectAuthenticationFailure(_ body: () throws -> [UInt8]) {
        #expect(throws: CryptoFailure.authenticationFailed) { _ = try body() }
    }

    @Test("round trip", arguments: [0, 1, 15, 16, 17, 1000] as [Int])
    func roundTrip(length: Int) throws {
        let box = try makeBox()
        let plaintext = random.bytes(count: length)
        for aad in [[], Array("us-east-1_ExAmPlE12".utf8)] as [[UInt8]] {
            let sealed = try box.seal(plaintext, aad: aad)
            #expect(sealed.count == 12 + length + 16)
            #expect(try box.open(sealed, aad: aad) == plaintext)
        }
    }

    @Test("each seal uses a fresh nonce")
    func freshNonces() throws {
        let box = try makeBox()
        let one = try box.seal([1, 2, 3], aad: [])
        let two = try box.seal([1, 2, 3], aad: [])
        #expect(one != two)
        #expect(Array(one.prefix(12)) != Array(two.prefix(12)))
    }

    @Test("tampering with any region fails", arguments: ["nonce", "ciphertext", "tag"])
    func tamper(region: String) throws {
        let box = try makeBox()
        let sealed = try box.seal(Array("the user's TOTP secret".utf8), aad: [9])
        let indices: [Int] = switch region {
        case "nonce": Array(0..<12)
        case "ciphertext": Array(12..<(sealed.count - 16))
        default: Array((sealed.count - 16)..<sealed.count)
        }
        for index in indices {
            for bit in [0x01, 0x80] as [UInt8] {
                var altered = sealed
                altered[index] ^= bit
                expectAuthenticationFailure { try box.open(altered, aad: [9]) }
            }
        }
    }

    @Test("truncated or extended boxes fail")
    func truncated() throws {
        let box = try makeBox()
        let sealed = try box.seal([1, 2, 3, 4], aad: [])
        for length in 0..<sealed.count {
            expectAuthenticationFailure { try box.open(Array(sealed.prefix(length)), aad: []) }
        }
        expectAuthenticationFailure { try box.open(sealed + [0], aad: []) }
        let empty = try box.seal([], aad: [])
        expectAuthenticationFailure { try box.open(Array(empty.dropLast()), aad: []) }
    }

    @Test("wrong aad fails")
    func wrongAAD() throws {
        let box = try makeBox()
        let sealed = try box.seal([1, 2, 3], aad: Array("pool-a".utf8))
        expectAuthenticationFailure { try box.open(sealed, aad: Array("pool-b".utf8)) }
        expectAuthenticationFailure { try box.open(sealed, aad: []) }
        let unbound = try box.seal([1, 2, 3], aad: [])
        expectAuthenticationFailure { try box.open(unbound, aad: [0]) }
    }

    @Test("wrong key fails")
    func wrongKey() throws {
        let sealed = try makeBox().seal([1, 2, 3], aad: [])
        var otherKey = [UInt8](repeating: 7, count: 32)
        otherKey[31] ^= 1
        expectAuthenticationFailure { try makeBox(key: otherKey).open(sealed, aad: []) }
    }

    @Test("keys that are not 32 bytes are refused", arguments: [0, 16, 24, 31, 33, 64] as [Int])
    func keyLength(length: Int) {
        #expect(throws: CryptoFailure.invalidKey) {
            _ = try AESGCMBox(key: [UInt8](repeating: 1, count: length), random: random)
        }
    }

    @Test("boxes from another instance with the same key open")
    func sameKeyOtherInstance() throws {
        let key = random.bytes(count: 32)
        let sealed = try makeBox(key: key).seal([42], aad: [1])
        #expect(try makeBox(key: key).open(sealed, aad: [1]) == [42])
    }
}
