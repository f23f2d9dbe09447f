import CognateCore
@testable import CognateStore
import Testing

// MARK: - Users

extension StoreConformance {
    @Test("a user is found by username key and by alias", arguments: Backend.all)
    func userLookup(_ backend: Backend) async throws {
        try await backend.run { store in
            let alice = Fixture.user("p1", "Alice", email: "Alice@Example.com", phone: "+15555550100", attributes: ["preferred_username": "Ally", "name": "Alice A"])
            try await store.createUser(alice)

            #expect(try await store.user(poolId: "p1", usernameKey: "alice") == alice)
            #expect(try await store.user(poolId: "p1", usernameKey: "Alice") == nil, "the store looks up the key the core computed, verbatim")
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "alice@example.com") == alice)
            #expect(try await store.user(poolId: "p1", aliasAttribute: "phone_number", value: "+15555550100") == alice)
            #expect(try await store.user(poolId: "p1", aliasAttribute: "preferred_username", value: "ally") == alice)
            // The alias is keyed by attribute as well as value.
            #expect(try await store.user(poolId: "p1", aliasAttribute: "preferred_username", value: "alice@example.com") == nil)
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "Alice@Example.com") == nil)
            // Another pool has no such user.
            #expect(try await store.user(poolId: "p2", usernameKey: "alice") == nil)
            #expect(try await store.user(poolId: "p2", aliasAttribute: "email", value: "alice@example.com") == nil)
        }
    }

    @Test("an unverified email is not an alias", arguments: Backend.all)
    func unverifiedEmail(_ backend: Backend) async throws {
        try await backend.run { store in
            try await store.createUser(Fixture.user("p1", "alice", email: "shared@example.com", verified: false))
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "shared@example.com") == nil)
            // So another user may hold it, verified.
            try await store.createUser(Fixture.user("p1", "bob", email: "shared@example.com"))
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "shared@example.com")?.username == "bob")
        }
    }

    @Test("a taken username key is refused and nothing of the second user is written", arguments: Backend.all)
    func duplicateUsername(_ backend: Backend) async throws {
        try await backend.run { store in
            let alice = Fixture.user("p1", "alice", email: "alice@example.com", attributes: ["name": "First"])
            try await store.createUser(alice)
            // A different username with the same key (the pool is case-insensitive).
            let twin = Fixture.user("p1", "ALICE", email: "twin@example.com", attributes: ["name": "Second"])
            await #expect(throws: StoreConflict.alreadyExists) { try await store.createUser(twin) }
            // The exact same username.
            await #expect(throws: StoreConflict.alreadyExists) {
                try await store.createUser(Fixture.user("p1", "alice", email: "third@example.com"))
            }

            #expect(try await store.user(poolId: "p1", usernameKey: "alice") == alice)
            #expect(try await store.userCount(poolId: "p1") == 1)
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "twin@example.com") == nil)
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "third@example.com") == nil)
            #expect(try await store.searchUsers(poolId: "p1", attribute: "name", value: "", prefix: true, after: nil, limit: 10).map(\.listing) == [alice.listingJSON()])
            #expect(try await store.searchUsers(poolId: "p1", attribute: "username", value: "ALICE", prefix: false, after: nil, limit: 10).isEmpty)
            // The same username in another pool is another user.
            try await store.createUser(Fixture.user("p2", "alice", email: "alice@example.com"))
        }
    }

    @Test("a new user is written with its code and messages, or none of them is", arguments: Backend.all)
    func userWithCodeAndMessages(_ backend: Backend) async throws {
        try await backend.run { store in
            let outbox = try #require(store as? any OutboxStore)
            func message(_ id: String) -> OutboxEntry { OutboxEntry(id: id, poolId: "p1", payload: [1, 2], createdAt: 1, nextAttemptAt: 1) }
            let alice = Fixture.user("p1", "alice", email: "alice@example.com", status: .unconfirmed)
            let code = Fixture.code("p1", "alice", .signUp)
            try await store.createUser(alice, code: code, messages: [message("m1")])
            #expect(try await store.user(poolId: "p1", usernameKey: "alice") == alice)
            #expect(try await store.code(poolId: "p1", username: "alice", purpose: .signUp) == code)
            #expect(try await outbox.claimOutbox(now: 10, lease: 60, limit: 10).map(\.id) == ["m1"])

            // The username is taken: the second sign-up's code and message are not written.
            await #expect(throws: StoreConflict.alreadyExists) {
                try await store.createUser(Fixture.user("p1", "ALICE", email: "twin@example.com"), code: Fixture.code("p1", "ALICE", .signUp), messages: [message("m2")])
            }
            #expect(try await store.code(poolId: "p1", username: "ALICE", purpose: .signUp) == nil)
            #expect(try await outbox.claimOutbox(now: 10, lease: 60, limit: 10).isEmpty)

            // The message cannot be written (its id is taken): neither are the user and the code.
            await #expect(throws: (any Error).self) {
                try await store.createUser(Fixture.user("p1", "bob", email: "bob@example.com"), code: Fixture.code("p1", "bob", .signUp), messages: [message("m1")])
            }
            #expect(try await store.user(poolId: "p1", usernameKey: "bob") == nil)
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "bob@example.com") == nil)
            #expect(try await store.code(poolId: "p1", username: "bob", purpose: .signUp) == nil)
            #expect(try await store.userCount(poolId: "p1") == 1)
        }
    }

    @Test("a taken alias is refused with its attribute and nothing is written", arguments: Backend.all)
    func duplicateAlias(_ backend: Backend) async throws {
        try await backend.run { store in
            let alice = Fixture.user("p1", "alice", email: "alice@example.com", phone: "+15555550100")
            try await store.createUser(alice)

            await #expect(throws: StoreConflict.aliasTaken("email")) {
                try await store.createUser(Fixture.user("p1", "bob", email: "alice@example.com"))
            }
            // Bob's first alias is free, his second is taken: the error names the second, and
            // the first is not left behind.
            await #expect(throws: StoreConflict.aliasTaken("phone_number")) {
                try await store.createUser(Fixture.user("p1", "bob", email: "bob@example.com", phone: "+15555550100", attributes: ["name": "Bob"]))
            }

            #expect(try await store.user(poolId: "p1", usernameKey: "bob") == nil)
            #expect(try await store.userCount(poolId: "p1") == 1)
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "bob@example.com") == nil)
            #expect(try await store.searchUsers(poolId: "p1", attribute: "name", value: "bob", prefix: false, after: nil, limit: 10).isEmpty)
            #expect(try await store.searchUsers(poolId: "p1", attribute: "username", value: "", prefix: true, after: nil, limit: 10).map(\.username) == ["alice"])
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "alice@example.com") == alice)

            // Nothing half-written blocks bob from signing up with free aliases.
            let bob = Fixture.user("p1", "bob", email: "bob@example.com")
            try await store.createUser(bob)
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "bob@example.com") == bob)

            // Same value, other attribute, or other pool: no conflict.
            try await store.createUser(Fixture.user("p1", "carol", attributes: ["preferred_username": "alice@example.com"]))
            try await store.createUser(Fixture.user("p2", "dave", email: "alice@example.com"))
        }
    }

    @Test("updateUser saves the body's changes and moves aliases", arguments: Backend.all)
    func updateUserAliases(_ backend: Backend) async throws {
        try await backend.run { store in
            try await store.createUser(Fixture.user("p1", "alice", email: "old@example.com", attributes: ["name": "Alice"]))
            let updated = try await store.updateUser(poolId: "p1", username: "alice") { u in
                u.attributes["email"] = "new@example.com"
                u.attributes["name"] = "Alicia"
                u.attributes["preferred_username"] = "ally"
                u.modifiedAt = 1_790_000_100
                u.reindex()
            }
            #expect(updated.attributes["email"] == "new@example.com")
            #expect(updated.modifiedAt == 1_790_000_100)
            #expect(try await store.user(poolId: "p1", usernameKey: "alice") == updated)

            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "old@example.com") == nil)
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "new@example.com") == updated)
            #expect(try await store.user(poolId: "p1", aliasAttribute: "preferred_username", value: "ally") == updated)
            // Search keys follow the attributes.
            #expect(try await store.searchUsers(poolId: "p1", attribute: "name", value: "alice", prefix: false, after: nil, limit: 10).isEmpty)
            #expect(try await store.searchUsers(poolId: "p1", attribute: "name", value: "alicia", prefix: false, after: nil, limit: 10).map(\.listing) == [updated.listingJSON()])
            #expect(try await store.searchUsers(poolId: "p1", attribute: "email", value: "old", prefix: true, after: nil, limit: 10).isEmpty)

            // The old alias is free for someone else.
            try await store.createUser(Fixture.user("p1", "bob", email: "old@example.com"))
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "old@example.com")?.username == "bob")

            // Unverifying the email drops the alias but keeps the attribute searchable.
            let unverified = try await store.updateUser(poolId: "p1", username: "alice") { u in
                u.attributes["email_verified"] = "false"
                u.reindex()
            }
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "new@example.com") == nil)
            #expect(try await store.searchUsers(poolId: "p1", attribute: "email", value: "new@example.com", prefix: false, after: nil, limit: 10).map(\.listing) == [unverified.listingJSON()])
        }
    }

    @Test("updateUser onto another user's alias is refused and changes nothing", arguments: Backend.all)
    func updateUserAliasConflict(_ backend: Backend) async throws {
        try await backend.run { store in
            let alice = Fixture.user("p1", "alice", email: "alice@example.com", attributes: ["name": "Alice"])
            let bob = Fixture.user("p1", "bob", email: "bob@example.com", phone: "+15555550199")
            try await store.createUser(alice)
            try await store.createUser(bob)

            await #expect(throws: StoreConflict.aliasTaken("phone_number")) {
                _ = try await store.updateUser(poolId: "p1", username: "alice") { u in
                    u.attributes["name"] = "Changed"
                    u.attributes["email"] = "alice2@example.com"
                    u.attributes["phone_number"] = "+15555550199"
                    u.attributes["phone_number_verified"] = "true"
                    u.reindex()
                }
            }
            #expect(try await store.user(poolId: "p1", usernameKey: "alice") == alice)
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "alice@example.com") == alice)
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "alice2@example.com") == nil)
            #expect(try await store.user(poolId: "p1", aliasAttribute: "phone_number", value: "+15555550199") == bob)
            #expect(try await store.searchUsers(poolId: "p1", attribute: "name", value: "alice", prefix: false, after: nil, limit: 10).map(\.listing) == [alice.listingJSON()])
            #expect(try await store.searchUsers(poolId: "p1", attribute: "name", value: "changed", prefix: false, after: nil, limit: 10).isEmpty)
            #expect(try await store.user(poolId: "p1", usernameKey: "bob") == bob)
        }
    }

    @Test("a throwing updateUser body changes nothing", arguments: Backend.all)
    func updateUserRefused(_ backend: Backend) async throws {
        try await backend.run { store in
            let alice = Fixture.user("p1", "alice", email: "alice@example.com")
            try await store.createUser(alice)
            await #expect(throws: Refused()) {
                _ = try await store.updateUser(poolId: "p1", username: "alice") { u in
                    u.attributes["email"] = "other@example.com"
                    u.enabled = false
                    u.reindex()
                    throw Refused()
                }
            }
            #expect(try await store.user(poolId: "p1", usernameKey: "alice") == alice)
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "alice@example.com") == alice)
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "other@example.com") == nil)
            #expect(try await store.searchUsers(poolId: "p1", attribute: "status", value: "Disabled", prefix: false, after: nil, limit: 10).isEmpty)
        }
    }

    @Test("updateUser finds the user by username, not by key", arguments: Backend.all)
    func updateUserByUsername(_ backend: Backend) async throws {
        try await backend.run { store in
            try await store.createUser(Fixture.user("p1", "Alice"))
            await #expect(throws: StoreConflict.notFound) {
                _ = try await store.updateUser(poolId: "p1", username: "alice") { $0.enabled = false }
            }
            await #expect(throws: StoreConflict.notFound) {
                _ = try await store.updateUser(poolId: "p2", username: "Alice") { $0.enabled = false }
            }
            let updated = try await store.updateUser(poolId: "p1", username: "Alice") { u in
                u.enabled = false
                u.status = .resetRequired
                u.password = nil
                u.reindex()
            }
            #expect(try await store.user(poolId: "p1", usernameKey: "alice") == updated)
            #expect(updated.password == nil && updated.status == .resetRequired)
            #expect(try await store.searchUsers(poolId: "p1", attribute: "status", value: "Disabled", prefix: false, after: nil, limit: 10).map(\.listing) == [updated.listingJSON()])
            #expect(try await store.searchUsers(poolId: "p1", attribute: "cognito:user_status", value: "reset_required", prefix: false, after: nil, limit: 10).map(\.listing) == [updated.listingJSON()])
            #expect(try await store.searchUsers(poolId: "p1", attribute: "status", value: "Enabled", prefix: false, after: nil, limit: 10).isEmpty)
        }
    }

    @Test("deleteUser removes the user with its aliases, search keys, codes, tokens and memberships", arguments: Backend.all)
    func deleteUser(_ backend: Backend) async throws {
        try await backend.run { store in
            for name in ["alice", "bob"] {
                try await store.createUser(Fixture.user("p1", name, email: "\(name)@example.com", attributes: ["name": name]))
                try await store.putCode(Fixture.code("p1", name, .signUp))
                try await store.putCode(Fixture.code("p1", name, .verifyAttribute("email")))
                try await store.putRefreshToken(Fixture.token("p1", name, jti: "jti-\(name)"))
            }
            try await store.createUser(Fixture.user("p2", "alice", email: "alice@example.com"))
            try await store.putRefreshToken(Fixture.token("p2", "alice", jti: "jti-p2-alice"))
            try await store.createGroup(Fixture.group("p1", "admins"))
            try await store.createGroup(Fixture.group("p1", "readers"))
            for g in ["admins", "readers"] {
                try await store.addMember(poolId: "p1", group: g, username: "alice")
                try await store.addMember(poolId: "p1", group: g, username: "bob")
            }

            try await store.deleteUser(poolId: "p1", username: "alice")

            #expect(try await store.user(poolId: "p1", usernameKey: "alice") == nil)
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "alice@example.com") == nil)
            #expect(try await store.searchUsers(poolId: "p1", attribute: "name", value: "alice", prefix: false, after: nil, limit: 10).isEmpty)
            #expect(try await store.searchUsers(poolId: "p1", attribute: "username", value: "", prefix: true, after: nil, limit: 10).map(\.username) == ["bob"])
            #expect(try await store.code(poolId: "p1", username: "alice", purpose: .signUp) == nil)
            #expect(try await store.code(poolId: "p1", username: "alice", purpose: .verifyAttribute("email")) == nil)
            #expect(try await store.refreshFamily(originJti: "jti-alice") == nil)
            #expect(try await store.refreshToken(hash: Array("hash-jti-alice".utf8)) == nil)
            #expect(try await store.groups(poolId: "p1", username: "alice").isEmpty)
            #expect(try await store.members(poolId: "p1", group: "admins", after: nil, limit: 10) == ["bob"])
            #expect(try await store.members(poolId: "p1", group: "readers", after: nil, limit: 10) == ["bob"])

            // Bob, and the other pool's alice, are untouched.
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "bob@example.com")?.username == "bob")
            #expect(try await store.code(poolId: "p1", username: "bob", purpose: .signUp) != nil)
            #expect(try await store.refreshFamily(originJti: "jti-bob") != nil)
            #expect(try await store.groups(poolId: "p1", username: "bob").count == 2)
            #expect(try await store.user(poolId: "p2", aliasAttribute: "email", value: "alice@example.com")?.username == "alice")
            #expect(try await store.refreshFamily(originJti: "jti-p2-alice") != nil)

            // The name and the alias are free again, and the new alice inherits nothing.
            try await store.createUser(Fixture.user("p1", "alice", email: "alice@example.com"))
            #expect(try await store.groups(poolId: "p1", username: "alice").isEmpty)
            #expect(try await store.code(poolId: "p1", username: "alice", purpose: .signUp) == nil)

            // Deleting a user who is not there is not an error.
            try await store.deleteUser(poolId: "p1", username: "nobody")
        }
    }

    @Test("a user round-trips every field", arguments: Backend.all)
    func userRoundTrip(_ backend: Backend) async throws {
        try await backend.run { store in
            var user = Fixture.user(
                "p1", "0f3c2a9e-5d1b-4c7a-9e2f-8b6d4a1c3e5f", email: "Ünïcødé@Example.com",
                attributes: ["custom:tier": "gold", "address": "1 \"Quoted\" St\nLine 2", "name": "名前 😀"],
                status: .forceChangePassword, enabled: false
            )
            user.password = PasswordRecord(salt: [0, 0, 1], sealedVerifier: Array(repeating: 0xAB, count: 300), setAt: 1_790_000_000.125, expiresAt: 1_790_604_800.5)
            try await store.createUser(user)
            #expect(try await store.user(poolId: "p1", usernameKey: user.index.usernameKey) == user)
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "ünïcødé@example.com") == user)
            #expect(try await store.searchUsers(poolId: "p1", attribute: "name", value: "名前", prefix: true, after: nil, limit: 10).map(\.listing) == [user.listingJSON()])
        }
    }
}

