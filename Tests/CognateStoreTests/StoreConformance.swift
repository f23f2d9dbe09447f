import CognateCore
import CognitoModel
import Testing

/// The storage conformance suite: every test is written once against `any CognateStorage` and
/// runs on every backend in `Backend.all`, each time on a fresh, empty store. The parts are in
/// `StoreConformance+*.swift` by port.
@Suite("Storage conformance")
struct StoreConformance {}

// MARK: - Pools

extension StoreConformance {
    @Test("a pool and its keys round-trip", arguments: Backend.all)
    func poolRoundTrip(_ backend: Backend) async throws {
        try await backend.run { store in
            let pool = Fixture.pool("us-east-1_aaa")
            let keys = [Fixture.key(pool.id, kid: "kid-b", purpose: .accessToken), Fixture.key(pool.id, kid: "kid-a")]
            try await store.createPool(pool, keys: keys)
            try await store.createPool(Fixture.pool("us-east-1_bbb"), keys: [Fixture.key("us-east-1_bbb", kid: "kid-c")])

            #expect(try await store.pool(id: pool.id) == pool)
            #expect(try await store.pool(id: "us-east-1_missing") == nil)
            // Keys come back ordered by kid, and only the pool's own.
            #expect(try await store.signingKeys(poolId: pool.id) == [keys[1], keys[0]])
            #expect(try await store.signingKeys(poolId: "us-east-1_bbb").map(\.kid) == ["kid-c"])
            #expect(try await store.signingKeys(poolId: "us-east-1_missing").isEmpty)
        }
    }

