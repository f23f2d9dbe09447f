import CognateCore
import CognitoModel
import Foundation
import Synchronization

/// The one SQL store: every storage port of the core over SQLite or PostgreSQL (`SQLEngine`).
/// Entities are stored as JSON next to the key columns they are found by.
public final class SQLStore: Sendable {
    let db: SQLEngine
    /// Pools and clients are read on nearly every request and rarely change.
    let pools = DecodeCache<UserPool>(limit: 1024)
    let clients = DecodeCache<AppClient>(limit: 4096)
    /// Expired once-markers and refresh-token families are purged inside inserts, at most once
    /// a minute per process each (when they go is not observable).
    let markerPurge = PurgeThrottle()
    let familyPurge = PurgeThrottle()

    /// Opens (creating if needed) and migrates the database at `path` (":memory:" for tests).
    public init(path: String) throws {
        let sqlite = try SQLiteDatabase(path: path)
        try Migrations.apply(sqlite)
        db = .sqlite(sqlite)
    }

    /// The store on PostgreSQL, migrated (once, whichever of several nodes starting together
    /// gets there first).
    public init(postgres: PostgresDatabase) async throws {
        try await Migrations.apply(postgres)
        db = .postgres(postgres)
    }

    /// Whether the database answers now (SQLite, in this process, always does).
    public func ping() async -> Bool {
        switch db {
        case .sqlite: true
        case .postgres(let pg): await pg.ping()
        }
    }

    /// Closes PostgreSQL's connections (nothing to do for SQLite).
    public func shutdown() async {
        if case .postgres(let pg) = db { await pg.shutdown() }
    }

    static func encode<T: Encodable>(_ value: T) throws -> SQLValue {
        // Every sign-in stores a refresh-token family: written directly, JSONEncoder if it declines.
        if T.self == RefreshTokenRecord.self, let bytes = (value as! RefreshTokenRecord).storedJSON() { return .blob(bytes) }
        return .blob([UInt8](try storedEncoder().encode(value)))
    }

    /// '/' is written as is: stored bytes are base64, where one character in 64 is a '/', and
    /// JSONEncoder's default "\/" made every read of them take the unescaping path.
    static func storedEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return encoder
    }

    static func decode<T: Decodable>(_ type: T.Type, _ row: SQLRow, _ column: Int = 0) throws -> T {
        guard let bytes = row.blob(column) else { throw StoreError.corrupt("\(T.self)") }
        // Users are read most (ListUsers reads 61 a page): their own parser first, JSONDecoder if it declines.
        if T.self == User.self, let user = User.fromStoredJSON(bytes) { return user as! T }
        if T.self == RefreshTokenRecord.self, let family = RefreshTokenRecord.fromStoredJSON(bytes) { return family as! T }
        return try JSONDecoder().decode(T.self, from: Data(bytes))
    }

    /// Read-modify-write of one JSON document inside the writer's transaction: `body` sees the
    /// stored value, the result is written back; `StoreConflict.notFound` when the row is gone.
    /// `key` is the WHERE clause that `binds` fill, e.g. "pool_id = ? AND name = ?".
    func updateDocument<T: Codable & Sendable>(
        _ type: T.Type, table: String, key: String, _ binds: [SQLValue], _ body: @escaping @Sendable (inout T) throws -> Void
    ) async throws -> T {
        try await db.write { tx in
            guard let row = try tx.query("SELECT data FROM \(table) WHERE \(key)", binds).first else { throw StoreConflict.notFound }
            var value = try Self.decode(T.self, row)
            try body(&value)
            try tx.query("UPDATE \(table) SET data = ? WHERE \(key)", [try Self.encode(value)] + binds)
            return value
        }
    }

    func readOne<T: Decodable & Sendable>(_ type: T.Type, _ sql: String, _ binds: [SQLValue]) async throws -> T? {
        try await db.read { tx in try tx.query(sql, binds).first.map { try Self.decode(T.self, $0) } }
    }

    /// `readOne` by primary key through a decode cache.
    func readCached<T: Decodable & Sendable>(_ cache: DecodeCache<T>, _ key: String, _ sql: String) async throws -> T? {
        guard let bytes = try await db.read({ tx in try tx.query(sql, [.text(key)]).first?.blob(0) }) else { return nil }
        return try cache.value(key, bytes: bytes) { try JSONDecoder().decode(T.self, from: Data($0)) }
    }

    func readAll<T: Decodable & Sendable>(_ type: T.Type, _ sql: String, _ binds: [SQLValue]) async throws -> [T] {
        try await db.read { tx in try tx.query(sql, binds).map { try Self.decode(T.self, $0) } }
    }
}

