@testable import CognateHTTP
import Foundation
import Testing

/// QR codes for TOTP enrolment: symbols equal python-qrcode's module for module (Vectors/qr-vectors.json,
/// made by gen_vectors.py with python-qrcode 8.2 and segno 1.6.6, which agree on every matrix), the
/// automatic mask and version equal the reference's, and the SVG draws exactly the symbol's modules.
@Suite struct QRCodeTests {
    struct Vector: Decodable, Sendable {
        var text: String
        var level: String
        var version: Int
        var mask: Int
        /// Row y as "0101…", 1 = dark, without the quiet zone.
        var rows: [String]
        /// The smallest version the reference picks for text + level.
        var minVersion: Int
        /// The mask the reference picks at `version` (segno's ISO/IEC 18004 7.8.3 evaluation; see gen_vectors.py).
        var autoMask: Int

        var errorCorrection: QRCode.ErrorCorrection {
            ["L": .low, "M": .medium, "Q": .quartile, "H": .high][level]!
        }
        var name: String { "v\(version)-\(level) mask \(mask) \(text.prefix(24).debugDescription)" }
    }

    static let vectors: [Vector] = {
        guard let url = Bundle.module.url(forResource: "qr-vectors", withExtension: "json", subdirectory: "Vectors"),
              let data = try? Data(contentsOf: url), let v = try? JSONDecoder().decode([Vector].self, from: data), !v.isEmpty
        else { fatalError("Vectors/qr-vectors.json is missing or malformed") }
        return v
    }()

    func rows(_ q: QRCode) -> [String] {
        (0..<q.size).map { y in String((0..<q.size).map { q[$0, y] ? "1" : "0" }) }
    }

    /// Where `q` first departs from `rows` ("x,y"), or nil when they are equal; short enough to read in a failure.
    func firstDifference(_ q: QRCode, _ rows: [String]) -> String? {
        guard rows.count == q.size else { return "size \(q.size), expected \(rows.count)" }
        for (y, row) in rows.enumerated() {
            for (x, c) in row.enumerated() where q[x, y] != (c == "1") { return "module \(x),\(y)" }
        }
        return nil
    }

    /// The modules drawn by `svg()`'s path ("M{x} {y}h{n}v1h-{n}z" per dark run), quiet zone removed.
    func drawn(_ svg: String, size: Int, quietZone: Int) throws -> [String] {
        var grid = Array(repeating: Array(repeating: Character("0"), count: size), count: size)
        let d = try #require(svg.components(separatedBy: " d=\"").last?.components(separatedBy: "\"").first)
        for run in d.split(separator: "z") {
            let n = run.dropFirst().split(whereSeparator: { " hv".contains($0) }).compactMap { Int($0) }
            try #require(n.count == 5 && n[3] == 1 && n[4] == -n[2] && run.hasPrefix("M"), "unexpected path run \(run)")
            for x in n[0] - quietZone..<n[0] - quietZone + n[2] { grid[n[1] - quietZone][x] = "1" }
        }
        return grid.map { String($0) }
    }

    @Test("with version and mask forced, every symbol equals the reference module for module")
    func forcedMatricesMatch() throws {
        var versions = Set<Int>(), masks = Set<Int>(), levels = Set<String>()
        for v in Self.vectors {
            let q = try QRCode(v.text, level: v.errorCorrection, version: v.version, mask: v.mask)
            #expect(q.size == 17 + 4 * v.version, "\(v.name)")
            #expect(firstDifference(q, v.rows) == nil, "\(v.name)")
            versions.insert(v.version); masks.insert(v.mask); levels.insert(v.level)
        }
        // The vectors cover version information (7+), both count widths (9 | 10), all levels and masks.
        #expect(versions.contains(1) && versions.contains(7) && versions.contains(10) && versions.contains(40))
        #expect(masks == Set(0...7) && levels == ["L", "M", "Q", "H"])
    }

    @Test("the automatic mask is the one the reference's penalty evaluation picks")
    func automaticMaskMatches() throws {
        for v in Self.vectors {
            let q = try QRCode(v.text, level: v.errorCorrection, version: v.version)
            #expect(q.mask == v.autoMask, "\(v.name)")
        }
    }