    @Test("creating a pool whose id is taken fails and keeps the first", arguments: Backend.all)
    func duplicatePool(_ backend: Backend) async throws {
        try await backend.run { store in
            let pool = Fixture.pool("us-east-1_aaa", name: "first")
            try await store.createPool(pool, keys: [Fixture.key(pool.id, kid: "k1")])
            await #expect(throws: (any Error).self) {
                try await store.createPool(Fixture.pool("us-east-1_aaa", name: "second"), keys: [Fixture.key(pool.id, kid: "k2")])
            }
            #expect(try await store.pool(id: pool.id)?.name == "first")
            #expect(try await store.signingKeys(poolId: pool.id).map(\.kid) == ["k1"])
        }
    }

    @Test("updatePool saves what the body did and returns it", arguments: Backend.all)
    func updatePool(_ backend: Backend) async throws {
        try await backend.run { store in
            let pool = Fixture.pool("us-east-1_aaa")
            try await store.createPool(pool, keys: [])
            let updated = try await store.updatePool(id: pool.id) { p in
                p.type.name = "renamed"
                p.type.mfaConfiguration = "OPTIONAL"
                p.type.userPoolTags?["env"] = "prod"
            }
            #expect(updated.name == "renamed")
            #expect(updated.type.mfaConfiguration == "OPTIONAL")
            #expect(updated.type.userPoolTags == ["team": "identity", "env": "prod"])
            #expect(try await store.pool(id: pool.id) == updated)
        }
    }

    @Test("updatePool on a missing pool throws notFound", arguments: Backend.all)
    func updateMissingPool(_ backend: Backend) async throws {
        try await backend.run { store async throws in
            await #expect(throws: StoreConflict.notFound) {
                _ = try await store.updatePool(id: "us-east-1_missing") { $0.type.name = "x" }
            }
            #expect(try await store.pool(id: "us-east-1_missing") == nil)
        }
    }

    @Test("a throwing updatePool body changes nothing", arguments: Backend.all)
    func updatePoolRefused(_ backend: Backend) async throws {
        try await backend.run { store in
            let pool = Fixture.pool("us-east-1_aaa")
            try await store.createPool(pool, keys: [])
            await #expect(throws: Refused()) {
                _ = try await store.updatePool(id: pool.id) { p in
                    p.type.name = "half-done"
                    throw Refused()
                }
            }
            #expect(try await store.pool(id: pool.id) == pool)
        }
    }

    @Test("listPools pages in id order", arguments: Backend.all)
    func listPools(_ backend: Backend) async throws {
        try await backend.run { store in
            let ids = ["us-west-2_ccc", "eu-west-1_zzz", "us-east-1_AAA", "us-east-1_aaa", "ap-south-1_x", "us-east-1_bbb", "eu-west-1_aaa"]
            for id in ids { try await store.createPool(Fixture.pool(id), keys: []) }
            let sorted = ids.sorted()

            #expect(try await store.listPools(after: nil, limit: 100).map(\.id) == sorted)
            #expect(try await store.listPools(after: nil, limit: 3).map(\.id) == Array(sorted.prefix(3)))
            #expect(try await store.listPools(after: sorted[2], limit: 2).map(\.id) == Array(sorted[3..<5]))
            #expect(try await store.listPools(after: sorted.last, limit: 10).isEmpty)
            // `after` need not be an existing id.
            #expect(try await store.listPools(after: "us-east-1_b", limit: 10).map(\.id) == sorted.filter { $0 > "us-east-1_b" })

            for size in [1, 2, 3, 7] {
                var seen: [String] = []
                var after: String?
                while true {
                    let page = try await store.listPools(after: after, limit: size)
                    #expect(page.count <= size)
                    seen += page.map(\.id)
                    guard page.count == size, let last = page.last else { break }
                    after = last.id
                }
                #expect(seen == sorted, "page size \(size)")
            }
        }
    }

    @Test("userCount counts the pool's users only", arguments: Backend.all)
    func userCount(_ backend: Backend) async throws {
        try await backend.run { store in
            try await store.createPool(Fixture.pool("p1"), keys: [])
            try await store.createPool(Fixture.pool("p2"), keys: [])
            #expect(try await store.userCount(poolId: "p1") == 0)
            for name in ["a", "b", "c"] { try await store.createUser(Fixture.user("p1", name)) }
            try await store.createUser(Fixture.user("p2", "a"))
            #expect(try await store.userCount(poolId: "p1") == 3)
            #expect(try await store.userCount(poolId: "p2") == 1)
            try await store.deleteUser(poolId: "p1", username: "b")
            #expect(try await store.userCount(poolId: "p1") == 2)
        }
    }

    @Test("deletePool removes everything of that pool and nothing of another", arguments: Backend.all)
    func deletePool(_ backend: Backend) async throws {
        try await backend.run { store in
            for p in ["p1", "p2"] {
                try await store.createPool(Fixture.pool(p), keys: [Fixture.key(p, kid: "kid-\(p)")])
                try await store.createClient(Fixture.client("client-\(p)", pool: p))
                try await store.createUser(Fixture.user(p, "alice", email: "alice@example.com", attributes: ["name": "Alice"]))
                try await store.createGroup(Fixture.group(p, "admins"))
                try await store.addMember(poolId: p, group: "admins", username: "alice")
                try await store.putCode(Fixture.code(p, "alice", .signUp))
                try await store.putRefreshToken(Fixture.token(p, "alice", jti: "jti-\(p)"))
            }

            try await store.deletePool(id: "p1")

            #expect(try await store.pool(id: "p1") == nil)
            #expect(try await store.signingKeys(poolId: "p1").isEmpty)
            #expect(try await store.client(id: "client-p1") == nil)
            #expect(try await store.listClients(poolId: "p1", after: nil, limit: 10).isEmpty)
            #expect(try await store.user(poolId: "p1", usernameKey: "alice") == nil)
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "alice@example.com") == nil)
            #expect(try await store.searchUsers(poolId: "p1", attribute: "name", value: "", prefix: true, after: nil, limit: 10).isEmpty)
            #expect(try await store.userCount(poolId: "p1") == 0)
            #expect(try await store.group(poolId: "p1", name: "admins") == nil)
            #expect(try await store.listGroups(poolId: "p1", after: nil, limit: 10).isEmpty)
            #expect(try await store.members(poolId: "p1", group: "admins", after: nil, limit: 10).isEmpty)
            #expect(try await store.groups(poolId: "p1", username: "alice").isEmpty)
            #expect(try await store.code(poolId: "p1", username: "alice", purpose: .signUp) == nil)
            #expect(try await store.refreshFamily(originJti: "jti-p1") == nil)
            #expect(try await store.refreshToken(hash: Array("hash-jti-p1".utf8)) == nil)
            #expect(try await store.listPools(after: nil, limit: 10).map(\.id) == ["p2"])

            // The other pool is whole.
            #expect(try await store.pool(id: "p2") != nil)
            #expect(try await store.signingKeys(poolId: "p2").map(\.kid) == ["kid-p2"])
            #expect(try await store.client(id: "client-p2") != nil)
            #expect(try await store.user(poolId: "p2", usernameKey: "alice")?.username == "alice")
            #expect(try await store.user(poolId: "p2", aliasAttribute: "email", value: "alice@example.com")?.username == "alice")
            #expect(try await store.searchUsers(poolId: "p2", attribute: "name", value: "", prefix: true, after: nil, limit: 10).map(\.username) == ["alice"])
            #expect(try await store.groups(poolId: "p2", username: "alice").map(\.groupName) == ["admins"])
            #expect(try await store.members(poolId: "p2", group: "admins", after: nil, limit: 10) == ["alice"])
            #expect(try await store.code(poolId: "p2", username: "alice", purpose: .signUp) != nil)
            #expect(try await store.refreshFamily(originJti: "jti-p2") != nil)

            // Nothing of the deleted pool lingers to block a new pool with the same id.
            try await store.createPool(Fixture.pool("p1"), keys: [Fixture.key("p1", kid: "kid-p1")])
            try await store.createUser(Fixture.user("p1", "alice", email: "alice@example.com"))
            try await store.createGroup(Fixture.group("p1", "admins"))
            #expect(try await store.members(poolId: "p1", group: "admins", after: nil, limit: 10).isEmpty)
            #expect(try await store.signingKeys(poolId: "p1").count == 1)
        }
    }
}