// MARK: - Pools

extension SQLStore: PoolStore {
    public func createPool(_ pool: UserPool, keys: [StoredSigningKey]) async throws {
        let data = try Self.encode(pool)
        let keyRows = try keys.map { ($0.kid, try Self.encode($0)) }
        try await db.write { tx in
            try tx.query("INSERT INTO pools(id, data) VALUES (?, ?)", [.text(pool.id), data])
            for (kid, d) in keyRows {
                try tx.query("INSERT INTO signing_keys(pool_id, kid, data) VALUES (?, ?, ?)", [.text(pool.id), .text(kid), d])
            }
        }
    }

    public func pool(id: String) async throws -> UserPool? {
        try await readCached(pools, id, "SELECT data FROM pools WHERE id = ?")
    }

    public func updatePool(id: String, _ body: @escaping @Sendable (inout UserPool) throws -> Void) async throws -> UserPool {
        try await updateDocument(UserPool.self, table: "pools", key: "id = ?", [.text(id)], body)
    }

    public func deletePool(id: String) async throws {
        try await db.write { tx in
            for table in [
                "signing_keys", "clients", "users", "user_aliases", "user_search", "user_groups", "group_members", "codes", "refresh_tokens",
                "domains", "resource_servers", "ui_customizations", "authorization_codes", "hosted_sessions", "sign_in_failures", "devices", "auth_events",
                // Queued messages; one a node has claimed already may still go out.
                "outbox",
            ] {
                try tx.query("DELETE FROM \(table) WHERE pool_id = ?", [.text(id)])
            }
            try tx.query("DELETE FROM pools WHERE id = ?", [.text(id)])
        }
    }

    public func listPools(after: String?, limit: Int) async throws -> [UserPool] {
        try await readAll(UserPool.self, "SELECT data FROM pools WHERE id > ? ORDER BY id LIMIT ?", [.text(after ?? ""), .int(Int64(limit))])
    }

    public func userCount(poolId: String) async throws -> Int {
        try await db.read { tx in Int(try tx.query("SELECT COUNT(*) FROM users WHERE pool_id = ?", [.text(poolId)]).first?.int(0) ?? 0) }
    }

    public func signingKeys(poolId: String) async throws -> [StoredSigningKey] {
        try await readAll(StoredSigningKey.self, "SELECT data FROM signing_keys WHERE pool_id = ? ORDER BY kid", [.text(poolId)])
    }

    public func updateSigningKeys(poolId: String, _ body: @escaping @Sendable (inout [StoredSigningKey]) throws -> Void) async throws -> [StoredSigningKey] {
        try await db.write { tx in
            // Read in the transaction, so two rotations at once on different nodes serialize.
            guard try !tx.query("SELECT 1 FROM pools WHERE id = ?", [.text(poolId)]).isEmpty else { throw StoreConflict.notFound }
            let rows = try tx.query("SELECT data FROM signing_keys WHERE pool_id = ? ORDER BY kid", [.text(poolId)])
            let before = try rows.map { try Self.decode(StoredSigningKey.self, $0) }
            var keys = before
            try body(&keys)
            let old = Dictionary(uniqueKeysWithValues: before.map { ($0.kid, $0) })
            let kept = Set(keys.map(\.kid))
            for kid in old.keys where !kept.contains(kid) {
                try tx.query("DELETE FROM signing_keys WHERE pool_id = ? AND kid = ?", [.text(poolId), .text(kid)])
            }
            for key in keys where old[key.kid] != key {
                try tx.query(
                    "INSERT INTO signing_keys(pool_id, kid, data) VALUES (?, ?, ?) ON CONFLICT (pool_id, kid) DO UPDATE SET data = excluded.data",
                    [.text(poolId), .text(key.kid), try Self.encode(key)]
                )
            }
            return keys.sorted { $0.kid < $1.kid }
        }
    }
}

