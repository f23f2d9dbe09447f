import COpenSSL
import CognateCore

/// Owns one BIGNUM. Values are cleared on free because most of them (x, b, S, v) are secrets
/// or password equivalents. A BigNum is confined to one computation on one thread, except
/// inside `SRPGroup`, which only reads its numbers after construction.
final class BigNum {
    let raw: OpaquePointer

    init() {
        // BN_new fails only when allocation fails; there is nothing sensible to recover.
        guard let bn = BN_new() else { fatalError("BN_new: out of memory") }
        raw = bn
    }

    /// From unsigned big-endian bytes (leading zeros allowed).
    convenience init(bytes: [UInt8]) {
        self.init()
        let ok = bytes.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32($0.count), raw) }
        guard ok != nil else { fatalError("BN_bin2bn: out of memory") }
    }

    convenience init(word: UInt) {
        self.init()
        guard BN_set_word(raw, word) == 1 else { fatalError("BN_set_word: out of memory") }
    }

    deinit { BN_clear_free(raw) }

    var isZero: Bool { BN_is_zero(raw) == 1 }

    var bitCount: Int { Int(BN_num_bits(raw)) }

    /// Minimal unsigned big-endian bytes (empty for zero), the form the SRP port uses.
    var bytes: [UInt8] {
        let count = (bitCount + 7) / 8
        guard count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        _ = BN_bn2bin(raw, &out)
        return out
    }

    /// Cognito's padHex, in bytes: minimal two's-complement big-endian form.
    var paddedBytes: [UInt8] { SRPMath.twosComplementBytes(minimal: bytes) }

    var padHex: String { Hex.encode(paddedBytes) }

    /// Marks the number as secret so OpenSSL picks constant-time code paths for it.
    func markSecret() { BN_set_flags(raw, BN_FLG_CONSTTIME) }

    // The operations below are methods taking BigNum arguments, never free calls on `.raw`,
    // because Swift may release an object right after its last use: a `.raw` read as the
    // last use of a local could free the BIGNUM before OpenSSL reads it. Arguments and
    // `self` are guaranteed alive for the whole call.

    /// self = a mod m, in [0, m).
    func setReduced(_ a: BigNum, modulo m: BigNum, _ ctx: BigNumContext) {
        bnCheck(BN_nnmod(raw, a.raw, m.raw, ctx.raw), "BN_nnmod")
    }

    func setModMul(_ a: BigNum, _ b: BigNum, modulo m: BigNum, _ ctx: BigNumContext) {
        bnCheck(BN_mod_mul(raw, a.raw, b.raw, m.raw, ctx.raw), "BN_mod_mul")
    }

    func setModAdd(_ a: BigNum, _ b: BigNum, modulo m: BigNum, _ ctx: BigNumContext) {
        bnCheck(BN_mod_add(raw, a.raw, b.raw, m.raw, ctx.raw), "BN_mod_add")
    }

    func setModSub(_ a: BigNum, _ b: BigNum, modulo m: BigNum, _ ctx: BigNumContext) {
        bnCheck(BN_mod_sub(raw, a.raw, b.raw, m.raw, ctx.raw), "BN_mod_sub")
    }

    /// self = a·b + c (no reduction).
    func setMulAdd(_ a: BigNum, _ b: BigNum, _ c: BigNum, _ ctx: BigNumContext) {
        bnCheck(BN_mul(raw, a.raw, b.raw, ctx.raw), "BN_mul")
        bnCheck(BN_add(raw, raw, c.raw), "BN_add")
    }

    /// self = base^exponent mod m, constant time in the exponent; base must be reduced.
    /// `montgomery` must have been set up for m.
    func setModExpConstantTime(
        _ base: BigNum, _ exponent: BigNum, modulo m: BigNum, montgomery: OpaquePointer, _ ctx: BigNumContext
    ) {
        bnCheck(BN_mod_exp_mont_consttime(raw, base.raw, exponent.raw, m.raw, ctx.raw, montgomery), "BN_mod_exp_mont_consttime")
    }
}

/// A BN_CTX (scratch space for intermediate BIGNUMs) for one computation.
final class BigNumContext {
    let raw: OpaquePointer

    init() {
        guard let ctx = BN_CTX_new() else { fatalError("BN_CTX_new: out of memory") }
        raw = ctx
    }

    deinit { BN_CTX_free(raw) }
}

/// BIGNUM operations fail only on allocation failure (or a zero/even modulus, which the fixed
/// group rules out); treating that as fatal keeps the non-throwing ports honest.
@inline(__always)
func bnCheck(_ rc: Int32, _ operation: @autoclosure () -> String) {
    if rc != 1 { fatalError("\(operation()) failed: \(drainOpenSSLErrors())") }
}
