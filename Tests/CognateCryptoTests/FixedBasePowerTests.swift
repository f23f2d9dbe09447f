@testable import CognateCrypto
import Testing

/// The generator's table against OpenSSL's BN_mod_exp_mont_consttime on the same exponents.
@Suite struct FixedBasePowerTests {
    static func reference(_ exponent: [UInt8]) -> [UInt8] {
        let group = SRPGroup.cognito, ctx = BigNumContext()
        return group.power(group.g, BigNum(bytes: exponent), ctx).bytes
    }

    static let edges: [[UInt8]] = [
        [], [0], [1], [2], [15], [16], [17], [0xFF],
        [UInt8](repeating: 0, count: 32), [UInt8](repeating: 0, count: 31) + [1],
        [UInt8](repeating: 0xFF, count: 32), [0x80] + [UInt8](repeating: 0, count: 31),
        [0x0F] + [UInt8](repeating: 0xF0, count: 31), [0x01] + [UInt8](repeating: 0, count: 31),
        // Longer than the table serves: OpenSSL's path.
        [UInt8](repeating: 0xA5, count: 33), [UInt8](repeating: 0x5A, count: 128),
    ]

    @Test("edge exponents match OpenSSL", arguments: edges)
    func edgeExponents(_ exponent: [UInt8]) {
        #expect(SRPGroup.cognito.powerOfG(exponent, BigNumContext()).bytes == Self.reference(exponent))
    }

    @Test("random exponents of every length up to 32 bytes match OpenSSL")
    func randomExponents() {
        let random = OpenSSLRandom()
        for length in 1...32 {
            for _ in 0..<4 {
                let e = random.bytes(count: length)
                #expect(SRPGroup.cognito.powerOfG(e, BigNumContext()).bytes == Self.reference(e), "\(e)")
            }
        }
    }

    @Test("g^1 is g and g^16 is 65536")
    func smallPowers() {
        #expect(SRPGroup.cognito.powerOfG([1], BigNumContext()).bytes == [2])
        #expect(SRPGroup.cognito.powerOfG([16], BigNumContext()).bytes == [1, 0, 0])
    }
}