// MARK: - Clients

extension StoreConformance {
    @Test("clients: create, get, update, delete", arguments: Backend.all)
    func clientCRUD(_ backend: Backend) async throws {
        try await backend.run { store in
            try await store.createPool(Fixture.pool("p1"), keys: [])
            let client = Fixture.client("client-1", pool: "p1", secret: [0, 1, 2, 250, 255])
            try await store.createClient(client)
            #expect(try await store.client(id: "client-1") == client)
            #expect(try await store.client(id: "client-2") == nil)

            let updated = try await store.updateClient(id: "client-1") { c in
                c.type.clientName = "renamed"
                c.type.explicitAuthFlows = ["ALLOW_USER_PASSWORD_AUTH"]
                c.sealedSecret = nil
            }
            #expect(updated.type.clientName == "renamed")
            #expect(updated.sealedSecret == nil)
            #expect(try await store.client(id: "client-1") == updated)

            await #expect(throws: Refused()) {
                _ = try await store.updateClient(id: "client-1") { c in
                    c.type.clientName = "half-done"
                    throw Refused()
                }
            }
            #expect(try await store.client(id: "client-1") == updated)

            await #expect(throws: StoreConflict.notFound) {
                _ = try await store.updateClient(id: "client-missing") { $0.type.clientName = "x" }
            }

            try await store.deleteClient(id: "client-1")
            #expect(try await store.client(id: "client-1") == nil)
            // Deleting what is not there is not an error.
            try await store.deleteClient(id: "client-1")
        }
    }

    @Test("creating a client whose id is taken fails and keeps the first", arguments: Backend.all)
    func duplicateClient(_ backend: Backend) async throws {
        try await backend.run { store in
            try await store.createPool(Fixture.pool("p1"), keys: [])
            try await store.createClient(Fixture.client("client-1", pool: "p1", name: "first"))
            await #expect(throws: (any Error).self) {
                try await store.createClient(Fixture.client("client-1", pool: "p1", name: "second"))
            }
            #expect(try await store.client(id: "client-1")?.type.clientName == "first")
        }
    }

    @Test("listClients pages a pool's clients in id order", arguments: Backend.all)
    func listClients(_ backend: Backend) async throws {
        try await backend.run { store in
            try await store.createPool(Fixture.pool("p1"), keys: [])
            try await store.createPool(Fixture.pool("p2"), keys: [])
            let ids = ["7kq", "1ab", "zz9", "3cd", "AAA", "5ef"]
            for id in ids { try await store.createClient(Fixture.client(id, pool: "p1")) }
            try await store.createClient(Fixture.client("2xx", pool: "p2"))
            let sorted = ids.sorted()

            #expect(try await store.listClients(poolId: "p1", after: nil, limit: 60).map(\.id) == sorted)
            #expect(try await store.listClients(poolId: "p2", after: nil, limit: 60).map(\.id) == ["2xx"])
            #expect(try await store.listClients(poolId: "p3", after: nil, limit: 60).isEmpty)
            #expect(try await store.listClients(poolId: "p1", after: sorted[1], limit: 2).map(\.id) == Array(sorted[2..<4]))

            var seen: [String] = []
            var after: String?
            repeat {
                let page = try await store.listClients(poolId: "p1", after: after, limit: 4)
                seen += page.map(\.id)
                after = page.count == 4 ? page.last?.id : nil
            } while after != nil
            #expect(seen == sorted)
        }
    }
}

