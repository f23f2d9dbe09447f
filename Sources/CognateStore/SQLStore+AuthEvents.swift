import CognateCore
import Foundation

// Users' sign-in history (migration 11).

extension SQLStore: AuthEventStore {
    /// Cognito keeps a user's event history for two years (developer guide, "Viewing user event
    /// history"); older events go when the user's next one is written.
    static let authEventRetention: Double = 2 * 365 * 86400
    /// At most this many events a user, the oldest going first. Two years of a user signing in
    /// daily fit; a password being guessed (the lockout still allows one try every 15 minutes,
    /// some 70,000 in two years) does not grow the table without end.
    static let authEventsPerUser = 1000

    public func recordAuthEventStep(_ step: AuthEventStep) async throws {
        try await db.write { tx in try Self.apply(step, tx) }
    }

    public func putRefreshToken(_ record: RefreshTokenRecord, spending marker: OnceMarker?, recording step: AuthEventStep) async throws -> Bool {
        let data = try Self.encode(record), purge = familyPurge.due(at: record.issuedAt), purgeMarkers = markerPurgeBound()
        return try await db.write { tx in
            if let marker { guard try Self.spend(marker, purgeBefore: purgeMarkers, tx) else { return false } }
            try Self.insertFamily(record, data, purge: purge, tx)
            try Self.apply(step, tx)
            return true
        }
    }

    /// One step of an event: a read and a write of its row; a new event first makes room for itself.
    static func apply(_ step: AuthEventStep, _ tx: any SQLTransaction) throws {
        let s = step.start
        let p = SQLValue.text(s.poolId), u = SQLValue.text(s.username), e = SQLValue.text(s.eventId)
        let stored = try tx.query("SELECT data FROM auth_events WHERE pool_id = ? AND username = ? AND event_id = ?", [p, u, e]).first
            .map { try decode(AuthEventRecord.self, $0) }
        let data = try encode(step.applied(to: stored))
        if stored != nil {
            try tx.query("UPDATE auth_events SET data = ? WHERE pool_id = ? AND username = ? AND event_id = ?", [data, p, u, e])
            return
        }
        try tx.query("DELETE FROM auth_events WHERE pool_id = ? AND username = ? AND created_at < ?", [p, u, .double(s.createdAt - authEventRetention)])
        // Everything from the (limit)th newest on, so that the new one makes `authEventsPerUser`.
        try tx.query("""
            DELETE FROM auth_events WHERE pool_id = ? AND username = ? AND (created_at, event_id) <= (
                SELECT created_at, event_id FROM auth_events WHERE pool_id = ? AND username = ?
                ORDER BY created_at DESC, event_id DESC LIMIT 1 OFFSET ?)
            """, [p, u, p, u, .int(Int64(authEventsPerUser - 1))])
        try tx.query("INSERT INTO auth_events(pool_id, username, event_id, created_at, data) VALUES (?, ?, ?, ?, ?)", [p, u, e, .double(s.createdAt), data])
    }

    public func authEvent(poolId: String, username: String, eventId: String) async throws -> AuthEventRecord? {
        try await readOne(
            AuthEventRecord.self, "SELECT data FROM auth_events WHERE pool_id = ? AND username = ? AND event_id = ?", [.text(poolId), .text(username), .text(eventId)]
        )
    }

    public func updateAuthEvent(
        poolId: String, username: String, eventId: String, _ body: @escaping @Sendable (inout AuthEventRecord) throws -> Void
    ) async throws -> AuthEventRecord {
        try await updateDocument(
            AuthEventRecord.self, table: "auth_events", key: "pool_id = ? AND username = ? AND event_id = ?", [.text(poolId), .text(username), .text(eventId)], body
        )
    }

    public func authEvents(poolId: String, username: String, after: AuthEventCursor?, limit: Int) async throws -> [AuthEventRecord] {
        let order = " ORDER BY created_at DESC, event_id DESC LIMIT ?"
        guard let after else {
            return try await readAll(
                AuthEventRecord.self, "SELECT data FROM auth_events WHERE pool_id = ? AND username = ?" + order, [.text(poolId), .text(username), .int(Int64(limit))]
            )
        }
        return try await readAll(
            AuthEventRecord.self, "SELECT data FROM auth_events WHERE pool_id = ? AND username = ? AND (created_at, event_id) < (?, ?)" + order,
            [.text(poolId), .text(username), .double(after.createdAt), .text(after.eventId), .int(Int64(limit))]
        )
    }
}
