/// Ordered schema migrations. Each runs once, in its own transaction, and the applied version
/// is recorded in `schema_version`; a database newer than this binary is refused.
enum Migrations {
    static let all: [String] = [
        // 1: the foundation schema. Entities are JSON documents; the columns beside them are
        // the keys they are looked up by, kept unique by indexes so concurrent writers on any
        // node cannot both win.
        """
        CREATE TABLE pools(id TEXT PRIMARY KEY, data BLOB NOT NULL);
        CREATE TABLE signing_keys(pool_id TEXT NOT NULL, kid TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY(pool_id, kid));
        CREATE TABLE clients(id TEXT PRIMARY KEY, pool_id TEXT NOT NULL, data BLOB NOT NULL);
        CREATE INDEX clients_by_pool ON clients(pool_id, id);
        CREATE TABLE users(pool_id TEXT NOT NULL, username TEXT NOT NULL, username_key TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY(pool_id, username));
        CREATE UNIQUE INDEX users_by_key ON users(pool_id, username_key);
        CREATE TABLE user_aliases(pool_id TEXT NOT NULL, attribute TEXT NOT NULL, value TEXT NOT NULL, username TEXT NOT NULL, PRIMARY KEY(pool_id, attribute, value));
        CREATE INDEX user_aliases_by_user ON user_aliases(pool_id, username);
        CREATE TABLE user_search(pool_id TEXT NOT NULL, attribute TEXT NOT NULL, value TEXT NOT NULL, username TEXT NOT NULL, PRIMARY KEY(pool_id, attribute, value, username));
        CREATE INDEX user_search_by_user ON user_search(pool_id, username);
        CREATE TABLE user_groups(pool_id TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY(pool_id, name));
        CREATE TABLE group_members(pool_id TEXT NOT NULL, group_name TEXT NOT NULL, username TEXT NOT NULL, PRIMARY KEY(pool_id, group_name, username));
        CREATE INDEX group_members_by_user ON group_members(pool_id, username);
        CREATE TABLE codes(pool_id TEXT NOT NULL, username TEXT NOT NULL, purpose TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY(pool_id, username, purpose));
        CREATE TABLE refresh_tokens(origin_jti TEXT PRIMARY KEY, token_hash BLOB NOT NULL UNIQUE, pool_id TEXT NOT NULL, username TEXT NOT NULL, revoked INTEGER NOT NULL, data BLOB NOT NULL);
        CREATE INDEX refresh_tokens_by_user ON refresh_tokens(pool_id, username);
        CREATE TABLE once_markers(id BLOB PRIMARY KEY, expires_at REAL NOT NULL);
        CREATE TABLE settings(key TEXT PRIMARY KEY, value BLOB NOT NULL);
        """,
        // 2: the hosted UI and OAuth endpoints: pool domains (unique across pools), resource
        // servers, UI branding, authorization codes and browser sessions (both by hash only).
        """
        CREATE TABLE domains(domain TEXT PRIMARY KEY, pool_id TEXT NOT NULL, data BLOB NOT NULL);
        CREATE INDEX domains_by_pool ON domains(pool_id);
        CREATE TABLE resource_servers(pool_id TEXT NOT NULL, identifier TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY(pool_id, identifier));
        CREATE TABLE ui_customizations(pool_id TEXT NOT NULL, client_id TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY(pool_id, client_id));
        CREATE TABLE authorization_codes(code_hash BLOB PRIMARY KEY, pool_id TEXT NOT NULL, username TEXT NOT NULL, expires_at REAL NOT NULL, data BLOB NOT NULL);
        CREATE INDEX authorization_codes_by_user ON authorization_codes(pool_id, username);
        CREATE TABLE hosted_sessions(id_hash BLOB PRIMARY KEY, pool_id TEXT NOT NULL, username TEXT NOT NULL, expires_at REAL NOT NULL, data BLOB NOT NULL);
        CREATE INDEX hosted_sessions_by_user ON hosted_sessions(pool_id, username);
        """,
        // 3: the outbox. Messages wait here, sealed, until a node claims (state 'claimed', with a
        // lease) and sends them; 'failed' rows stay for the operator.
        """
        CREATE TABLE outbox(id TEXT PRIMARY KEY, pool_id TEXT NOT NULL, payload BLOB NOT NULL, created_at REAL NOT NULL,
            state TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at REAL NOT NULL, lease_until REAL, last_error TEXT);
        CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
        """,
        // 4: expired once-markers are purged by expiry, which needs an index to not scan them
        // all. It also marks databases whose rows may hold byte fields as base64 strings
        // (StoredBytes), so an older binary refuses them as newer instead of misreading them.
        """
        CREATE INDEX once_markers_by_expiry ON once_markers(expires_at);
        """,
        // 5: authorization codes and hosted sessions are purged by expiry on every insert; without
        // an index each hosted sign-in scanned every code of the last hour and every session of
        // the last days.
        """
        CREATE INDEX authorization_codes_by_expiry ON authorization_codes(expires_at);
        CREATE INDEX hosted_sessions_by_expiry ON hosted_sessions(expires_at);
        """,
        // 6: refresh-token families are purged some time after they expire (before, nothing
        // ever removed them: one row per sign-in, for ever). Rows written before this keep a
        // NULL expiry and are not purged.
        """
        ALTER TABLE refresh_tokens ADD COLUMN expires_at REAL;
        CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens(expires_at);
        """,
        // 7: each user's ListUsers entry (`User.listingJSON`) kept beside it, written with it, so a
        // page is read without decoding users. Rows written before keep NULL until their next
        // write and are listed from their data.
        """
        ALTER TABLE users ADD COLUMN listing BLOB;
        """,
        // 8: deleting a pool deletes its queued messages too (before, a deleted pool's codes and
        // custom-sender calls still went out), found by pool.
        """
        CREATE INDEX outbox_by_pool ON outbox(pool_id);
        """,
        // 9: failed sign-ins per user, for the lockout after five of them.
        """
        CREATE TABLE sign_in_failures(
            pool_id TEXT NOT NULL, username TEXT NOT NULL, count INTEGER NOT NULL, last_at REAL NOT NULL,
            PRIMARY KEY (pool_id, username));
        """,
        // 10: users' devices (device tracking), found by user.
        """
        CREATE TABLE devices(pool_id TEXT NOT NULL, username TEXT NOT NULL, device_key TEXT NOT NULL, data BLOB NOT NULL,
            PRIMARY KEY (pool_id, username, device_key));
        """,
        // 11: users' sign-in history (pools with threat protection on), listed newest first by user.
        """
        CREATE TABLE auth_events(pool_id TEXT NOT NULL, username TEXT NOT NULL, event_id TEXT NOT NULL, created_at REAL NOT NULL, data BLOB NOT NULL,
            PRIMARY KEY (pool_id, username, event_id));
        CREATE INDEX auth_events_newest ON auth_events(pool_id, username, created_at, event_id);
        """,
    ]