// MARK: - Groups

extension StoreConformance {
    @Test("groups: create, get, update, delete", arguments: Backend.all)
    func groupCRUD(_ backend: Backend) async throws {
        try await backend.run { store in
            let group = Fixture.group("p1", "admins", precedence: 1)
            try await store.createGroup(group)
            #expect(try await store.group(poolId: "p1", name: "admins") == group)
            #expect(try await store.group(poolId: "p2", name: "admins") == nil)
            #expect(try await store.group(poolId: "p1", name: "Admins") == nil)

            let updated = try await store.updateGroup(poolId: "p1", name: "admins") { g in
                g.description = "changed"
                g.precedence = 5
            }
            #expect(updated.description == "changed")
            #expect(updated.precedence == 5)
            #expect(try await store.group(poolId: "p1", name: "admins") == updated)

            await #expect(throws: Refused()) {
                _ = try await store.updateGroup(poolId: "p1", name: "admins") { g in
                    g.precedence = 99
                    throw Refused()
                }
            }
            #expect(try await store.group(poolId: "p1", name: "admins") == updated)
            await #expect(throws: StoreConflict.notFound) {
                _ = try await store.updateGroup(poolId: "p1", name: "missing") { $0.precedence = 1 }
            }

            try await store.deleteGroup(poolId: "p1", name: "admins")
            #expect(try await store.group(poolId: "p1", name: "admins") == nil)
        }
    }

    @Test("a group name is unique per pool", arguments: Backend.all)
    func duplicateGroup(_ backend: Backend) async throws {
        try await backend.run { store in
            try await store.createGroup(Fixture.group("p1", "admins", description: "first"))
            await #expect(throws: StoreConflict.alreadyExists) {
                try await store.createGroup(Fixture.group("p1", "admins", description: "second"))
            }
            #expect(try await store.group(poolId: "p1", name: "admins")?.description == "first")
            // The same name in another pool, or in another case, is another group.
            try await store.createGroup(Fixture.group("p2", "admins"))
            try await store.createGroup(Fixture.group("p1", "Admins"))
            #expect(try await store.listGroups(poolId: "p1", after: nil, limit: 10).map(\.groupName) == ["Admins", "admins"])
        }
    }

    @Test("listGroups pages a pool's groups in name order", arguments: Backend.all)
    func listGroups(_ backend: Backend) async throws {
        try await backend.run { store in
            let names = ["readers", "admins", "writers", "auditors", "editors"]
            for n in names { try await store.createGroup(Fixture.group("p1", n)) }
            try await store.createGroup(Fixture.group("p2", "others"))
            let sorted = names.sorted()
            #expect(try await store.listGroups(poolId: "p1", after: nil, limit: 60).map(\.groupName) == sorted)
            #expect(try await store.listGroups(poolId: "p1", after: nil, limit: 2).map(\.groupName) == Array(sorted.prefix(2)))
            #expect(try await store.listGroups(poolId: "p1", after: sorted[1], limit: 2).map(\.groupName) == Array(sorted[2..<4]))
            #expect(try await store.listGroups(poolId: "p1", after: sorted[4], limit: 2).isEmpty)
            #expect(try await store.listGroups(poolId: "p2", after: nil, limit: 60).map(\.groupName) == ["others"])
        }
    }

    @Test("members: add is idempotent, remove, list with paging, groups of a user", arguments: Backend.all)
    func members(_ backend: Backend) async throws {
        try await backend.run { store in
            for g in ["admins", "readers", "writers"] { try await store.createGroup(Fixture.group("p1", g)) }
            try await store.createGroup(Fixture.group("p2", "admins"))
            let users = ["dave", "alice", "erin", "carol", "bob"]
            for u in users { try await store.addMember(poolId: "p1", group: "readers", username: u) }
            try await store.addMember(poolId: "p1", group: "readers", username: "alice")
            try await store.addMember(poolId: "p1", group: "writers", username: "alice")
            try await store.addMember(poolId: "p1", group: "admins", username: "alice")
            try await store.addMember(poolId: "p2", group: "admins", username: "bob")

            let sorted = users.sorted()
            #expect(try await store.members(poolId: "p1", group: "readers", after: nil, limit: 60) == sorted)
            #expect(try await store.members(poolId: "p1", group: "readers", after: nil, limit: 2) == ["alice", "bob"])
            #expect(try await store.members(poolId: "p1", group: "readers", after: "bob", limit: 2) == ["carol", "dave"])
            #expect(try await store.members(poolId: "p1", group: "readers", after: "dave", limit: 2) == ["erin"])
            #expect(try await store.members(poolId: "p1", group: "readers", after: "erin", limit: 2).isEmpty)
            #expect(try await store.members(poolId: "p1", group: "admins", after: nil, limit: 60) == ["alice"])
            #expect(try await store.members(poolId: "p2", group: "admins", after: nil, limit: 60) == ["bob"])

            #expect(try await store.groups(poolId: "p1", username: "alice").map(\.groupName) == ["admins", "readers", "writers"])
            #expect(try await store.groups(poolId: "p1", username: "alice").first == Fixture.group("p1", "admins"))
            #expect(try await store.groups(poolId: "p1", username: "bob").map(\.groupName) == ["readers"])
            #expect(try await store.groups(poolId: "p2", username: "bob").map(\.groupName) == ["admins"])
            #expect(try await store.groups(poolId: "p1", username: "nobody").isEmpty)

            try await store.removeMember(poolId: "p1", group: "readers", username: "carol")
            try await store.removeMember(poolId: "p1", group: "readers", username: "carol")
            #expect(try await store.members(poolId: "p1", group: "readers", after: nil, limit: 60) == ["alice", "bob", "dave", "erin"])
            #expect(try await store.groups(poolId: "p1", username: "carol").isEmpty)

            // Deleting a group drops its memberships, and only its own.
            try await store.deleteGroup(poolId: "p1", name: "writers")
            #expect(try await store.groups(poolId: "p1", username: "alice").map(\.groupName) == ["admins", "readers"])
            #expect(try await store.members(poolId: "p1", group: "writers", after: nil, limit: 60).isEmpty)
            try await store.createGroup(Fixture.group("p1", "writers"))
            #expect(try await store.members(poolId: "p1", group: "writers", after: nil, limit: 60).isEmpty)
        }
    }
}

