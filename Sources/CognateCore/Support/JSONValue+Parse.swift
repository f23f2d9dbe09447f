import Foundation

/// A direct JSON parser for `JSONValue`, used on every JWT a request presents. Decoding claims
/// through `JSONDecoder` tried each case in turn and threw on every miss, which cost more than
/// the token's RSA verification. Same results as that decoding: integral numbers become
/// `.int` (as `1.0` and `1e3` did), the first of duplicate keys wins, a leading byte-order
/// mark and one trailing comma in an array or object are accepted (as Foundation's parser
/// does), and anything else that is not JSON (or not UTF-8) is nil.
extension JSONValue {
    public static func parse(_ bytes: [UInt8]) -> JSONValue? {
        bytes.withUnsafeBufferPointer { buffer in
            var p = JSONReader(bytes: buffer)
            p.skipByteOrderMark()
            guard let value = p.value(depth: 0) else { return nil }
            p.skipSpace()
            return p.at == buffer.count ? value : nil
        }
    }

}

/// A strict JSON reader over a buffer: `JSONValue.parse` builds values with it, and stored
/// entities read their members with it directly (`objectMembers`), without building a tree.
struct JSONReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0
    static let maxDepth = 64

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// After a comma: consumes `close` if it is next.
    mutating func closes(_ close: UInt8) -> Bool {
        skipSpace()
        guard at < bytes.count, bytes[at] == close else { return false }
        at += 1
        return true
    }

    mutating func skipByteOrderMark() {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { at = 3 }
    }

    mutating func skipSpace() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
    }

    mutating func literal(_ text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard at + n <= bytes.count else { return false }
        for i in 0..<n where bytes[at + i] != text.utf8Start[i] { return false }
        at += n
        return true
    }

    mutating func value(depth: Int) -> JSONValue? {
        guard depth < Self.maxDepth else { return nil }
        skipSpace()
        guard at < bytes.count else { return nil }
        switch bytes[at] {
        case UInt8(ascii: "{"): return object(depth: depth)
        case UInt8(ascii: "["): return array(depth: depth)
        case UInt8(ascii: "\""): return string().map { .string($0) }
        case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        default: return number()
        }
    }

    mutating func object(depth: Int) -> JSONValue? {
        at += 1
        var members: [String: JSONValue] = [:]
        skipSpace()
        if at < bytes.count, bytes[at] == UInt8(ascii: "}") {
            at += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { return nil }
            at += 1
            guard let v = value(depth: depth + 1) else { return nil }
            if members[key] == nil { members[key] = v }
            skipSpace()
            guard at < bytes.count else { return nil }
            if bytes[at] == UInt8(ascii: ",") {
                at += 1
                // A trailing comma, as Foundation's parser accepts.
                if closes(UInt8(ascii: "}")) { return .object(members) }
                continue
            }
            if bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
            return nil
        }
    }

    mutating func array(depth: Int) -> JSONValue? {
        at += 1
        var items: [JSONValue] = []
        skipSpace()
        if at < bytes.count, bytes[at] == UInt8(ascii: "]") {
            at += 1
            return .array(items)
        }
        while true {
            guard let v = value(depth: depth + 1) else { return nil }
            items.append(v)
            skipSpace()
            guard at < bytes.count else { return nil }
            if bytes[at] == UInt8(ascii: ",") {
                at += 1
                // A trailing comma, as Foundation's parser accepts.
                if closes(UInt8(ascii: "]")) { return .array(items) }
                continue
            }
            if bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
            return nil
        }
    }

    mutating func hex4() -> UInt32? {
        guard at + 4 <= bytes.count else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[at]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
            at += 1
        }
        return v
    }

    mutating func string() -> String? {
        at += 1
        let start = at
        var ascii = true
        // Fast path: no escapes.
        while at < bytes.count {
            let c = bytes[at]
            if c == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[start..<at])
                at += 1
                // ASCII needs no validation; anything else must be well-formed UTF-8.
                return ascii ? String(decoding: run, as: UTF8.self) : String(validating: run, as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { break }
            if c >= 0x80 { ascii = false }
            at += 1
        }
        var out = Array(bytes[start..<at])
        while at < bytes.count {
            let c = bytes[at]
            switch c {
            case UInt8(ascii: "\""):
                at += 1
                return String(validating: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                at += 1
                guard at < bytes.count else { return nil }
                let e = bytes[at]
                at += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard literal("\\u"), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { return nil }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: return nil
                }
            default:
                if c < 0x20 { return nil }
                out.append(c)
                at += 1
            }
        }
        return nil
    }

    mutating func number() -> JSONValue? {
        let start = at
        if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
        let intStart = at
        while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") { at += 1 }
        let intDigits = at - intStart
        guard intDigits > 0, !(intDigits > 1 && bytes[intStart] == UInt8(ascii: "0")) else { return nil }
        var integral = true
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
            integral = false
            at += 1
            let f = at
            while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") { at += 1 }
            guard at > f else { return nil }
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
            integral = false
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            let e = at
            while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") { at += 1 }
            guard at > e else { return nil }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
        if integral, let i = Int(text) { return .int(i) }
        guard let d = Double(text), d.isFinite else { return nil }
        // As JSONDecoder did: a number that is exactly an Int decodes as one.
        if d == d.rounded(), d >= -9.223372036854775808e18, d < 9.223372036854775808e18 { return .int(Int(d)) }
        return .number(d)
    }

    /// Reads an object member by member: `body` gets each key and must consume its value.
    /// False when the JSON is malformed or `body` declines (callers refuse repeated keys).
    mutating func objectMembers(_ body: (inout JSONReader, String) -> Bool) -> Bool {
        skipSpace()
        guard at < bytes.count, bytes[at] == UInt8(ascii: "{") else { return false }
        at += 1
        skipSpace()
        if at < bytes.count, bytes[at] == UInt8(ascii: "}") {
            at += 1
            return true
        }
        while true {
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\""), let key = string() else { return false }
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { return false }
            at += 1
            guard body(&self, key) else { return false }
            skipSpace()
            guard at < bytes.count else { return false }
            if bytes[at] == UInt8(ascii: ",") {
                at += 1
                // A trailing comma, as Foundation's parser accepts.
                if closes(UInt8(ascii: "}")) { return true }
                continue
            }
            if bytes[at] == UInt8(ascii: "}") { at += 1; return true }
            return false
        }
    }

    /// Reads an array element by element.
    mutating func arrayElements(_ body: (inout JSONReader) -> Bool) -> Bool {
        skipSpace()
        guard at < bytes.count, bytes[at] == UInt8(ascii: "[") else { return false }
        at += 1
        skipSpace()
        if at < bytes.count, bytes[at] == UInt8(ascii: "]") {
            at += 1
            return true
        }
        while true {
            guard body(&self) else { return false }
            skipSpace()
            guard at < bytes.count else { return false }
            if bytes[at] == UInt8(ascii: ",") {
                at += 1
                // A trailing comma, as Foundation's parser accepts.
                if closes(UInt8(ascii: "]")) { return true }
                continue
            }
            if bytes[at] == UInt8(ascii: "]") { at += 1; return true }
            return false
        }
    }

    mutating func readString() -> String? {
        skipSpace()
        guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { return nil }
        return string()
    }

    /// A base64 string member, decoded straight from the buffer (a sealed verifier is ~550
    /// characters; going through a String first cost more than the rest of the user).
    /// The store writes '/' unescaped, but rows written before did as JSONEncoder does by
    /// default ("\/"), so that escape is undone on the way; any other escape takes the general
    /// path.
    mutating func readBase64() -> [UInt8]? {
        skipSpace()
        guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { return nil }
        let start = at + 1
        guard let base = bytes.baseAddress else { return nil }
        // Base64 has neither quotes nor backslashes: memchr finds the end, a second one any escape.
        guard let quote = memchr(base + start, Int32(UInt8(ascii: "\"")), bytes.count - start) else { return nil }
        var end = UnsafeRawPointer(quote).assumingMemoryBound(to: UInt8.self) - base
        var slashes = false
        if memchr(base + start, Int32(UInt8(ascii: "\\")), end - start) != nil {
            // An escape: walk it byte by byte ("\\\"" does not end the string).
            end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
                if bytes[end] == UInt8(ascii: "\\") {
                    guard end + 1 < bytes.count, bytes[end + 1] == UInt8(ascii: "/") else { return readString().flatMap(Base64.decode) }
                    slashes = true
                    end += 1
                }
                end += 1
            }
            guard end < bytes.count else { return nil }
        }
        at = end + 1
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<end])
        guard slashes else { return Base64.decode(raw) }
        // Rows written before slashes went unescaped: drop each backslash of a "\/".
        let text = [UInt8](unsafeUninitializedCapacity: raw.count) { buffer, written in
            var i = 0, o = 0
            while i < raw.count {
                if raw[i] == UInt8(ascii: "\\") { i += 1 }
                buffer[o] = raw[i]
                i += 1
                o += 1
            }
            written = o
        }
        return text.withUnsafeBufferPointer { Base64.decode($0) }
    }

    mutating func readDouble() -> Double? {
        skipSpace()
        return value(depth: 0)?.doubleValue
    }

    mutating func readBool() -> Bool? {
        skipSpace()
        if literal("true") { return true }
        if literal("false") { return false }
        return nil
    }

    /// True (and consumed) when the next value is `null`.
    mutating func readNull() -> Bool {
        skipSpace()
        return literal("null")
    }

    var atEnd: Bool {
        mutating get {
            skipSpace()
            return at == bytes.count
        }
    }
}