    /// The bookkeeping every engine starts with: the applied versions, and the one row whose
    /// lock makes migrating exclusive. Several nodes starting on one PostgreSQL database at
    /// once each take that row lock first, so one applies a migration while the others wait and
    /// then find it applied. A plain row lock, not an advisory lock: PostgreSQL-wire engines such
    /// as CockroachDB and YugabyteDB have row locks, not always advisory ones.
    static let bookkeeping = [
        "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS schema_lock(id INTEGER PRIMARY KEY, taken INTEGER NOT NULL)",
        "INSERT INTO schema_lock(id, taken) VALUES (1, 0) ON CONFLICT DO NOTHING",
    ]

    /// Applies the next migration if there is one, in the caller's transaction; false when the
    /// schema is current.
    static func step(_ tx: any SQLTransaction, _ dialect: SQLDialect) throws -> Bool {
        try tx.query("UPDATE schema_lock SET taken = taken + 1 WHERE id = 1", [])
        let current = try tx.query("SELECT MAX(version) FROM schema_version", []).first?.int(0) ?? 0
        if current > all.count {
            throw StoreError.schemaTooNew(Int(current), supported: all.count)
        }
        guard current < all.count else { return false }
        for statement in all[Int(current)].split(separator: ";") where !statement.allSatisfy(\.isWhitespace) {
            try tx.query(dialect.schema(String(statement)), [])
        }
        try tx.query("INSERT INTO schema_version(version) VALUES (?)", [.int(current + 1)])
        return true
    }

    static func apply(_ db: SQLiteDatabase) throws {
        try db.writeNow { tx in
            for statement in bookkeeping { try tx.query(statement, []) }
        }
        while try db.writeNow({ try step($0, .sqlite) }) {}
    }

    static func apply(_ db: PostgresDatabase) async throws {
        // Two nodes creating the same table at the same moment can collide in PostgreSQL's
        // catalog (a unique violation) although both said IF NOT EXISTS: the loser tries again
        // and finds the table there.
        var attempt = 0
        while true {
            do {
                try await db.write { tx in
                    for statement in bookkeeping { try tx.query(SQLDialect.postgres.schema(statement), []) }
                }
                break
            } catch where SQLEngine.isConstraint(error) && attempt < 5 {
                attempt += 1
            }
        }
        while try await db.write({ try step($0, .postgres) }) {}
    }
}

public enum StoreError: Error, CustomStringConvertible {
    case schemaTooNew(Int, supported: Int)
    case corrupt(String)

    public var description: String {
        switch self {
        case .schemaTooNew(let v, let s): "The database schema is version \(v); this build supports up to \(s). Upgrade Cognate."
        case .corrupt(let what): "Stored data could not be read: \(what)"
        }
    }
}
