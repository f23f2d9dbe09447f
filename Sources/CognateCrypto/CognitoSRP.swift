import CognateCore

/// The server side of Cognito's SRP-6a (see `SRPMath` for the conventions). A full sign-in
/// costs three 3072-bit exponentiations with 256-bit exponents: g^b for B (from the
/// generator's precomputed table, and made ahead of the challenge), then v^u and (A·v^u)^b for S. All of them run in constant
/// time on the shared Montgomery context.
public struct CognitoSRP: SRPEngine {
    private let group: SRPGroup

    public init() {
        group = SRPGroup.cognito
    }

    public func verifier(poolName: String, userId: String, password: String, salt: [UInt8]) -> [UInt8] {
        group.powerOfG(SRPMath.x(salt: salt, poolName: poolName, userId: userId, password: password), BigNumContext()).bytes
    }

    public func serverEphemeral(secret b: [UInt8]) throws -> [UInt8] {
        guard b.contains(where: { $0 != 0 }) else { throw CryptoFailure.invalidInput("server secret b is 0") }
        return group.powerOfG(b, BigNumContext()).bytes
    }

    public func serverPublic(verifier: [UInt8], ephemeral gb: [UInt8]) throws -> [UInt8] {
        let ctx = BigNumContext()
        let kv = group.mulMod(group.k, BigNum(bytes: verifier), ctx)
        let bigB = group.addMod(kv, BigNum(bytes: gb), ctx)
        guard !bigB.isZero else { throw CryptoFailure.invalidInput("B is 0 mod N") }
        return bigB.bytes
    }

    /// The shared secret S = (A·v^u)^b mod N. Throws `CryptoFailure.invalidInput` when
    /// A ≡ 0 mod N (which would force S = 0 whatever the password) or u = 0.
    public func premasterSecret(
        clientPublic a: [UInt8], serverPublic b: [UInt8], serverSecret: [UInt8], verifier: [UInt8]
    ) throws -> [UInt8] {
        try premaster(clientPublic: a, u: try u(clientPublic: a, serverPublic: b), serverSecret: serverSecret, verifier: verifier)
    }

    public func expectedSignature(
        clientPublic a: [UInt8], serverPublic b: [UInt8], serverSecret: [UInt8], verifier: [UInt8],
        poolName: String, userId: String, secretBlock: [UInt8], timestamp: String
    ) throws -> [UInt8] {
        let uHash = try u(clientPublic: a, serverPublic: b)
        let s = try premaster(clientPublic: a, u: uHash, serverSecret: serverSecret, verifier: verifier)
        let key = SRPMath.derivedKey(u: uHash, premasterSecret: s)
        return SRPMath.passwordClaimSignature(
            key: key, poolName: poolName, userId: userId, secretBlock: secretBlock, timestamp: timestamp)
    }

    private func u(clientPublic a: [UInt8], serverPublic b: [UInt8]) throws -> [UInt8] {
        let uHash = SRPMath.u(clientPublic: a, serverPublic: b)
        guard uHash.contains(where: { $0 != 0 }) else { throw CryptoFailure.invalidInput("u is 0") }
        return uHash
    }

    private func premaster(clientPublic a: [UInt8], u: [UInt8], serverSecret: [UInt8], verifier: [UInt8]) throws -> [UInt8] {
        let ctx = BigNumContext()
        let bigA = group.reduce(BigNum(bytes: a), ctx)
        guard !bigA.isZero else { throw CryptoFailure.invalidInput("SRP_A is 0 mod N") }
        let secret = BigNum(bytes: serverSecret)
        secret.markSecret()
        let vu = group.power(BigNum(bytes: verifier), BigNum(bytes: u), ctx)
        return group.power(group.mulMod(bigA, vu, ctx), secret, ctx).bytes
    }
}