// MARK: - Clients

extension SQLStore: ClientStore {
    public func createClient(_ client: AppClient) async throws {
        let data = try Self.encode(client)
        try await db.write { tx in
            try tx.query("INSERT INTO clients(id, pool_id, data) VALUES (?, ?, ?)", [.text(client.id), .text(client.poolId), data])
        }
    }

    public func client(id: String) async throws -> AppClient? {
        try await readCached(clients, id, "SELECT data FROM clients WHERE id = ?")
    }

    public func updateClient(id: String, _ body: @escaping @Sendable (inout AppClient) throws -> Void) async throws -> AppClient {
        try await updateDocument(AppClient.self, table: "clients", key: "id = ?", [.text(id)], body)
    }

    public func deleteClient(id: String) async throws {
        try await db.write { tx in
            try tx.query("DELETE FROM ui_customizations WHERE pool_id = (SELECT pool_id FROM clients WHERE id = ?) AND client_id = ?", [.text(id), .text(id)])
            try tx.query("DELETE FROM clients WHERE id = ?", [.text(id)])
        }
    }

    public func listClients(poolId: String, after: String?, limit: Int) async throws -> [AppClient] {
        try await readAll(AppClient.self, "SELECT data FROM clients WHERE pool_id = ? AND id > ? ORDER BY id LIMIT ?", [.text(poolId), .text(after ?? ""), .int(Int64(limit))])
    }
}

// MARK: - Users

extension SQLStore: UserStore {
    public func createUser(_ user: User, code: VerificationCode?, messages: [OutboxEntry]) async throws {
        let columns = try Self.userColumns(user)
        let codeData = try code.map { ($0, try Self.encode($0)) }
        try await db.write { tx in
            try Self.insertUser(user, columns, tx)
            if let codeData { try Self.upsertCode(codeData.0, codeData.1, tx) }
            for entry in messages { try Self.insertOutbox(entry, tx) }
        }
    }

    /// Inserts many users in one transaction (bulk imports; the users must carry their index,
    /// see `Cognate.indexed`). All or none: a taken username or alias aborts the batch.
    ///
    /// Rows go in multi-row INSERTs of `importChunk` users: one statement per table and chunk
    /// instead of several per user, which on PostgreSQL is a round trip each (a million users
    /// took an hour one user at a time). The users are new, so there is no index to clear first.
    public func importUsers(_ users: [User]) async throws {
        let rows = try users.map { ($0, try Self.userColumns($0)) }
        try await db.write { tx in
            for start in stride(from: 0, to: rows.count, by: Self.importChunk) {
                let chunk = rows[start..<min(rows.count, start + Self.importChunk)]
                var userBinds: [SQLValue] = [], aliasBinds: [SQLValue] = [], searchBinds: [SQLValue] = []
                for (user, columns) in chunk {
                    let p = SQLValue.text(user.poolId), u = SQLValue.text(user.username)
                    userBinds += [p, u, .text(user.index.usernameKey), columns.data, columns.listing]
                    for alias in user.index.aliasKeys { aliasBinds += [p, .text(alias.attribute), .text(alias.value), u] }
                    for key in Set(user.index.searchKeys) { searchBinds += [p, .text(key.attribute), .text(key.value), u] }
                }
                try Self.insertNew(tx, Self.multiRow("users", "pool_id, username, username_key, data, listing", columns: 5, binds: userBinds), userBinds)
                if !aliasBinds.isEmpty {
                    try Self.insertNew(tx, Self.multiRow("user_aliases", "pool_id, attribute, value, username", columns: 4, binds: aliasBinds), aliasBinds,
                                       conflict: .aliasTaken("alias")) // which alias of the chunk is not known
                }
                if !searchBinds.isEmpty {
                    try tx.query(Self.multiRow("user_search", "pool_id, attribute, value, username", columns: 4, binds: searchBinds), searchBinds)
                }
            }
        }
    }

