// A QR Code encoder for the hosted pages' TOTP enrolment (otpauth:// URIs shown to authenticator
// apps): byte mode only, versions 1–40, levels L/M/Q/H, rendered as inline SVG. No Foundation.
// Section, table and annex numbers are those of ISO/IEC 18004:2015.

/// A QR Code symbol holding some bytes in byte mode. `self[x, y]` is true for a dark module;
/// (0, 0) is the top-left module, without the quiet zone.
struct QRCode: Sendable {
    enum ErrorCorrection: Int, Sendable, CaseIterable {
        case low, medium, quartile, high

        /// Table 12: the level's two bits in the format information, which are not in L, M, Q, H order.
        fileprivate var formatBits: Int {
            switch self {
            case .low: 0b01
            case .medium: 0b00
            case .quartile: 0b11
            case .high: 0b10
            }
        }
    }

    enum Failure: Error, Sendable, Equatable {
        /// More bytes than version 40 (or the version asked for) holds at this level.
        case tooLong(bytes: Int)
        case invalidVersion(Int)
        case invalidMask(Int)
    }

    let version: Int
    let level: ErrorCorrection
    let mask: Int
    let size: Int
    private let modules: [Bool]

    /// `text` as UTF-8 in the smallest version that holds it. No ECI header (7.3.2) is written: many
    /// readers mishandle one, and without it they take ASCII as is and detect UTF-8 (the spec's default
    /// is ISO 8859-1, which only matters for non-ASCII; otpauth URIs are percent-encoded ASCII).
    /// `version` and `mask` force those choices (for tests); nil picks them per 7.1 step 1 and 7.8.3.
    init(_ text: String, level: ErrorCorrection = .medium, version: Int? = nil, mask: Int? = nil) throws {
        try self.init(bytes: Array(text.utf8), level: level, version: version, mask: mask)
    }

    init(bytes: [UInt8], level: ErrorCorrection = .medium, version forcedVersion: Int? = nil, mask forcedMask: Int? = nil) throws {
        if let v = forcedVersion, !(1...40).contains(v) { throw Failure.invalidVersion(v) }
        if let m = forcedMask, !(0...7).contains(m) { throw Failure.invalidMask(m) }
        guard let version = forcedVersion ?? Self.smallestVersion(holding: bytes.count, level: level),
              Self.byteCapacity(version: version, level: level) >= bytes.count
        else { throw Failure.tooLong(bytes: bytes.count) }

        var grid = Grid(version: version)
        grid.place(Self.finalMessage(bytes, version: version, level: level))
        // 7.8.3.1: the lowest penalty wins; ties go to the lower mask number, as the reference
        // encoders do. Format and version information are not yet drawn, since they follow masking (7.1 steps 6–7).
        let mask: Int
        if let forcedMask {
            mask = forcedMask
        } else {
            let scores = (0..<8).map { grid.masked($0).penalty }
            mask = scores.firstIndex(of: scores.min()!)!
        }
        var symbol = grid.masked(mask)
        symbol.drawFormatAndVersion(level: level, mask: mask)

        self.version = version
        self.level = level
        self.mask = mask
        self.size = grid.size
        self.modules = symbol.dark
    }

    subscript(x: Int, y: Int) -> Bool { modules[y * size + x] }

    /// The symbol as a standalone `<svg>` element, black on white, with a light quiet zone of
    /// `quietZone` modules (6.3.8 asks for 4) and `moduleSize` CSS pixels a module. One path draws
    /// every dark run of each row. `label` becomes the aria-label, escaped, so the whole string can go
    /// into a page unescaped.
    func svg(moduleSize: Int = 4, quietZone: Int = 4, label: String = "QR code") -> String {
        let side = size + 2 * quietZone
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard self[x, y] else { x += 1; continue }
                let start = x
                while x < size && self[x, y] { x += 1 }
                path += "M\(start + quietZone) \(y + quietZone)h\(x - start)v1h-\(x - start)z"
            }
        }
        let px = side * moduleSize
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(px)\" height=\"\(px)\" viewBox=\"0 0 \(side) \(side)\""
            + " role=\"img\" aria-label=\"\(Self.escaped(label))\" shape-rendering=\"crispEdges\">"
            + "<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/><path fill=\"#000\" d=\"\(path)\"/></svg>"
    }

    private static func escaped(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}

// MARK: - Capacity (Tables 1, 3, 7, 9)

