import CognateCore
import CognitoModel
import Foundation
import Synchronization
import Testing

@Suite("constantTimeEquals")
struct ConstantTimeEqualsTests {
    @Test("equal only for equal bytes")
    func equality() {
        #expect(constantTimeEquals([], []))
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([0, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(!constantTimeEquals([1, 2], [1, 2, 3]))
        #expect(!constantTimeEquals([], [0]))
        #expect(!constantTimeEquals([0x80], [0x00]))
        let big = [UInt8](repeating: 0xAA, count: 4096)
        var other = big
        other[4095] ^= 1
        #expect(constantTimeEquals(big, big))
        #expect(!constantTimeEquals(big, other))
    }
}

@Suite("CoreConfig")
struct CoreConfigTests {
    let pool = UserPool(type: UserPoolType(id: "eu-west-1_AbC123", name: "p"), region: "eu-west-1")

    @Test("the issuer is the public URL and the pool id")
    func issuer() {
        #expect(CoreConfig(publicURL: "http://localhost:9229").issuer(for: pool) == "http://localhost:9229/eu-west-1_AbC123")
        #expect(CoreConfig(publicURL: "https://auth.example.com/base").issuer(for: pool) == "https://auth.example.com/base/eu-west-1_AbC123")
    }

    @Test("or Cognito's own form, in the pool's region")
    func cognitoIssuer() {
        let config = CoreConfig(publicURL: "http://localhost:9229", cognitoIssuer: true)
        #expect(config.issuer(for: pool) == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123")
    }

    @Test("defaults")
    func defaults() {
        let config = CoreConfig(publicURL: "http://x")
        #expect(config.cognitoIssuer == false)
        #expect(config.accountId == "000000000000")
        #expect(config.srpTimestampTolerance == 900)
    }
}

/// Hands out a fixed byte sequence, cycling, so results are predictable.
final class FixedRandom: RandomSource {
    private let bytes: [UInt8]
    private let position = Mutex(0)
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func bytes(count: Int) -> [UInt8] {
        position.withLock { p in
            (0..<count).map { _ in
                defer { p += 1 }
                return bytes[p % bytes.count]
            }
        }
    }
}

@Suite("RandomSource")
struct RandomSourceTests {
    @Test("uuid() is a lowercase version-4 UUID of the source's bytes")
    func uuid() {
        #expect(FixedRandom(Array(0...15)).uuid() == "00010203-0405-4607-8809-0a0b0c0d0e0f")
        #expect(FixedRandom([0xFF]).uuid() == "ffffffff-ffff-4fff-bfff-ffffffffffff")
        #expect(FixedRandom([0x00]).uuid() == "00000000-0000-4000-8000-000000000000")
    }

    @Test("uuid() has the version and variant bits whatever the bytes")
    func uuidShape() throws {
        let pattern = try Regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        let source = FixedRandom((0..<251).map { UInt8(($0 * 89 + 7) % 256) })
        var seen = Set<String>()
        for _ in 0..<200 {
            let id = source.uuid()
            #expect(id.wholeMatch(of: pattern) != nil, "\(id)")
            #expect(UUID(uuidString: id) != nil)
            seen.insert(id)
        }
        #expect(seen.count > 150)
    }

    @Test("string(count:alphabet:) maps bytes to the alphabet and rejects the biased tail")
    func string() {
        let digits = Array("0123456789")
        // 256 % 10 = 6: bytes 250...255 are skipped so each digit is equally likely.
        #expect(FixedRandom([250, 251, 252, 253, 254, 255, 7, 13, 249]).string(count: 3, alphabet: digits) == "739")
        #expect(FixedRandom([0, 1, 2, 3]).string(count: 6, alphabet: Array("ab")) == "ababab")
        let s = FixedRandom(Array(0...255)).string(count: 500, alphabet: digits)
        #expect(s.count == 500)
        #expect(s.allSatisfy { digits.contains($0) })
    }
}