    /// Users per multi-row INSERT of an import: their binds stay far below SQLite's limit of
    /// 32,766 variables a statement (and PostgreSQL's 65,535), with a dozen search rows each.
    static let importChunk = 250

    /// An INSERT into `table` with as many `(?, …)` rows of `columns` as `binds` fills.
    static func multiRow(_ table: String, _ names: String, columns: Int, binds: [SQLValue]) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return "INSERT INTO \(table)(\(names)) VALUES " + Array(repeating: row, count: binds.count / columns).joined(separator: ", ")
    }

    /// A user's stored document and its ListUsers entry, encoded before the writer's turn.
    static func userColumns(_ user: User) throws -> (data: SQLValue, listing: SQLValue) {
        (try encode(user), .blob(user.listingJSON()))
    }

    /// A new user with its alias and search rows; a taken username or alias aborts the transaction.
    static func insertUser(_ user: User, _ columns: (data: SQLValue, listing: SQLValue), _ tx: any SQLTransaction) throws {
        try insertNew(tx, "INSERT INTO users(pool_id, username, username_key, data, listing) VALUES (?, ?, ?, ?, ?)",
                      [.text(user.poolId), .text(user.username), .text(user.index.usernameKey), columns.data, columns.listing])
        try writeIndex(user, tx)
    }

    /// An INSERT whose unique keys may be taken: a taken key throws `conflict`, not SQLite's error.
    static func insertNew(_ tx: any SQLTransaction, _ sql: String, _ binds: [SQLValue], conflict: StoreConflict = .alreadyExists) throws {
        do {
            try tx.query(sql, binds)
        } catch where SQLEngine.isConstraint(error) {
            throw conflict
        }
    }

    /// Rewrites a user's alias and search rows. A taken alias aborts the transaction.
    static func writeIndex(_ user: User, _ tx: any SQLTransaction) throws {
        let p = SQLValue.text(user.poolId), u = SQLValue.text(user.username)
        try tx.query("DELETE FROM user_aliases WHERE pool_id = ? AND username = ?", [p, u])
        try tx.query("DELETE FROM user_search WHERE pool_id = ? AND username = ?", [p, u])
        for alias in user.index.aliasKeys {
            try Self.insertNew(tx, "INSERT INTO user_aliases(pool_id, attribute, value, username) VALUES (?, ?, ?, ?)", [p, .text(alias.attribute), .text(alias.value), u], conflict: .aliasTaken(alias.attribute))
        }
        for key in Set(user.index.searchKeys) {
            try tx.query("INSERT INTO user_search(pool_id, attribute, value, username) VALUES (?, ?, ?, ?)", [p, .text(key.attribute), .text(key.value), u])
        }
    }

    public func user(poolId: String, usernameKey: String) async throws -> User? {
        try await readOne(User.self, "SELECT data FROM users WHERE pool_id = ? AND username_key = ?", [.text(poolId), .text(usernameKey)])
    }

    public func user(poolId: String, aliasAttribute: String, value: String) async throws -> User? {
        try await readOne(User.self, """
            SELECT u.data FROM user_aliases a JOIN users u ON u.pool_id = a.pool_id AND u.username = a.username
            WHERE a.pool_id = ? AND a.attribute = ? AND a.value = ?
            """, [.text(poolId), .text(aliasAttribute), .text(value)])
    }

    public func updateUser(poolId: String, username: String, _ body: @escaping @Sendable (inout User) throws -> Void) async throws -> User {
                try await db.write { tx in
            guard let row = try tx.query("SELECT data FROM users WHERE pool_id = ? AND username = ?", [.text(poolId), .text(username)]).first else {
                throw StoreConflict.notFound
            }
            var user = try Self.decode(User.self, row)
            try body(&user)
            let columns = try Self.userColumns(user)
            try tx.query("UPDATE users SET data = ?, username_key = ?, listing = ? WHERE pool_id = ? AND username = ?",
                         [columns.data, .text(user.index.usernameKey), columns.listing, .text(poolId), .text(username)])
            try Self.writeIndex(user, tx)
            return user
        }
    }

    public func deleteUser(poolId: String, username: String) async throws {
        try await db.write { tx in
            let p = SQLValue.text(poolId), u = SQLValue.text(username)
            for table in [
                "user_aliases", "user_search", "codes", "refresh_tokens", "authorization_codes", "hosted_sessions", "sign_in_failures", "devices", "auth_events",
            ] {
                try tx.query("DELETE FROM \(table) WHERE pool_id = ? AND username = ?", [p, u])
            }
            try tx.query("DELETE FROM group_members WHERE pool_id = ? AND username = ?", [p, u])
            try tx.query("DELETE FROM users WHERE pool_id = ? AND username = ?", [p, u])
        }
    }

    public func searchUsers(poolId: String, attribute: String, value: String, prefix: Bool, after: SearchCursor?, limit: Int) async throws -> [ListedUser] {
        guard let (sql, binds) = Self.searchStatement(poolId: poolId, attribute: attribute, value: value, prefix: prefix, after: after, limit: limit)
        else { return [] }
        return try await db.read { tx in
            try tx.query(sql, binds).map { row in
                guard let value = row.text(0), let username = row.text(1) else { throw StoreError.corrupt("user_search") }
                // A user last written before migration 7 has no listing: made from the user itself.
                let listing = try row.blob(2) ?? Self.decode(User.self, row, 3).listingJSON()
                return ListedUser(username: username, searchValue: value, listing: listing)
            }
        }
    }

    /// The page of matches after `after`, seeking the index straight to where the page starts.
    /// (A range from the prefix with the cursor as a filter on top made every page walk every
    /// match before it: O(position), 21 ms a page 190,000 users in.) Nil when nothing can
    /// follow the cursor. SQLite compares text as UTF-8 bytes, so the bounds are chosen in
    /// byte order, not by Swift's `<` on String (canonical equivalence).
    static func searchStatement(
        poolId: String, attribute: String, value: String, prefix: Bool, after: SearchCursor?, limit: Int
    ) -> (String, [SQLValue])? {
        let cursor = after ?? SearchCursor(value: "", username: "")
        // The stored user only for a row without a listing (see `searchUsers`).
        let select = "SELECT s.value, s.username, u.listing, CASE WHEN u.listing IS NULL THEN u.data END FROM user_search s JOIN users u ON u.pool_id = s.pool_id AND u.username = s.username WHERE s.pool_id = ? AND s.attribute = ?"
        let order = " ORDER BY s.value, s.username LIMIT ?"
        var binds: [SQLValue] = [.text(poolId), .text(attribute)]
        if prefix {
            // Strictly after max((value, ""), cursor): no username is empty, so (value, "") keeps
            // every match of the prefix.
            let start = bytesPrecede(cursor.value, value) ? (value, "") : (cursor.value, cursor.username)
            var sql = select + " AND (s.value, s.username) > (?, ?)"
            binds += [.text(start.0), .text(start.1)]
            if let upper = prefixSuccessor(value) {
                sql += " AND s.value < ?"
                binds.append(.text(upper))
            }
            return (sql + order, binds + [.int(Int64(limit))])
        }
        // One value: the page starts after the cursor's username when the cursor is on it.
        if bytesPrecede(value, cursor.value) { return nil }
        let after = cursor.value.utf8.elementsEqual(value.utf8) ? cursor.username : ""
        binds += [.text(value), .text(after), .int(Int64(limit))]
        return (select + " AND s.value = ? AND s.username > ?" + order, binds)
    }

    static func bytesPrecede(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// The least string above every string that starts with `prefix`: the prefix with its last
    /// scalar incremented (trailing U+10FFFF dropped). Exact because the index compares text as
    /// UTF-8 bytes, whose order is code-point order. Appending U+10FFFF as an inclusive bound
    /// instead would miss values that continue past a U+10FFFF right after the prefix.
    static func prefixSuccessor(_ prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            let next = last.value == 0xD7FF ? 0xE000 : last.value + 1  // skip the surrogates
            if let scalar = Unicode.Scalar(next) {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars)
                view.append(scalar)
                return String(view)
            }
        }
        return nil
    }
}