extension QRCode {
    /// Table 9, error correction codewords per block, indexed [level][version]; index 0 unused.
    private static let ecCodewordsPerBlock: [[Int]] = [
        [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]

    /// Table 9, number of error correction blocks (both groups together), indexed [level][version].
    private static let ecBlocks: [[Int]] = [
        [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]

    /// Modules left for codewords once the function patterns and format/version areas are taken
    /// (Table 1's "data modules"); the total codeword count of Table 9 is this over 8, and the rest
    /// are the remainder bits of 7.6.
    static func dataModules(version v: Int) -> Int {
        var n = (16 * v + 128) * v + 64  // side² less three 8×8 finder+separator corners, the timing lines between them, 31 format modules
        if v >= 2 {
            let align = v / 7 + 2
            n -= (25 * align - 10) * align - 55  // alignment patterns, less the parts already counted on the timing lines
            if v >= 7 { n -= 36 }  // two 6×3 version information blocks (7.10)
        }
        return n
    }

    static func dataCodewords(version: Int, level: ErrorCorrection) -> Int {
        dataModules(version: version) / 8 - ecCodewordsPerBlock[level.rawValue][version] * ecBlocks[level.rawValue][version]
    }

    /// 7.4.5 and Table 3: a byte-mode segment costs a 4-bit mode indicator and an 8-bit (versions 1–9)
    /// or 16-bit count before its bytes.
    static func byteCapacity(version: Int, level: ErrorCorrection) -> Int {
        (dataCodewords(version: version, level: level) * 8 - 4 - countBits(version)) / 8
    }

    /// 7.1 step 1: the smallest version whose capacity at `level` holds `count` bytes; nil past version 40.
    static func smallestVersion(holding count: Int, level: ErrorCorrection) -> Int? {
        (1...40).first { byteCapacity(version: $0, level: level) >= count }
    }

    private static func countBits(_ version: Int) -> Int { version <= 9 ? 8 : 16 }
}

// MARK: - Codewords (7.4, 7.5, 7.6)

extension QRCode {
    /// The interleaved data and error correction codewords, in placement order.
    private static func finalMessage(_ bytes: [UInt8], version: Int, level: ErrorCorrection) -> [UInt8] {
        let capacity = dataCodewords(version: version, level: level)
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) {
            for i in (0..<count).reversed() { bits.append(value >> i & 1 == 1) }
        }
        append(0b0100, 4)  // Table 2: the byte mode indicator
        append(bytes.count, countBits(version))
        for b in bytes { append(Int(b), 8) }
        append(0, min(4, capacity * 8 - bits.count))  // 7.4.9: terminator, cut short when the symbol is full
        append(0, (8 - bits.count % 8) % 8)  // 7.4.10: zero bits up to a codeword boundary
        var data = stride(from: 0, to: bits.count, by: 8).map { i in
            bits[i..<i + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC  // 7.4.10: pad codewords 11101100 and 00010001 in turn
        while data.count < capacity {
            data.append(pad)
            pad ^= 0xEC ^ 0x11
        }

        // 7.5.2: the blocks of Table 9; the later ("group 2") blocks hold one data codeword more.
        let blockCount = ecBlocks[level.rawValue][version]
        let ecLength = ecCodewordsPerBlock[level.rawValue][version]
        let total = dataModules(version: version) / 8
        let shortBlocks = blockCount - total % blockCount
        let shortData = total / blockCount - ecLength
        let generator = reedSolomonGenerator(degree: ecLength)
        var dataBlocks: [[UInt8]] = []
        var ecBlocks: [[UInt8]] = []
        var start = 0
        for i in 0..<blockCount {
            let length = shortData + (i < shortBlocks ? 0 : 1)
            let block = Array(data[start..<start + length])
            start += length
            dataBlocks.append(block)
            ecBlocks.append(reedSolomonRemainder(block, generator))
        }

        // 7.6: codeword i of every block in turn, data first, then error correction.
        var message: [UInt8] = []
        for i in 0...shortData {
            for block in dataBlocks where i < block.count { message.append(block[i]) }
        }
        for i in 0..<ecLength {
            for block in ecBlocks { message.append(block[i]) }
        }
        return message
    }

    /// 7.5.2 and Annex A: multiplication in GF(2⁸) modulo x⁸+x⁴+x³+x²+1 (0x11D).
    private static func gfMultiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var product = 0
        for i in (0..<8).reversed() {
            product = product << 1 ^ (product >> 7) * 0x11D
            if b >> i & 1 == 1 { product ^= Int(a) }
        }
        return UInt8(product)
    }

    /// Annex A: g(x) = (x − α⁰)(x − α¹)…(x − α^(degree−1)) with α = 2; the coefficients below the
    /// leading 1, highest power first.
    private static func reedSolomonGenerator(degree: Int) -> [UInt8] {
        var g = [UInt8](repeating: 0, count: degree)
        g[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                g[j] = gfMultiply(g[j], root) ^ (j + 1 < degree ? g[j + 1] : 0)
            }
            root = gfMultiply(root, 2)
        }
        return g
    }

    /// 7.5.2: the error correction codewords are the remainder of data(x)·x^degree divided by g(x).
    private static func reedSolomonRemainder(_ data: [UInt8], _ generator: [UInt8]) -> [UInt8] {
        var remainder = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ remainder.removeFirst()
            remainder.append(0)
            for i in generator.indices { remainder[i] ^= gfMultiply(generator[i], factor) }
        }
        return remainder
    }
}