// MARK: - Bulk import

extension StoreConformance {
    @Test("a bulk import writes every user with its aliases and search rows, across chunks, or none", arguments: Backend.all)
    func bulkImport(_ backend: Backend) async throws {
        try await backend.run { storage in
            let store = try #require(storage as? SQLStore)
            let count = SQLStore.importChunk * 2 + 7
            let users = (0..<count).map { i in Fixture.user("p1", "user\(i)", email: "user\(i)@example.com", attributes: ["name": "N\(i)"]) }
            try await store.importUsers(users)
            #expect(try await store.userCount(poolId: "p1") == count)
            for i in [0, SQLStore.importChunk - 1, SQLStore.importChunk, count - 1] {
                #expect(try await store.user(poolId: "p1", usernameKey: "user\(i)") == users[i])
                #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "user\(i)@example.com")?.username == "user\(i)")
                // Search values are stored folded, as the core indexes them.
                #expect(try await store.searchUsers(poolId: "p1", attribute: "name", value: "n\(i)", prefix: false, after: nil, limit: 10).map(\.listing)
                    == [users[i].listingJSON()])
            }

            // A batch with one taken username (in its second chunk) writes nothing at all.
            var again = (0..<(SQLStore.importChunk + 3)).map { i in Fixture.user("p1", "new\(i)", email: "new\(i)@example.com") }
            again.append(Fixture.user("p1", "user5", email: "other@example.com"))
            await #expect(throws: StoreConflict.alreadyExists) { try await store.importUsers(again) }
            #expect(try await store.userCount(poolId: "p1") == count)
            #expect(try await store.user(poolId: "p1", usernameKey: "new0") == nil)
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: "new0@example.com") == nil)
        }
    }
}