// MARK: - Groups

extension SQLStore: GroupStore {
    public func createGroup(_ group: GroupType) async throws {
        let data = try Self.encode(group)
        try await db.write { tx in
            try Self.insertNew(tx, "INSERT INTO user_groups(pool_id, name, data) VALUES (?, ?, ?)", [.text(group.userPoolId ?? ""), .text(group.groupName ?? ""), data])
        }
    }

    public func group(poolId: String, name: String) async throws -> GroupType? {
        try await readOne(GroupType.self, "SELECT data FROM user_groups WHERE pool_id = ? AND name = ?", [.text(poolId), .text(name)])
    }

    public func updateGroup(poolId: String, name: String, _ body: @escaping @Sendable (inout GroupType) throws -> Void) async throws -> GroupType {
        try await updateDocument(GroupType.self, table: "user_groups", key: "pool_id = ? AND name = ?", [.text(poolId), .text(name)], body)
    }

    public func deleteGroup(poolId: String, name: String) async throws {
        try await db.write { tx in
            try tx.query("DELETE FROM group_members WHERE pool_id = ? AND group_name = ?", [.text(poolId), .text(name)])
            try tx.query("DELETE FROM user_groups WHERE pool_id = ? AND name = ?", [.text(poolId), .text(name)])
        }
    }