// MARK: - The matrix (6.3, 7.7, 7.8, 7.9, 7.10)

extension QRCode {
    /// A symbol under construction: module colours and which modules belong to function patterns
    /// (or to the format and version areas, which masking and codeword placement skip).
    private struct Grid {
        let version: Int
        let size: Int
        var dark: [Bool]
        var isFunction: [Bool]

        init(version: Int) {
            self.version = version
            size = 17 + 4 * version
            dark = Array(repeating: false, count: size * size)
            isFunction = dark
            // 6.3.5: timing patterns on row and column 6 (the finders then overwrite their ends).
            for i in 0..<size {
                set(6, i, i % 2 == 0)
                set(i, 6, i % 2 == 0)
            }
            // 6.3.3, 6.3.4: finder patterns with their light separators, in three corners.
            for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
                for dy in -4...4 {
                    for dx in -4...4 where (0..<size).contains(cx + dx) && (0..<size).contains(cy + dy) {
                        let ring = max(abs(dx), abs(dy))
                        set(cx + dx, cy + dy, ring != 2 && ring != 4)
                    }
                }
            }
            // 6.3.6: alignment patterns at every pair of Annex E positions, except where a finder is.
            let positions = Self.alignmentPositions(version: version)
            for cy in positions {
                for cx in positions {
                    let last = positions.count - 1
                    if (cx == positions[0] && (cy == positions[0] || cy == positions[last])) || (cx == positions[last] && cy == positions[0]) { continue }
                    for dy in -2...2 {
                        for dx in -2...2 { set(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) }
                    }
                }
            }
            // 7.9.1, 7.10: reserve the format and version areas (and the dark module) light for now.
            drawFormatAndVersion(formatBits: 0, versionBits: 0, darkModule: false)
        }

        /// Annex E, Table E.1, which this reproduces: 6, then positions spaced by one even step back
        /// from size − 7, the leftover going to the first gap. Version 32 is the table's one irregular step.
        static func alignmentPositions(version: Int) -> [Int] {
            guard version > 1 else { return [] }
            let count = version / 7 + 2
            let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
            let size = 17 + 4 * version
            return [6] + (0..<count - 1).map { size - 7 - $0 * step }.reversed()
        }

        mutating func set(_ x: Int, _ y: Int, _ isDark: Bool) {
            dark[y * size + x] = isDark
            isFunction[y * size + x] = true
        }

        /// 7.7.3: bits go into two-module-wide columns from the right, up then down in turn, right
        /// module before left, skipping function modules and the whole vertical timing column (x = 6).
        /// Modules left over are the remainder bits of 7.6, which stay light (0).
        mutating func place(_ codewords: [UInt8]) {
            var bit = 0
            var right = size - 1
            while right >= 1 {
                if right == 6 { right = 5 }
                let upward = (right + 1) & 2 == 0
                for step in 0..<size {
                    let y = upward ? size - 1 - step : step
                    for x in [right, right - 1] where !isFunction[y * size + x] && bit < codewords.count * 8 {
                        dark[y * size + x] = codewords[bit / 8] >> (7 - bit % 8) & 1 == 1
                        bit += 1
                    }
                }
                right -= 2
            }
        }