// MARK: - Codes

extension StoreConformance {
    @Test("codes: put replaces, get, attempts, delete", arguments: Backend.all)
    func codes(_ backend: Backend) async throws {
        try await backend.run { store in
            let first = Fixture.code("p1", "alice", .signUp, hash: [1, 1, 1])
            try await store.putCode(first)
            #expect(try await store.code(poolId: "p1", username: "alice", purpose: .signUp) == first)
            #expect(try await store.code(poolId: "p1", username: "alice", purpose: .forgotPassword) == nil)
            #expect(try await store.code(poolId: "p1", username: "bob", purpose: .signUp) == nil)
            #expect(try await store.code(poolId: "p2", username: "alice", purpose: .signUp) == nil)

            // An attempt answers the code as it was before it.
            #expect(try await store.attemptCode(poolId: "p1", username: "alice", purpose: .signUp) == first)
            #expect(try await store.attemptCode(poolId: "p1", username: "alice", purpose: .signUp)?.failedAttempts == 1)
            #expect(try await store.code(poolId: "p1", username: "alice", purpose: .signUp)?.failedAttempts == 2)
            #expect(try await store.code(poolId: "p1", username: "alice", purpose: .signUp)?.codeHash == [1, 1, 1])

            // A new code replaces the old one, attempts and all.
            let second = Fixture.code("p1", "alice", .signUp, hash: [2, 2, 2])
            try await store.putCode(second)
            #expect(try await store.code(poolId: "p1", username: "alice", purpose: .signUp) == second)

            // Purposes are separate.
            let verify = Fixture.code("p1", "alice", .verifyAttribute("email"), hash: [3])
            let reset = Fixture.code("p1", "alice", .forgotPassword, hash: [4])
            try await store.putCode(verify)
            try await store.putCode(reset)
            _ = try await store.attemptCode(poolId: "p1", username: "alice", purpose: .forgotPassword)
            #expect(try await store.code(poolId: "p1", username: "alice", purpose: .verifyAttribute("email")) == verify)
            #expect(try await store.code(poolId: "p1", username: "alice", purpose: .verifyAttribute("phone_number")) == nil)
            #expect(try await store.code(poolId: "p1", username: "alice", purpose: .signUp)?.failedAttempts == 0)
            #expect(try await store.code(poolId: "p1", username: "alice", purpose: .forgotPassword)?.failedAttempts == 1)

            // An attempt on no code is not an error and creates nothing.
            #expect(try await store.attemptCode(poolId: "p1", username: "bob", purpose: .signUp) == nil)
            #expect(try await store.code(poolId: "p1", username: "bob", purpose: .signUp) == nil)

            #expect(try await store.deleteCode(poolId: "p1", username: "alice", purpose: .signUp))
            #expect(try await store.code(poolId: "p1", username: "alice", purpose: .signUp) == nil)
            #expect(try await store.code(poolId: "p1", username: "alice", purpose: .forgotPassword) != nil)
            #expect(try await store.code(poolId: "p1", username: "alice", purpose: .verifyAttribute("email")) != nil)
            // Deleting again finds nothing: a code is spent once.
            #expect(try await store.deleteCode(poolId: "p1", username: "alice", purpose: .signUp) == false)
        }
    }

