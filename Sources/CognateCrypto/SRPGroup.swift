import COpenSSL
import CognateCore

/// The RFC 3526 3072-bit MODP group with g = 2, as Cognito uses it, and what is derived from
/// it once: k and the Montgomery context for N.
///
/// Thread safety (why `@unchecked Sendable` holds): every field is written only in `init`.
/// After that the BIGNUMs are passed to OpenSSL only as `const BIGNUM *`, and the BN_MONT_CTX
/// only as the `in_mont` argument of BN_mod_exp_mont(_consttime), which reads it and never
/// writes it (OpenSSL's own RSA code shares its cached Montgomery contexts between threads the
/// same way). Each computation brings its own BN_CTX for scratch space.
final class SRPGroup: @unchecked Sendable {
    static let cognito = SRPGroup()

    static let nHex =
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
        + "29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
        + "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
        + "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
        + "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D"
        + "C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
        + "83655D23DCA3AD961C62F356208552BB9ED529077096966D"
        + "670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
        + "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9"
        + "DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
        + "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64"
        + "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
        + "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B"
        + "F12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
        + "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31"
        + "43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"

    let N: BigNum
    let g: BigNum
    let k: BigNum
    /// N as 384 big-endian bytes.
    let nBytes: [UInt8]
    /// k as the 32-byte hash it is defined by.
    let kBytes: [UInt8]
    private let montgomery: OpaquePointer
    /// g^e from a precomputed table (see `FixedBasePower`): B's g^b and every verifier's g^x.
    private let generatorPowers: FixedBasePower

    private init() {
        nBytes = Hex.decode(Self.nHex)!
        N = BigNum(bytes: nBytes)
        g = BigNum(word: 2)
        // k = H(padHex(N) | padHex(g)): N gains a 00 byte (top bit set), g stays one byte.
        // Plain RFC 5054 pads g to |N| instead, which Cognito's clients do not.
        kBytes = FastDigest.sha256(SRPMath.twosComplementBytes(minimal: nBytes), [2])
        k = BigNum(bytes: kBytes)
        guard let mont = BN_MONT_CTX_new() else { fatalError("BN_MONT_CTX_new: out of memory") }
        let ctx = BigNumContext()
        let modulus = N
        withExtendedLifetime((modulus, ctx)) {
            bnCheck(BN_MONT_CTX_set(mont, modulus.raw, ctx.raw), "BN_MONT_CTX_set")
        }
        montgomery = mont
        generatorPowers = FixedBasePower(base: g, modulus: N, montgomery: mont)
    }

    deinit { BN_MONT_CTX_free(montgomery) }

    /// base^exponent mod N in constant time with respect to the exponent. Used for every
    /// exponentiation, including v^u whose exponent is public: one code path is simpler to
    /// reason about, and the variable-time path would save only about a tenth of one
    /// exponentiation (measured 0.52 vs 0.58 ms for 3072/256 bits on x86-64).
    func power(_ base: BigNum, _ exponent: BigNum, _ ctx: BigNumContext) -> BigNum {
        // BN_mod_exp_mont_consttime wants a reduced, non-negative base.
        let reduced = reduce(base, ctx)
        let result = BigNum()
        result.setModExpConstantTime(reduced, exponent, modulo: N, montgomery: montgomery, ctx)
        return result
    }

    /// g^exponent mod N in constant time with respect to the exponent (unsigned big-endian
    /// bytes); through the generator's table for exponents of up to 256 bits.
    func powerOfG(_ exponent: [UInt8], _ ctx: BigNumContext) -> BigNum {
        guard exponent.count <= FixedBasePower.exponentBytes else {
            let e = BigNum(bytes: exponent)
            e.markSecret()
            return power(g, e, ctx)
        }
        return generatorPowers.power(exponent, ctx)
    }

    func mulMod(_ a: BigNum, _ b: BigNum, _ ctx: BigNumContext) -> BigNum {
        let result = BigNum()
        result.setModMul(a, b, modulo: N, ctx)
        return result
    }

    func addMod(_ a: BigNum, _ b: BigNum, _ ctx: BigNumContext) -> BigNum {
        let result = BigNum()
        result.setModAdd(a, b, modulo: N, ctx)
        return result
    }

    func subMod(_ a: BigNum, _ b: BigNum, _ ctx: BigNumContext) -> BigNum {
        let result = BigNum()
        result.setModSub(a, b, modulo: N, ctx)
        return result
    }

    func reduce(_ a: BigNum, _ ctx: BigNumContext) -> BigNum {
        let result = BigNum()
        result.setReduced(a, modulo: N, ctx)
        return result
    }
}
