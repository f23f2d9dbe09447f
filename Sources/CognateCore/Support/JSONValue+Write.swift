import CognitoModel

/// Compact JSON for claims and sealed state, written directly: JSONEncoder cost ~20 µs per
/// token payload, four times per sign-in.
extension JSONValue {
    /// Keys sorted and '/' unescaped, as JWT payloads are written; nil for NaN or infinity,
    /// which JSON cannot hold.
    public func compactJSON() -> [UInt8]? {
        var w = JSONWriter(capacity: 512, escapeSlashes: false)
        return write(&w) ? w.bytes : nil
    }

    func write(_ w: inout JSONWriter) -> Bool {
        switch self {
        case .string(let s): w.string(s)
        case .number(let d): return w.number(d)
        case .int(let i): w.int(i)
        case .bool(let b): w.bool(b)
        case .null: w.null()
        case .array(let a):
            w.beginArray()
            for v in a {
                w.next()
                guard v.write(&w) else { return false }
            }
            w.endArray()
        case .object(let o):
            w.beginObject()
            for k in o.keys.sorted() {
                w.key(k)
                guard o[k]!.write(&w) else { return false }
            }
            w.endObject()
        }
        return true
    }
}