    /// Attempts sent at once are counted one by one: each sees a different count, so no more
    /// than the limit can get past it however many are sent together.
    @Test("codes: concurrent attempts each see their own count", arguments: Backend.all)
    func concurrentCodeAttempts(_ backend: Backend) async throws {
        try await backend.run { store in
            try await store.putCode(Fixture.code("p1", "alice", .forgotPassword, hash: [9]))
            let seen = try await withThrowingTaskGroup(of: Int?.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await store.attemptCode(poolId: "p1", username: "alice", purpose: .forgotPassword)?.failedAttempts }
                }
                return try await group.reduce(into: [Int?]()) { $0.append($1) }
            }
            #expect(Set(seen.compactMap { $0 }) == Set(0..<20))
            #expect(try await store.code(poolId: "p1", username: "alice", purpose: .forgotPassword)?.failedAttempts == 20)
        }
    }
}

// MARK: - Refresh tokens

extension StoreConformance {
    @Test("refresh tokens: put, get by hash and by origin jti", arguments: Backend.all)
    func refreshTokens(_ backend: Backend) async throws {
        try await backend.run { store in
            let token = Fixture.token("p1", "alice", jti: "jti-1", hash: [0, 1, 2, 3, 255])
            try await store.putRefreshToken(token)
            try await store.putRefreshToken(Fixture.token("p1", "alice", jti: "jti-2"))
            #expect(try await store.refreshToken(hash: [0, 1, 2, 3, 255]) == token)
            #expect(try await store.refreshFamily(originJti: "jti-1") == token)
            #expect(try await store.refreshToken(hash: [0, 1, 2, 3]) == nil)
            #expect(try await store.refreshToken(hash: []) == nil)
            #expect(try await store.refreshFamily(originJti: "jti-3") == nil)
            #expect(try await store.refreshFamily(originJti: "jti-2")?.tokenHash == Array("hash-jti-2".utf8))
        }
    }

