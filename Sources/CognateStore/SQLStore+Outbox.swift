import CognateCore

/// The outbox table. A claim is one write transaction (SQLite: BEGIN IMMEDIATE, so one writer at a
/// time across every process on the file; PostgreSQL: the rows are locked and rows another node
/// holds are skipped), so two nodes never hold the same row at once.
extension SQLStore: OutboxStore {
    public func enqueueOutbox(_ entry: OutboxEntry) async throws {
        try await db.write { tx in try Self.insertOutbox(entry, tx) }
    }

    /// A pending row (also written with the change that sends it, see `createUser`).
    static func insertOutbox(_ entry: OutboxEntry, _ tx: any SQLTransaction) throws {
        try tx.query(
            "INSERT INTO outbox(id, pool_id, payload, created_at, state, attempts, next_attempt_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)",
            [.text(entry.id), .text(entry.poolId), .blob(entry.payload), .double(entry.createdAt), .int(Int64(entry.attempts)), .double(entry.nextAttemptAt)]
        )
    }

    public func claimOutbox(now: Double, lease: Double, limit: Int) async throws -> [OutboxEntry] {
        let claim = db.dialect.claimRows
        return try await db.write { tx in
            let rows = try tx.query("""
                SELECT id, pool_id, payload, created_at, attempts, next_attempt_at, last_error FROM outbox
                WHERE (state = 'pending' AND next_attempt_at <= ?) OR (state = 'claimed' AND lease_until < ?)
                ORDER BY next_attempt_at LIMIT ?\(claim)
                """, [.double(now), .double(now), .int(Int64(limit))])
            return try rows.map { row in
                guard let id = row.text(0), let pool = row.text(1), let payload = row.blob(2) else { throw StoreError.corrupt("outbox row") }
                try tx.query("UPDATE outbox SET state = 'claimed', lease_until = ? WHERE id = ?", [.double(now + lease), .text(id)])
                return OutboxEntry(
                    id: id, poolId: pool, payload: payload, createdAt: row.double(3) ?? now, attempts: Int(row.int(4) ?? 0),
                    nextAttemptAt: row.double(5) ?? now, lastError: row.text(6)
                )
            }
        }
    }

    public func completeOutbox(id: String) async throws {
        try await db.write { tx in try tx.query("DELETE FROM outbox WHERE id = ?", [.text(id)]) }
    }

    public func rescheduleOutbox(id: String, at: Double, attempts: Int, error: String) async throws {
        try await db.write { tx in
            try tx.query("UPDATE outbox SET state = 'pending', lease_until = NULL, next_attempt_at = ?, attempts = ?, last_error = ? WHERE id = ?",
                         [.double(at), .int(Int64(attempts)), .text(error), .text(id)])
        }
    }

    public func failOutbox(id: String, attempts: Int, error: String) async throws {
        try await db.write { tx in
            try tx.query("UPDATE outbox SET state = 'failed', lease_until = NULL, attempts = ?, last_error = ? WHERE id = ?",
                         [.int(Int64(attempts)), .text(error), .text(id)])
        }
    }

    public func nextOutboxDue() async throws -> Double? {
        try await db.read { tx in
            try tx.query("SELECT MIN(CASE WHEN state = 'pending' THEN next_attempt_at ELSE lease_until END) FROM outbox WHERE state IN ('pending', 'claimed')", [])
                .first?.double(0)
        }
    }
}