    public func listGroups(poolId: String, after: String?, limit: Int) async throws -> [GroupType] {
        try await readAll(GroupType.self, "SELECT data FROM user_groups WHERE pool_id = ? AND name > ? ORDER BY name LIMIT ?", [.text(poolId), .text(after ?? ""), .int(Int64(limit))])
    }

    public func addMember(poolId: String, group: String, username: String) async throws {
        try await db.write { tx in
            try tx.query("INSERT INTO group_members(pool_id, group_name, username) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [.text(poolId), .text(group), .text(username)])
        }
    }

    public func removeMember(poolId: String, group: String, username: String) async throws {
        try await db.write { tx in
            try tx.query("DELETE FROM group_members WHERE pool_id = ? AND group_name = ? AND username = ?", [.text(poolId), .text(group), .text(username)])
        }
    }

    public func groups(poolId: String, username: String) async throws -> [GroupType] {
        try await readAll(GroupType.self, """
            SELECT g.data FROM group_members m JOIN user_groups g ON g.pool_id = m.pool_id AND g.name = m.group_name
            WHERE m.pool_id = ? AND m.username = ? ORDER BY g.name
            """, [.text(poolId), .text(username)])
    }

    public func members(poolId: String, group: String, after: String?, limit: Int) async throws -> [String] {
        try await db.read { tx in
            try tx.query("SELECT username FROM group_members WHERE pool_id = ? AND group_name = ? AND username > ? ORDER BY username LIMIT ?",
                         [.text(poolId), .text(group), .text(after ?? ""), .int(Int64(limit))]).compactMap { $0.text(0) }
        }
    }
}

// MARK: - Codes, tokens, settings

extension SQLStore: CodeStore {
    public func putCode(_ code: VerificationCode) async throws {
        let data = try Self.encode(code)
        try await db.write { tx in try Self.upsertCode(code, data, tx) }
    }

    /// The user's code for its purpose, replacing the one before.
    static func upsertCode(_ code: VerificationCode, _ data: SQLValue, _ tx: any SQLTransaction) throws {
        try tx.query("INSERT INTO codes(pool_id, username, purpose, data) VALUES (?, ?, ?, ?) ON CONFLICT (pool_id, username, purpose) DO UPDATE SET data = excluded.data",
                     [.text(code.poolId), .text(code.username), .text(code.purpose.rawValue), data])
    }