    @Test("families are purged two days after their refresh token expires, not before", arguments: Backend.all)
    func expiredFamiliesArePurged(_ backend: Backend) async throws {
        try await backend.run { store in
            let day = 86400.0, now = 1_800_000_000.0
            func family(_ jti: String, expiresAt: Double) -> RefreshTokenRecord {
                var r = Fixture.token("p1", "alice", jti: jti)
                r.issuedAt = now - 40 * day
                r.expiresAt = expiresAt
                return r
            }
            try await store.putRefreshToken(family("long-gone", expiresAt: now - 3 * day))
            try await store.putRefreshToken(family("recent", expiresAt: now - 1 * day))
            try await store.putRefreshToken(family("live", expiresAt: now + 10 * day))
            try await store.revokeFamily(originJti: "recent")
            var fresh = Fixture.token("p1", "bob", jti: "fresh")
            fresh.issuedAt = now
            fresh.expiresAt = now + 30 * day
            try await store.putRefreshToken(fresh)
            #expect(try await store.refreshFamily(originJti: "long-gone") == nil)
            #expect(try await store.refreshToken(hash: Array("hash-long-gone".utf8)) == nil)
            // Its access tokens may still be out there: the revocation must still hold.
            #expect(try await store.refreshFamily(originJti: "recent")?.revoked == true)
            #expect(try await store.familyRevoked(originJti: "recent") == true)
            #expect(try await store.refreshFamily(originJti: "live") != nil)
            #expect(try await store.refreshFamily(originJti: "fresh") != nil)
        }
    }

    @Test("revokeFamily revokes that family only", arguments: Backend.all)
    func revokeFamily(_ backend: Backend) async throws {
        try await backend.run { store in
            try await store.putRefreshToken(Fixture.token("p1", "alice", jti: "jti-1"))
            try await store.putRefreshToken(Fixture.token("p1", "alice", jti: "jti-2"))
            try await store.revokeFamily(originJti: "jti-1")
            #expect(try await store.refreshFamily(originJti: "jti-1")?.revoked == true)
            #expect(try await store.refreshToken(hash: Array("hash-jti-1".utf8))?.revoked == true)
            #expect(try await store.refreshFamily(originJti: "jti-2")?.revoked == false)
            #expect(try await store.refreshToken(hash: Array("hash-jti-2".utf8))?.revoked == false)
            // Revoking again, or an unknown family, is not an error.
            try await store.revokeFamily(originJti: "jti-1")
            try await store.revokeFamily(originJti: "jti-unknown")
            #expect(try await store.refreshFamily(originJti: "jti-1")?.revoked == true)
        }
    }

    @Test("revokeAll revokes that user's families only", arguments: Backend.all)
    func revokeAll(_ backend: Backend) async throws {
        try await backend.run { store in
            try await store.putRefreshToken(Fixture.token("p1", "alice", jti: "a1"))
            try await store.putRefreshToken(Fixture.token("p1", "alice", jti: "a2"))
            try await store.putRefreshToken(Fixture.token("p1", "bob", jti: "b1"))
            try await store.putRefreshToken(Fixture.token("p2", "alice", jti: "other-pool"))
            try await store.revokeAll(poolId: "p1", username: "alice")
            #expect(try await store.refreshFamily(originJti: "a1")?.revoked == true)
            #expect(try await store.refreshFamily(originJti: "a2")?.revoked == true)
            #expect(try await store.refreshToken(hash: Array("hash-a2".utf8))?.revoked == true)
            #expect(try await store.refreshFamily(originJti: "b1")?.revoked == false)
            #expect(try await store.refreshFamily(originJti: "other-pool")?.revoked == false)
        }
    }
}

// MARK: - Settings and one-time markers

extension StoreConformance {
    @Test("setting(_:orInsert:) keeps the first value forever", arguments: Backend.all)
    func settings(_ backend: Backend) async throws {
        try await backend.run { store async throws in
            let first: [UInt8] = [0, 1, 2, 254, 255]
            #expect(try await store.setting("session-key", orInsert: first) == first)
            #expect(try await store.setting("session-key", orInsert: [9, 9, 9]) == first)
            #expect(try await store.setting("session-key", orInsert: []) == first)
            #expect(try await store.setting("other-key", orInsert: [7]) == [7])
            #expect(try await store.setting("session-key", orInsert: [1]) == first)
            #expect(try await store.setting("empty", orInsert: []) == [])
            #expect(try await store.setting("empty", orInsert: [1]) == [])
        }
    }