    @Test("the automatic version is the smallest that holds the bytes, and the automatic symbol equals the reference")
    func automaticVersionIsSmallest() throws {
        for v in Self.vectors {
            let q = try QRCode(v.text, level: v.errorCorrection)
            #expect(q.version == v.minVersion, "\(v.name)")
            if v.minVersion > 1 {
                #expect(throws: QRCode.Failure.tooLong(bytes: v.text.utf8.count), "\(v.name)") {
                    try QRCode(v.text, level: v.errorCorrection, version: v.minVersion - 1)
                }
            }
            if v.version == v.minVersion && v.mask == v.autoMask {
                #expect(firstDifference(q, v.rows) == nil, "\(v.name)")
            }
        }
    }

    @Test("a full version keeps its bytes and one byte more moves to the next, at every version and level")
    func capacityBoundaries() throws {
        // Table 7, byte mode, at the corners of the range.
        #expect(QRCode.byteCapacity(version: 1, level: .low) == 17)
        #expect(QRCode.byteCapacity(version: 1, level: .medium) == 14)
        #expect(QRCode.byteCapacity(version: 1, level: .quartile) == 11)
        #expect(QRCode.byteCapacity(version: 1, level: .high) == 7)
        #expect(QRCode.byteCapacity(version: 40, level: .low) == 2953)
        #expect(QRCode.byteCapacity(version: 40, level: .high) == 1273)
        for level in QRCode.ErrorCorrection.allCases {
            for version in 1...40 {
                let n = QRCode.byteCapacity(version: version, level: level)
                #expect(QRCode.smallestVersion(holding: n, level: level) == version)
                #expect(QRCode.smallestVersion(holding: n + 1, level: level) == (version < 40 ? version + 1 : nil))
            }
            // The initialiser uses that choice (mask forced: the version is chosen before masking).
            for version in [1, 9, 10, 39] {
                let n = QRCode.byteCapacity(version: version, level: level)
                #expect(try QRCode(bytes: Array(repeating: 0x61, count: n), level: level, mask: 0).version == version)
                #expect(try QRCode(bytes: Array(repeating: 0x61, count: n + 1), level: level, mask: 0).version == version + 1)
            }
        }
    }

    @Test("input the symbol cannot hold, and versions or masks that do not exist, are refused")
    func refusals() throws {
        #expect(throws: QRCode.Failure.tooLong(bytes: 2954)) { try QRCode(bytes: Array(repeating: 0, count: 2954), level: .low) }
        #expect(throws: QRCode.Failure.tooLong(bytes: 15)) { try QRCode(String(repeating: "x", count: 15), level: .medium, version: 1) }
        #expect(throws: QRCode.Failure.invalidVersion(0)) { try QRCode("x", version: 0) }
        #expect(throws: QRCode.Failure.invalidVersion(41)) { try QRCode("x", version: 41) }
        #expect(throws: QRCode.Failure.invalidMask(8)) { try QRCode("x", mask: 8) }
        #expect(try QRCode("").version == 1)
    }

    @Test("the SVG is one path of the symbol's dark modules inside a light quiet zone, labelled for assistive technology")
    func svg() throws {
        let uri = "otpauth://totp/Cognate:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Cognate"
        let q = try QRCode(uri)
        let svg = q.svg(moduleSize: 3, quietZone: 2, label: "Scan <this> & \"that\"")
        let side = q.size + 4
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(3 * side)\" height=\"\(3 * side)\" viewBox=\"0 0 \(side) \(side)\""))
        #expect(svg.contains(" role=\"img\" aria-label=\"Scan &lt;this&gt; &amp; &quot;that&quot;\""))
        #expect(svg.contains(" shape-rendering=\"crispEdges\""))
        #expect(svg.contains("<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/><path fill=\"#000\" d=\"M"))
        #expect(svg.hasSuffix("\"/></svg>"))
        #expect(svg.components(separatedBy: "<path").count == 2)
        #expect(try drawn(svg, size: q.size, quietZone: 2) == rows(q))
        for v in Self.vectors.prefix(6) {
            let q = try QRCode(v.text, level: v.errorCorrection, version: v.version, mask: v.mask)
            #expect(try drawn(q.svg(), size: q.size, quietZone: 4) == v.rows, "\(v.name)")
        }
    }
}