    public func code(poolId: String, username: String, purpose: CodePurpose) async throws -> VerificationCode? {
        try await readOne(VerificationCode.self, "SELECT data FROM codes WHERE pool_id = ? AND username = ? AND purpose = ?", [.text(poolId), .text(username), .text(purpose.rawValue)])
    }

    public func attemptCode(poolId: String, username: String, purpose: CodePurpose) async throws -> VerificationCode? {
        try await db.write { tx in
            let binds: [SQLValue] = [.text(poolId), .text(username), .text(purpose.rawValue)]
            guard let row = try tx.query("SELECT data FROM codes WHERE pool_id = ? AND username = ? AND purpose = ?", binds).first else { return nil }
            let before = try Self.decode(VerificationCode.self, row)
            var counted = before
            counted.failedAttempts += 1
            try tx.query("UPDATE codes SET data = ? WHERE pool_id = ? AND username = ? AND purpose = ?", [try Self.encode(counted)] + binds)
            return before
        }
    }

    @discardableResult
    public func deleteCode(poolId: String, username: String, purpose: CodePurpose) async throws -> Bool {
        try await db.write { tx in
            try tx.query("DELETE FROM codes WHERE pool_id = ? AND username = ? AND purpose = ?", [.text(poolId), .text(username), .text(purpose.rawValue)])
            return tx.changes > 0
        }
    }
}

extension SQLStore: TokenStore {
    /// How long a family is kept after its refresh token expires: access and ID tokens are
    /// checked against their family (revocation) and live at most a day, so a family goes only
    /// once every token minted from it has expired.
    static let familyRetention: Double = 2 * 86400

    public func putRefreshToken(_ record: RefreshTokenRecord) async throws {
        let data = try Self.encode(record), purge = familyPurge.due(at: record.issuedAt)
        try await db.write { tx in try Self.insertFamily(record, data, purge: purge, tx) }
    }

    public func putRefreshToken(_ record: RefreshTokenRecord, spending marker: OnceMarker) async throws -> Bool {
        let data = try Self.encode(record), purge = familyPurge.due(at: record.issuedAt), purgeMarkers = markerPurgeBound()
        return try await db.write { tx in
            guard try Self.spend(marker, purgeBefore: purgeMarkers, tx) else { return false }
            try Self.insertFamily(record, data, purge: purge, tx)
            return true
        }
    }

    static func insertFamily(_ record: RefreshTokenRecord, _ data: SQLValue, purge: Bool, _ tx: any SQLTransaction) throws {
        // The index makes each purge a range delete.
        if purge {
            try tx.query("DELETE FROM refresh_tokens WHERE expires_at < ?", [.double(record.issuedAt - familyRetention)])
        }
        try tx.query("INSERT INTO refresh_tokens(origin_jti, token_hash, pool_id, username, revoked, data, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     [.text(record.originJti), .blob(record.tokenHash), .text(record.poolId), .text(record.username), .int(record.revoked ? 1 : 0), data,
                      .double(record.expiresAt)])
    }

    private func family(_ sql: String, _ bind: SQLValue) async throws -> RefreshTokenRecord? {
        try await db.read { tx in
            guard let row = try tx.query(sql, [bind]).first else { return nil }
            var r = try Self.decode(RefreshTokenRecord.self, row)
            r.revoked = row.int(1) == 1
            return r
        }
    }

    public func refreshToken(hash: [UInt8]) async throws -> RefreshTokenRecord? {
        try await family("SELECT data, revoked FROM refresh_tokens WHERE token_hash = ?", .blob(hash))
    }

    public func refreshFamily(originJti: String) async throws -> RefreshTokenRecord? {
        try await family("SELECT data, revoked FROM refresh_tokens WHERE origin_jti = ?", .text(originJti))
    }

    /// One column instead of the whole record: every access-token check asks this.
    public func familyRevoked(originJti: String) async throws -> Bool? {
        try await db.read { tx in try tx.query("SELECT revoked FROM refresh_tokens WHERE origin_jti = ?", [.text(originJti)]).first.map { $0.int(0) == 1 } }
    }

