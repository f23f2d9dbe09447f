import Synchronization

/// Unsealed signing keys by pool. Keys never change once a pool has them, so a cache entry
/// is valid for the life of the pool; deleting a pool drops it.
final class SigningKeyCache: Sendable {
    struct Entry: Sendable {
        var key: StoredSigningKey
        var privateDER: [UInt8]
    }

    private let entries = Mutex<[String: [Entry]]>([:])

    func get(_ poolId: String) -> [Entry]? { entries.withLock { $0[poolId] } }
    func put(_ poolId: String, _ value: [Entry]) { entries.withLock { $0[poolId] = value } }
    func drop(_ poolId: String) { _ = entries.withLock { $0.removeValue(forKey: poolId) } }
}
