import CognateCore

/// Cognito's SRP conventions, shared by the server engine and by tests that play the client.
///
/// Cognito's clients (amazon-cognito-identity-js, pycognito) hash hex strings built with
/// `padHex`, the minimal two's-complement form of a non-negative integer, and concatenate the
/// hex before decoding it. Working on bytes is equivalent: the concatenation of even-length
/// hex strings decodes to the concatenation of their bytes, so every `H(hex | hex)` here is
/// SHA-256 over the padded byte forms, with no hex round trips on the hot path.
/// All numbers are unsigned big-endian bytes; leading zero bytes are ignored on input and
/// never produced on output.
public enum SRPMath {
    /// The group prime N (RFC 3526 3072-bit MODP) as 384 big-endian bytes.
    public static var groupPrime: [UInt8] { SRPGroup.cognito.nBytes }

    /// The multiplier k = H(padHex(N) | padHex(g)) as its 32-byte hash.
    public static var multiplier: [UInt8] { SRPGroup.cognito.kBytes }

    /// Cognito's padHex: lowercase hex of the integer's minimal two's-complement form
    /// (a `00` byte is prepended when the top bit is set; zero is `00`). Not padded to |N|.
    public static func padHex(_ bytes: [UInt8]) -> String {
        Hex.encode(padded(bytes))
    }

    /// x = H(padHex(salt) | Hs(poolName + userId + ":" + password)), as the 32-byte hash.
    public static func x(salt: [UInt8], poolName: String, userId: String, password: String) -> [UInt8] {
        let identityHash = FastDigest.sha256(Array((poolName + userId + ":" + password).utf8))
        return FastDigest.sha256(padded(salt), identityHash)
    }

    /// u = H(padHex(A) | padHex(B)), as the 32-byte hash.
    public static func u(clientPublic a: [UInt8], serverPublic b: [UInt8]) -> [UInt8] {
        FastDigest.sha256(padded(a), padded(b))
    }

    /// Cognito's one-block HKDF: PRK = HMAC(key: padHex(u), padHex(S));
    /// K = HMAC(PRK, "Caldera Derived Key" ‖ 0x01)[0..<16].
    public static func derivedKey(u: [UInt8], premasterSecret s: [UInt8]) -> [UInt8] {
        let prk = FastDigest.hmacSHA256(key: padded(u), padded(s))
        return Array(FastDigest.hmacSHA256(key: prk, derivedKeyInfo).prefix(16))
    }

    /// PASSWORD_CLAIM_SIGNATURE before base64: HMAC(K, poolName ‖ userId ‖ secretBlock ‖ timestamp).
    /// `timestamp` must be the string exactly as the client sent it.
    public static func passwordClaimSignature(
        key: [UInt8], poolName: String, userId: String, secretBlock: [UInt8], timestamp: String
    ) -> [UInt8] {
        FastDigest.hmacSHA256(key: key, Array(poolName.utf8), Array(userId.utf8), secretBlock, Array(timestamp.utf8))
    }

    /// The client's A = g^a mod N.
    public static func clientPublic(a: [UInt8]) -> [UInt8] {
        let group = SRPGroup.cognito
        let ctx = BigNumContext()
        let secret = BigNum(bytes: a)
        secret.markSecret()
        return group.power(group.g, secret, ctx).bytes
    }

    /// The client's S = (B − k·g^x)^(a + u·x) mod N, as pycognito computes it.
    public static func clientPremasterSecret(a: [UInt8], serverPublic b: [UInt8], x: [UInt8], u: [UInt8]) throws -> [UInt8] {
        let group = SRPGroup.cognito
        let ctx = BigNumContext()
        let bigB = BigNum(bytes: b)
        guard !group.reduce(bigB, ctx).isZero else { throw CryptoFailure.invalidInput("SRP_B is 0 mod N") }
        let xNum = BigNum(bytes: x)
        xNum.markSecret()
        let uNum = BigNum(bytes: u)
        guard !uNum.isZero else { throw CryptoFailure.invalidInput("u is 0") }
        let base = group.subMod(bigB, group.mulMod(group.k, group.powerOfG(x, ctx), ctx), ctx)
        let exponent = BigNum()
        exponent.setMulAdd(uNum, xNum, BigNum(bytes: a), ctx)
        return group.power(base, exponent, ctx).bytes
    }

    /// The PASSWORD_CLAIM_SIGNATURE (raw 32 bytes) a Cognito client would send.
    public static func clientSignature(
        a: [UInt8], B: [UInt8], salt: [UInt8], poolName: String, userId: String, password: String,
        secretBlock: [UInt8], timestamp: String
    ) throws -> [UInt8] {
        let bigA = clientPublic(a: a)
        let uHash = u(clientPublic: bigA, serverPublic: B)
        let xHash = x(salt: salt, poolName: poolName, userId: userId, password: password)
        let s = try clientPremasterSecret(a: a, serverPublic: B, x: xHash, u: uHash)
        let key = derivedKey(u: uHash, premasterSecret: s)
        return passwordClaimSignature(key: key, poolName: poolName, userId: userId, secretBlock: secretBlock, timestamp: timestamp)
    }

    static let derivedKeyInfo: [UInt8] = Array("Caldera Derived Key".utf8) + [0x01]

    static func padded(_ bytes: [UInt8]) -> [UInt8] {
        twosComplementBytes(minimal: Hex.stripLeadingZeros(bytes))
    }

    static func twosComplementBytes(minimal: [UInt8]) -> [UInt8] {
        guard let first = minimal.first else { return [0] }
        return first >= 0x80 ? [0] + minimal : minimal
    }
}
