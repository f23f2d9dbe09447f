import Foundation
import Synchronization

/// Decoded entities keyed by the exact bytes they were decoded from. The store still reads the
/// row on every call — so a write by this node or by another node on the same database is seen
/// at once — but when the stored bytes are unchanged it skips the JSON decoding, which for a
/// pool (its whole UserPoolType) costs far more than the SQLite lookup. Bounded: past `limit`
/// entries it starts over.
final class DecodeCache<Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        var bytes: [UInt8]
        var value: Value
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    func value(_ key: String, bytes: [UInt8], decode: ([UInt8]) throws -> Value) rethrows -> Value {
        if let hit = entries.withLock({ $0[key] }), Self.same(hit.bytes, bytes) { return hit.value }
        let value = try decode(bytes)
        entries.withLock { cache in
            if cache.count >= limit { cache.removeAll(keepingCapacity: true) }
            cache[key] = Entry(bytes: bytes, value: value)
        }
        return value
    }

    /// memcmp: Array's `==` compares a pool's 3.7 KB row byte by byte on every request.
    static func same(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 } }
    }
}