    public func revokeFamily(originJti: String) async throws {
        try await db.write { tx in
            try tx.query("UPDATE refresh_tokens SET revoked = 1 WHERE origin_jti = ?", [.text(originJti)])
        }
    }

    public func revokeAll(poolId: String, username: String) async throws {
        try await db.write { tx in
            try tx.query("UPDATE refresh_tokens SET revoked = 1 WHERE pool_id = ? AND username = ?", [.text(poolId), .text(username)])
        }
    }
}

extension SQLStore: LockoutStore {
    public func signInFailures(poolId: String, username: String) async throws -> SignInFailures? {
        try await db.read { tx in
            try tx.query("SELECT count, last_at FROM sign_in_failures WHERE pool_id = ? AND username = ?", [.text(poolId), .text(username)]).first.map {
                SignInFailures(count: Int($0.int(0) ?? 0), lastAt: $0.double(1) ?? 0)
            }
        }
    }

    public func recordSignInFailure(poolId: String, username: String, at: Double, resetBefore: Double) async throws -> SignInFailures {
        try await db.write { tx in
            let key: [SQLValue] = [.text(poolId), .text(username)]
            let last = try tx.query("SELECT count, last_at FROM sign_in_failures WHERE pool_id = ? AND username = ?", key).first
            var count = 1
            if let last, let previous = last.int(0), let when = last.double(1), when >= resetBefore { count = Int(previous) + 1 }
            try tx.query("DELETE FROM sign_in_failures WHERE pool_id = ? AND username = ?", key)
            try tx.query("INSERT INTO sign_in_failures(pool_id, username, count, last_at) VALUES (?, ?, ?, ?)", key + [.int(Int64(count)), .double(at)])
            return SignInFailures(count: count, lastAt: at)
        }
    }

    public func clearSignInFailures(poolId: String, username: String) async throws {
        try await db.write { tx in
            try tx.query("DELETE FROM sign_in_failures WHERE pool_id = ? AND username = ?", [.text(poolId), .text(username)])
        }
    }
}

extension SQLStore: SettingsStore, OnceStore {
    public func setting(_ key: String, orInsert value: [UInt8]) async throws -> [UInt8] {
        try await db.write { tx in
            try tx.query("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT DO NOTHING", [.text(key), .blob(value)])
            guard let stored = try tx.query("SELECT value FROM settings WHERE key = ?", [.text(key)]).first?.blob(0) else {
                throw StoreError.corrupt("setting \(key)")
            }
            return stored
        }
    }

    public func consumeOnce(id: [UInt8], expiresAt: Double) async throws -> Bool {
        let purge = markerPurgeBound()
        return try await db.write { tx in try Self.spend(OnceMarker(id: id, expiresAt: expiresAt), purgeBefore: purge, tx) }
    }

    public func isConsumed(id: [UInt8]) async throws -> Bool {
        try await db.read { tx in try !tx.query("SELECT 1 FROM once_markers WHERE id = ?", [.blob(id)]).isEmpty }
    }

    /// Markers are random per challenge and never asked for again once expired, so when they go
    /// is not observable: the purge runs at most once a minute, not on every sign-in. The bound
    /// to purge below when one is due, else nil.
    func markerPurgeBound() -> Double? {
        let now = Date().timeIntervalSince1970
        return markerPurge.due(at: now) ? now - 3600 : nil
    }

    /// Inserts the marker unless it is there; true when it was not.
    static func spend(_ marker: OnceMarker, purgeBefore: Double?, _ tx: any SQLTransaction) throws -> Bool {
        if let purgeBefore {
            try tx.query("DELETE FROM once_markers WHERE expires_at < ?", [.double(purgeBefore)])
        }
        try tx.query("INSERT INTO once_markers(id, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING", [.blob(marker.id), .double(marker.expiresAt)])
        return tx.changes == 1
    }
}

/// Says whether a purge is due: at most one a minute.
final class PurgeThrottle: Sendable {
    private let last = Mutex<Double>(-.infinity)

    func due(at now: Double) -> Bool {
        last.withLock { last in
            guard now - last >= 60 else { return false }
            last = now
            return true
        }
    }
}