    @Test("consumeOnce is true once, then false", arguments: Backend.all)
    func consumeOnce(_ backend: Backend) async throws {
        try await backend.run { store async throws in
            let far = 4_102_444_800.0  // 2100
            #expect(try await store.isConsumed(id: [1, 2, 3]) == false)
            #expect(try await store.consumeOnce(id: [1, 2, 3], expiresAt: far) == true)
            #expect(try await store.isConsumed(id: [1, 2, 3]) == true)
            #expect(try await store.consumeOnce(id: [1, 2, 3], expiresAt: far) == false)
            #expect(try await store.consumeOnce(id: [1, 2, 3], expiresAt: far + 10) == false)
            #expect(try await store.consumeOnce(id: [1, 2, 4], expiresAt: far) == true)
            #expect(try await store.consumeOnce(id: [1, 2], expiresAt: far) == true)
            #expect(try await store.consumeOnce(id: [1, 2, 4], expiresAt: far) == false)
        }
    }

    @Test("a family stored while spending a marker: both or neither", arguments: Backend.all)
    func familyWithMarker(_ backend: Backend) async throws {
        try await backend.run { store async throws in
            let far = 4_102_444_800.0
            let marker = OnceMarker(id: [7, 7], expiresAt: far)
            #expect(try await store.putRefreshToken(Fixture.token("p1", "alice", jti: "jti-1"), spending: marker) == true)
            #expect(try await store.refreshFamily(originJti: "jti-1")?.username == "alice")
            // The marker is spent for consumeOnce as well, and a second family with it is refused whole.
            #expect(try await store.consumeOnce(id: [7, 7], expiresAt: far) == false)
            #expect(try await store.putRefreshToken(Fixture.token("p1", "alice", jti: "jti-2"), spending: marker) == false)
            #expect(try await store.refreshFamily(originJti: "jti-2") == nil)
            #expect(try await store.refreshToken(hash: Array("hash-jti-2".utf8)) == nil)
            // A marker consumed first refuses the family too.
            #expect(try await store.consumeOnce(id: [8], expiresAt: far) == true)
            #expect(try await store.putRefreshToken(Fixture.token("p1", "alice", jti: "jti-3"), spending: OnceMarker(id: [8], expiresAt: far)) == false)
            #expect(try await store.refreshFamily(originJti: "jti-3") == nil)
        }
    }
}

// MARK: - Sign-in failures

extension StoreConformance {
    @Test("sign-in failures: counted, restarted after a quiet spell, cleared, gone with the user and the pool", arguments: Backend.all)
    func signInFailures(_ backend: Backend) async throws {
        try await backend.run { store in
            #expect(try await store.signInFailures(poolId: "p1", username: "alice") == nil)
            #expect(try await store.recordSignInFailure(poolId: "p1", username: "alice", at: 100, resetBefore: 0) == SignInFailures(count: 1, lastAt: 100))
            #expect(try await store.recordSignInFailure(poolId: "p1", username: "alice", at: 110, resetBefore: 50) == SignInFailures(count: 2, lastAt: 110))
            #expect(try await store.signInFailures(poolId: "p1", username: "alice") == SignInFailures(count: 2, lastAt: 110))
            // The last failure was before `resetBefore`: counting starts again.
            #expect(try await store.recordSignInFailure(poolId: "p1", username: "alice", at: 2000, resetBefore: 1100) == SignInFailures(count: 1, lastAt: 2000))
            // Users and pools are separate.
            #expect(try await store.signInFailures(poolId: "p1", username: "bob") == nil)
            #expect(try await store.signInFailures(poolId: "p2", username: "alice") == nil)
            try await store.clearSignInFailures(poolId: "p1", username: "alice")
            #expect(try await store.signInFailures(poolId: "p1", username: "alice") == nil)

            // Twenty failures at once are twenty.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<20 { group.addTask { _ = try await store.recordSignInFailure(poolId: "p1", username: "carol", at: 500 + Double(i), resetBefore: 0) } }
                try await group.waitForAll()
            }
            #expect(try await store.signInFailures(poolId: "p1", username: "carol")?.count == 20)

            // Deleting the user or the pool forgets them (a user created again starts clean).
            try await store.createUser(Fixture.user("p1", "carol"))
            try await store.deleteUser(poolId: "p1", username: "carol")
            #expect(try await store.signInFailures(poolId: "p1", username: "carol") == nil)
            _ = try await store.recordSignInFailure(poolId: "p9", username: "dan", at: 1, resetBefore: 0)
            try await store.deletePool(id: "p9")
            #expect(try await store.signInFailures(poolId: "p9", username: "dan") == nil)
        }
    }
}
