import CognateCore
@testable import CognateStore
import Testing

/// What only the SQLite file backend promises: data outlives the process, the schema is
/// migrated once and refused when newer, and several stores (nodes) on one file agree.
@Suite("SQLite file store")
struct SQLiteStoreTests {
    @Test("a pool written by one store is read by the next store on the same file")
    func durability() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.file("cognate.db")
        let pool = Fixture.pool("us-east-1_durable")
        let alice = Fixture.user(pool.id, "alice", email: "alice@example.com")
        do {
            let store = try SQLStore(path: path)
            try await store.createPool(pool, keys: [Fixture.key(pool.id, kid: "k1")])
            try await store.createUser(alice)
            _ = try await store.setting("session-key", orInsert: [1, 2, 3])
        }
        let reopened = try SQLStore(path: path)
        #expect(try await reopened.pool(id: pool.id) == pool)
        #expect(try await reopened.signingKeys(poolId: pool.id).map(\.kid) == ["k1"])
        #expect(try await reopened.user(poolId: pool.id, aliasAttribute: "email", value: "alice@example.com") == alice)
        #expect(try await reopened.setting("session-key", orInsert: [9]) == [1, 2, 3])
        // Unique indexes survive too.
        await #expect(throws: StoreConflict.alreadyExists) { try await reopened.createUser(alice) }
    }

    @Test("reopening does not re-run migrations")
    func migrationsIdempotent() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.file("cognate.db")
        do {
            let store = try SQLStore(path: path)
            try await store.createPool(Fixture.pool("p1"), keys: [])
        }
        for _ in 0..<3 {
            let store = try SQLStore(path: path)
            #expect(try await store.pool(id: "p1") != nil)
        }
        let db = try SQLiteDatabase(path: path)
        let rows = try db.read { try $0.query("SELECT COUNT(*), MAX(version) FROM schema_version", []) }
        #expect(rows.first?.int(0) == Int64(Migrations.all.count))
        #expect(rows.first?.int(1) == Int64(Migrations.all.count))
    }

    @Test("a database from a newer Cognate is refused with a clear error")
    func schemaTooNew() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.file("cognate.db")
        do {
            let store = try SQLStore(path: path)
            try await store.createPool(Fixture.pool("p1"), keys: [])
            _ = try await store.db.write { tx in
                try tx.query("INSERT INTO schema_version(version) VALUES (?)", [.int(Int64(Migrations.all.count + 41))])
            }
        }
        let newer = Migrations.all.count + 41
        do {
            _ = try SQLStore(path: path)
            Issue.record("a newer schema was accepted")
        } catch let error as StoreError {
            guard case .schemaTooNew(let found, let supported) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(found == newer)
            #expect(supported == Migrations.all.count)
            #expect(error.description.contains("version \(newer)"))
            #expect(error.description.contains("Upgrade Cognate"))
        }
        // Refusing did not touch the data.
        let db = try SQLiteDatabase(path: path)
        #expect(try db.read { try $0.query("SELECT COUNT(*) FROM pools", []) }.first?.int(0) == 1)
    }

    @Test("a user stored without a listing (before migration 7) is listed from its data, and gets one on its next write")
    func userWithoutListing() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try SQLStore(path: dir.file("cognate.db"))
        let alice = Fixture.user("p1", "alice", email: "alice@example.com", attributes: ["name": "Alice"])
        try await store.createUser(alice)
        let stored = { try await store.db.read { try $0.query("SELECT listing FROM users WHERE username = 'alice'", []) }.first?.blob(0) }
        #expect(try await stored() == alice.listingJSON())
        _ = try await store.db.write { try $0.query("UPDATE users SET listing = NULL", []) }
        #expect(try await stored() == nil)
        let listed = try await store.searchUsers(poolId: "p1", attribute: "name", value: "alice", prefix: false, after: nil, limit: 10)
        #expect(listed == [ListedUser(username: "alice", searchValue: "alice", listing: alice.listingJSON())])
        let renamed = try await store.updateUser(poolId: "p1", username: "alice") { $0.attributes["name"] = "Alicia" }
        #expect(try await stored() == renamed.listingJSON())
        #expect(renamed.listingJSON() != alice.listingJSON())
    }

    @Test("deleting a pool deletes its queued messages, not another pool's")
    func deletePoolDropsItsOutbox() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try SQLStore(path: dir.file("cognate.db"))
        for p in ["p1", "p2"] {
            try await store.createPool(Fixture.pool(p), keys: [])
            for i in 0..<3 {
                try await store.enqueueOutbox(OutboxEntry(id: "\(p)-\(i)", poolId: p, payload: [1, 2], createdAt: 1, nextAttemptAt: 1))
            }
        }
        try await store.deletePool(id: "p1")
        let left = try await store.claimOutbox(now: 10, lease: 60, limit: 100)
        #expect(left.map(\.id).sorted() == ["p2-0", "p2-1", "p2-2"])
    }

    @Test("the file is in WAL mode")
    func walMode() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try SQLStore(path: dir.file("cognate.db"))
        let mode = try await store.db.read { try $0.query("PRAGMA journal_mode", []) }.first?.text(0)
        #expect(mode?.lowercased() == "wal")
    }

    /// The purges run inside sign-ins: a scan there costs O(rows) per sign-in.
    @Test("every purge of expired rows finds them through an index")
    func purgesUseAnIndex() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try SQLStore(path: dir.file("cognate.db"))
        for table in ["once_markers", "authorization_codes", "hosted_sessions"] {
            let plan = try await store.db.read { try $0.query("EXPLAIN QUERY PLAN DELETE FROM \(table) WHERE expires_at < ?", [.double(0)]) }
                .compactMap { $0.text(3) }.joined(separator: "; ")
            #expect(plan.contains("USING") && plan.contains("INDEX") && plan.contains("expires_at<?"), "\(table): \(plan)")
        }
    }

    @Test("two stores on one file (two nodes) still let only one sign-up win")
    func twoNodes() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = dir.file("cognate.db")
        let a = try SQLStore(path: path), b = try SQLStore(path: path)
        let nodes: [SQLStore] = [a, b]

        let byName = await concurrently(20) { i in
            try await nodes[i % 2].createUser(Fixture.user("p1", "alice", email: "alice\(i)@example.com"))
        }
        let t1 = tally(byName, expecting: .alreadyExists)
        #expect(t1.successes == 1 && t1.conflicts == 19, "\(t1)")

        let byAlias = await concurrently(20) { i in
            try await nodes[i % 2].createUser(Fixture.user("p1", "user\(i)", email: "shared@example.com"))
        }
        let t2 = tally(byAlias, expecting: .aliasTaken("email"))
        #expect(t2.successes == 1 && t2.conflicts == 19, "\(t2)")

        let updates = await concurrently(20) { i in
            _ = try await nodes[i % 2].updateUser(poolId: "p1", username: "alice") { u in
                u.attributes["custom:count"] = String(Int(u.attributes["custom:count"] ?? "0")! + 1)
            }
        }
        #expect(tally(updates, expecting: .notFound).successes == 20)
        // Each node sees the other's writes.
        #expect(try await a.user(poolId: "p1", usernameKey: "alice")?.attributes["custom:count"] == "20")
        #expect(try await b.userCount(poolId: "p1") == 2)
    }
}

@Suite("Prefix ranges")
struct PrefixSuccessorTests {
    @Test("the successor bounds exactly the strings with the prefix")
    func successor() {
        #expect(SQLStore.prefixSuccessor("ann") == "ano")
        #expect(SQLStore.prefixSuccessor("a") == "b")
        #expect(SQLStore.prefixSuccessor("az") == "a{")
        #expect(SQLStore.prefixSuccessor("é") == "ê")
        #expect(SQLStore.prefixSuccessor("a\u{10FFFF}") == "b")
        #expect(SQLStore.prefixSuccessor("a\u{10FFFF}\u{10FFFF}") == "b")
        #expect(SQLStore.prefixSuccessor("\u{D7FF}") == "\u{E000}")
        #expect(SQLStore.prefixSuccessor("\u{10FFFF}") == nil)
        #expect(SQLStore.prefixSuccessor("") == nil)
    }
}
