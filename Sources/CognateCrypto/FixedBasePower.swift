import COpenSSL

/// g^e mod N for one fixed base and exponents of up to 256 bits, from a table computed once:
/// entry (i, j) holds g^(j·32^i) in Montgomery form, so g^e is the product of one entry per
/// 5-bit digit of e — 51 Montgomery multiplications and no squarings, against ~256 squarings
/// and ~50 multiplications for a windowed exponentiation (measured for 3072/256 bits: 148 µs
/// against 634 µs for BN_mod_exp_mont_consttime). It serves the exponentiations whose
/// base is the generator: B = kv + g^b at every SRP start, and v = g^x for every password check.
///
/// OpenSSL offers no fixed-base exponentiation for finite-field groups, so the comb is written
/// here on top of its Montgomery multiplication; what keeps it constant time with respect to
/// the (secret) exponent:
/// - every digit costs the same: a digit 0 multiplies by the table's Montgomery one;
/// - an entry is selected by reading all 32 entries of its row and masking, never by indexing
///   memory with the digit (as OpenSSL's own consttime path reads its whole window table);
/// - the multiplication is OpenSSL's `bn_mul_mont` (through BN_mod_mul_montgomery), which does
///   not branch on the values of full-width operands.
///
/// Thread safety (why `@unchecked Sendable` holds): the table and the BIGNUMs are written only
/// in `init`; the BN_MONT_CTX is only read (see `SRPGroup`).
final class FixedBasePower: @unchecked Sendable {
    // Wider digits mean fewer multiplications but longer rows to read in full: g^x took 172 /
    // 148 / 138 µs here for 4 / 5 / 6 bits, with tables of 384 KB / 640 KB / 1 MB. 5 keeps the
    // table well inside the L2 cache it shares with everything else.
    static let digitBits = 5
    static let rowSize = 1 << digitBits
    /// The longest exponent served, in bytes; longer ones go to BN_mod_exp_mont_consttime.
    static let exponentBytes = 32
    static let rows = (exponentBytes * 8 + digitBits - 1) / digitBits

    private let limbs: Int
    private let montgomery: OpaquePointer
    /// rows × rowSize entries of `limbs` 64-bit words each, holding little-endian bytes.
    private let table: [UInt64]

    /// `base` must be reduced mod `modulus`; `montgomery` is set up for `modulus` and must
    /// outlive this object.
    init(base: BigNum, modulus: BigNum, montgomery: OpaquePointer) {
        self.montgomery = montgomery
        limbs = (modulus.bitCount + 63) / 64
        precondition(limbs % 8 == 0, "rows are read eight limbs at a time")
        let ctx = BigNumContext()
        var table = [UInt64](repeating: 0, count: Self.rows * Self.rowSize * limbs)
        let one = BigNum(word: 1), step = BigNum(), entry = BigNum()
        bnCheck(BN_to_montgomery(step.raw, base.raw, montgomery, ctx.raw), "BN_to_montgomery")
        for row in 0..<Self.rows {
            // step = g^(32^row) in Montgomery form; the row is step^0 … step^31.
            bnCheck(BN_to_montgomery(entry.raw, one.raw, montgomery, ctx.raw), "BN_to_montgomery")
            for j in 0..<Self.rowSize {
                if j > 0 { bnCheck(BN_mod_mul_montgomery(entry.raw, entry.raw, step.raw, montgomery, ctx.raw), "BN_mod_mul_montgomery") }
                // Little-endian bytes straight into the entry's words: what BN_lebin2bn reads back.
                let offset = (row * Self.rowSize + j) * limbs * 8, length = Int32(limbs * 8)
                let written = table.withUnsafeMutableBytes { BN_bn2lebinpad(entry.raw, ($0.baseAddress! + offset).assumingMemoryBound(to: UInt8.self), length) }
                guard written == length else { fatalError("BN_bn2lebinpad") }
            }
            for _ in 0..<Self.digitBits {
                bnCheck(BN_mod_mul_montgomery(step.raw, step.raw, step.raw, montgomery, ctx.raw), "BN_mod_mul_montgomery")
            }
        }
        self.table = table
        withExtendedLifetime((one, step, entry, base)) {}
    }

    /// base^exponent mod modulus; `exponent` is unsigned big-endian of at most `exponentBytes`.
    func power(_ exponent: [UInt8], _ ctx: BigNumContext) -> BigNum {
        precondition(exponent.count <= Self.exponentBytes)
        let padded = [UInt8](repeating: 0, count: Self.exponentBytes - exponent.count) + exponent
        let acc = BigNum(), selected = BigNum()
        acc.markSecret()
        selected.markSecret()
        var words = [UInt64](repeating: 0, count: limbs)
        table.withUnsafeBufferPointer { table in
            words.withUnsafeMutableBufferPointer { words in
                for row in 0..<Self.rows {
                    let digit = Self.digit(padded, row)
                    select(row: row, digit: digit, from: table, into: words)
                    let ok = words.withMemoryRebound(to: UInt8.self) { BN_lebin2bn($0.baseAddress, Int32($0.count), selected.raw) }
                    guard ok != nil else { fatalError("BN_lebin2bn: out of memory") }
                    if row == 0 {
                        guard BN_copy(acc.raw, selected.raw) != nil else { fatalError("BN_copy: out of memory") }
                    } else {
                        bnCheck(BN_mod_mul_montgomery(acc.raw, acc.raw, selected.raw, montgomery, ctx.raw), "BN_mod_mul_montgomery")
                    }
                }
                // The selected limbs were secret-dependent: don't leave them behind.
                for l in 0..<words.count { words[l] = 0 }
            }
        }
        let result = BigNum()
        bnCheck(BN_from_montgomery(result.raw, acc.raw, montgomery, ctx.raw), "BN_from_montgomery")
        withExtendedLifetime((acc, selected, ctx)) {}
        return result
    }

    /// Digit `row` of the exponent (big-endian bytes), counting from the least significant bits.
    /// The loop's shape depends only on `row`, never on the exponent's value.
    @inline(__always)
    static func digit(_ exponent: [UInt8], _ row: Int) -> UInt64 {
        var d: UInt64 = 0
        for k in 0..<digitBits {
            let bit = row * digitBits + k
            guard bit < exponent.count * 8 else { break }
            d |= UInt64(exponent[exponent.count - 1 - bit / 8] >> UInt8(bit % 8) & 1) << UInt64(k)
        }
        return d
    }

    /// words = entry (row, digit), reading every entry of the row under a mask.
    @inline(__always)
    private func select(row: Int, digit: UInt64, from table: UnsafeBufferPointer<UInt64>, into words: UnsafeMutableBufferPointer<UInt64>) {
        let rowStart = row * Self.rowSize * limbs
        let entries = UnsafeRawPointer(table.baseAddress!), out = UnsafeMutableRawPointer(words.baseAddress!)
        // Eight limbs at a time, accumulated in registers: the row is read once, in order.
        for chunk in stride(from: 0, to: limbs, by: 8) {
            var picked = SIMD8<UInt64>()
            for j in 0..<Self.rowSize {
                let diff = UInt64(j) ^ digit
                // All ones when diff == 0, else zero, without a branch.
                let mask = ((diff | (0 &- diff)) >> 63) &- 1
                picked |= entries.loadUnaligned(fromByteOffset: (rowStart + j * limbs + chunk) * 8, as: SIMD8<UInt64>.self)
                    & SIMD8(repeating: mask)
            }
            out.storeBytes(of: picked, toByteOffset: chunk * 8, as: SIMD8<UInt64>.self)
        }
    }
}
