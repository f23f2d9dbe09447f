import CognateCore
import Testing

@Suite("Hex")
struct HexTests {
    @Test("encodes lowercase, two digits a byte")
    func encode() {
        #expect(Hex.encode([]) == "")
        #expect(Hex.encode([0x00]) == "00")
        #expect(Hex.encode([0x00, 0xff, 0x10, 0x0a, 0xab, 0x7f]) == "00ff100aab7f")
        #expect(Hex.encode(Array(0...255)).count == 512)
    }

    @Test("decodes either case")
    func decode() {
        #expect(Hex.decode("") == [])
        #expect(Hex.decode("00ff100aab7f") == [0x00, 0xff, 0x10, 0x0a, 0xab, 0x7f])
        #expect(Hex.decode("00FF100AAB7F") == [0x00, 0xff, 0x10, 0x0a, 0xab, 0x7f])
        #expect(Hex.decode("DeadBeef") == [0xde, 0xad, 0xbe, 0xef])
    }

    @Test("an odd length reads as if it had a leading zero")
    func oddLength() {
        #expect(Hex.decode("abc") == [0x0a, 0xbc])
        #expect(Hex.decode("f") == [0x0f])
        #expect(Hex.decode("100") == [0x01, 0x00])
    }

    @Test("refuses non-hex characters", arguments: ["zz", "0g", "0x10", " 10", "10 ", "-1", "ab:cd", "é0"])
    func refuses(_ text: String) {
        #expect(Hex.decode(text) == nil)
    }

    @Test("round-trips every byte")
    func roundTrip() {
        let all = Array(UInt8(0)...UInt8(255))
        #expect(Hex.decode(Hex.encode(all)) == all)
        #expect(Hex.decode(Hex.encode(all).uppercased()) == all)
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Hex.decode(Hex.encode(bytes)) == bytes)
        }
    }

    @Test("reads every pair of ASCII characters as a plain digit-by-digit reading does")
    func everyPair() {
        func digit(_ c: UInt8) -> UInt8? { UInt8(String(UnicodeScalar(c)), radix: 16) }
        for a in UInt8(0)..<128 {
            for b in UInt8(0)..<128 {
                let text = String(decoding: [a, b], as: UTF8.self)
                let expected = digit(a).flatMap { high in digit(b).map { [high << 4 | $0] } }
                #expect(Hex.decode(text) == expected, "\(a) \(b)")
                #expect(Hex.decode("ab" + text + "cd") == expected.map { [0xab] + $0 + [0xcd] })
            }
        }
    }

    @Test("stripLeadingZeros gives the integer's minimal form")
    func strip() {
        #expect(Hex.stripLeadingZeros([0, 0, 1, 0]) == [1, 0])
        #expect(Hex.stripLeadingZeros([1, 0, 0]) == [1, 0, 0])
        #expect(Hex.stripLeadingZeros([0, 0, 0]) == [])
        #expect(Hex.stripLeadingZeros([]) == [])
        #expect(Hex.stripLeadingZeros([0x80]) == [0x80])
    }
}

@Suite("Base64")
struct Base64Tests {
    // RFC 4648 §10.
    static let rfc4648: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    @Test("RFC 4648 vectors, standard alphabet with padding")
    func standard() {
        for (plain, encoded) in Self.rfc4648 {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test("RFC 4648 vectors, url alphabet without padding")
    func url() {
        for (plain, encoded) in Self.rfc4648 {
            let unpadded = encoded.replacingOccurrences(of: "=", with: "")
            #expect(Base64.urlEncode(Array(plain.utf8)) == unpadded)
            #expect(Base64.urlDecode(unpadded) == Array(plain.utf8))
        }
    }

    @Test("the url alphabet replaces + and /")
    func urlAlphabet() {
        let bytes: [UInt8] = [0xfb, 0xff, 0xbf]
        #expect(Base64.encode(bytes) == "+/+/")
        #expect(Base64.urlEncode(bytes) == "-_-_")
        #expect(Base64.urlDecode("-_-_") == bytes)
        #expect(Base64.encode([0xfb, 0xff]) == "+/8=")
        #expect(Base64.urlEncode([0xfb, 0xff]) == "-_8")
        #expect(Base64.urlDecode("-_8") == [0xfb, 0xff])
        // Padded url-safe input is accepted too.
        #expect(Base64.urlDecode("-_8=") == [0xfb, 0xff])
    }

    @Test("refuses what is not base64", arguments: ["Zg=", "Z", "Zm9v!", "Zm 9v", "-_8="])
    func refuses(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test("round-trips every length")
    func roundTrip() {
        for n in 0..<64 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 200) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
            #expect(Base64.urlDecode(Base64.urlEncode(bytes)) == bytes)
            #expect(!Base64.urlEncode(bytes).contains { "+/=".contains($0) })
            #expect(Base64.encode(bytes).count % 4 == 0)
        }
    }
}
