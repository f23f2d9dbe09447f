import Synchronization

/// Each pool's signing keys as this process last read them, unsealed, and when it read them.
///
/// Rotation adds keys in the database, possibly from another node or the CLI, so a copy is not
/// valid for ever. What re-reads it (`Cognate+SigningKeys.swift`): the JWKS on every request
/// (a key must be published everywhere as soon as it is stored), verification when a token
/// names a kid the copy does not have, and signing when the copy is older than
/// `CoreConfig.signingKeyRefresh`. A token with a known kid is checked with no round trip.
final class SigningKeyCache: Sendable {
    struct Entry: Sendable {
        var key: StoredSigningKey
        var privateDER: [UInt8]
    }

    struct Snapshot: Sendable {
        var entries: [Entry]
        /// When the read started (the core's clock, epoch seconds): the rows are at least that new.
        var readAt: Double

        var ring: SigningKeyRing { SigningKeyRing(entries.map(\.key)) }

        func entry(kid: String) -> Entry? { entries.first { $0.key.kid == kid } }
    }

    private let snapshots = Mutex<[String: Snapshot]>([:])

    func get(_ poolId: String) -> Snapshot? { snapshots.withLock { $0[poolId] } }
    /// Keeps the later of two reads: one that started earlier but finished last holds less.
    func put(_ poolId: String, _ value: Snapshot) {
        snapshots.withLock { all in
            if let held = all[poolId], held.readAt > value.readAt { return }
            all[poolId] = value
        }
    }
    func drop(_ poolId: String) { _ = snapshots.withLock { $0.removeValue(forKey: poolId) } }
}