        /// 7.8.2, Table 10: mask pattern `mask` applied to every non-function module (i = row, j = column).
        func masked(_ mask: Int) -> Grid {
            var out = self
            for i in 0..<size {
                for j in 0..<size where !isFunction[i * size + j] {
                    let flip = switch mask {
                    case 0: (i + j) % 2 == 0
                    case 1: i % 2 == 0
                    case 2: j % 3 == 0
                    case 3: (i + j) % 3 == 0
                    case 4: (i / 2 + j / 3) % 2 == 0
                    case 5: (i * j) % 2 + (i * j) % 3 == 0
                    case 6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
                    default: ((i + j) % 2 + (i * j) % 3) % 2 == 0
                    }
                    if flip { out.dark[i * size + j].toggle() }
                }
            }
            return out
        }

        /// 7.8.3.1, Table 11 (N1 = 3, N2 = 3, N3 = 40, N4 = 10).
        var penalty: Int {
            var score = 0
            for line in 0..<size {
                for across in [true, false] {
                    let module = { (i: Int) -> Bool in across ? dark[line * size + i] : dark[i * size + line] }
                    // N1: each run of 5 + i modules of one colour scores 3 + i.
                    var run = 1
                    for i in 1..<size {
                        if module(i) == module(i - 1) {
                            run += 1
                        } else {
                            if run >= 5 { score += run - 2 }
                            run = 1
                        }
                    }
                    if run >= 5 { score += run - 2 }
                    // N3: each dark-light-dark×3-light-dark (1:1:3:1:1) with 4 light modules on at least
                    // one side scores once; past the symbol's edge is the light quiet zone (6.3.8).
                    let light = { (r: Range<Int>) -> Bool in r.clamped(to: 0..<size).allSatisfy { !module($0) } }
                    for i in 0...size - 7
                    where module(i) && !module(i + 1) && module(i + 2) && module(i + 3) && module(i + 4) && !module(i + 5) && module(i + 6)
                        && (light(i - 4..<i) || light(i + 7..<i + 11)) {
                        score += 40
                    }
                }
            }
            // N2: a same-colour m×n block scores 3·(m−1)(n−1), i.e. 3 for every 2×2 square within it.
            for y in 0..<size - 1 {
                for x in 0..<size - 1 {
                    let c = dark[y * size + x]
                    if dark[y * size + x + 1] == c && dark[(y + 1) * size + x] == c && dark[(y + 1) * size + x + 1] == c { score += 3 }
                }
            }
            // N4: 10 for every full 5% by which the dark share strays from 50%.
            let darkCount = dark.filter { $0 }.count
            score += 10 * (abs(20 * darkCount - 10 * dark.count) / dark.count)
            return score
        }

        mutating func drawFormatAndVersion(level: ErrorCorrection, mask: Int) {
            // 7.9.1, Annex C: 5 data bits, BCH(15,5) with generator 0x537, XORed with 0x5412 so that no
            // level and mask combination gives an all-light format.
            let data = level.formatBits << 3 | mask
            var r = data
            for _ in 0..<10 { r = r << 1 ^ (r >> 9) * 0x537 }
            // 7.10, Annex D: 6 version bits, BCH(18,6) with generator 0x1F25; only versions 7 and up carry it.
            var v = version
            for _ in 0..<12 { v = v << 1 ^ (v >> 11) * 0x1F25 }
            drawFormatAndVersion(formatBits: (data << 10 | r) ^ 0x5412, versionBits: version << 12 | v, darkModule: true)
        }

        private mutating func drawFormatAndVersion(formatBits f: Int, versionBits: Int, darkModule: Bool) {
            func bit(_ value: Int, _ i: Int) -> Bool { value >> i & 1 == 1 }
            // 7.9.1, Figure 25: one copy around the top-left finder (down column 8, then leftward along
            // row 8, stepping over the timing pattern), the other split between the other two finders, so
            // a reader still finds one if a corner is damaged. Bit 0 is the least significant.
            for i in 0...5 { set(8, i, bit(f, i)) }
            set(8, 7, bit(f, 6))
            set(8, 8, bit(f, 7))
            set(7, 8, bit(f, 8))
            for i in 9..<15 { set(14 - i, 8, bit(f, i)) }
            for i in 0..<8 { set(size - 1 - i, 8, bit(f, i)) }
            for i in 8..<15 { set(8, size - 15 + i, bit(f, i)) }
            set(8, size - 8, darkModule)  // 7.9.1: the module at (8, 4V + 9) is always dark
            // 7.10, Figure 27: a 6×3 block beside the top-right finder and its transpose beside the bottom-left.
            guard version >= 7 else { return }
            for i in 0..<18 {
                set(size - 11 + i % 3, i / 3, bit(versionBits, i))
                set(i / 3, size - 11 + i % 3, bit(versionBits, i))
            }
        }
    }
}
