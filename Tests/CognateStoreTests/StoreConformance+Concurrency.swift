import CognateCore
import Testing

// MARK: - Concurrent writers

/// Runs `count` copies of `body` at once and returns each outcome.
func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> Void) async -> [Result<Void, any Error>] {
    await withTaskGroup(of: Result<Void, any Error>.self) { group in
        for i in 0..<count {
            group.addTask {
                do { return .success(try await body(i)) } catch { return .failure(error) }
            }
        }
        return await group.reduce(into: []) { $0.append($1) }
    }
}

/// How many outcomes succeeded, and the failures that are not exactly `conflict`.
func tally(_ results: [Result<Void, any Error>], expecting conflict: StoreConflict) -> (successes: Int, conflicts: Int, others: [String]) {
    var successes = 0, conflicts = 0
    var others: [String] = []
    for r in results {
        switch r {
        case .success: successes += 1
        case .failure(let e as StoreConflict) where e == conflict: conflicts += 1
        case .failure(let e): others.append(String(describing: e))
        }
    }
    return (successes, conflicts, others)
}

extension StoreConformance {
    @Test("20 concurrent sign-ups with one username: exactly one wins", arguments: Backend.all)
    func concurrentSameUsername(_ backend: Backend) async throws {
        try await backend.run { store in
            let results = await concurrently(20) { i in
                try await store.createUser(Fixture.user("p1", i % 2 == 0 ? "alice" : "ALICE", email: "alice\(i)@example.com"))
            }
            let t = tally(results, expecting: .alreadyExists)
            #expect(t.successes == 1)
            #expect(t.conflicts == 19)
            #expect(t.others.isEmpty, "\(t.others)")
            #expect(try await store.userCount(poolId: "p1") == 1)
            // Only the winner's alias is indexed.
            let winner = try #require(try await store.user(poolId: "p1", usernameKey: "alice"))
            let emails = try await store.searchUsers(poolId: "p1", attribute: "email", value: "", prefix: true, after: nil, limit: 100)
            #expect(emails.map(\.listing) == [winner.listingJSON()])
            #expect(try await store.user(poolId: "p1", aliasAttribute: "email", value: try #require(winner.attributes["email"])) == winner)
        }
    }

    @Test("20 concurrent sign-ups with one alias: exactly one wins", arguments: Backend.all)
    func concurrentSameAlias(_ backend: Backend) async throws {
        try await backend.run { store in
            let results = await concurrently(20) { i in
                try await store.createUser(Fixture.user("p1", "user\(i)", email: "shared@example.com"))
            }
            let t = tally(results, expecting: .aliasTaken("email"))
            #expect(t.successes == 1)
            #expect(t.conflicts == 19)
            #expect(t.others.isEmpty, "\(t.others)")
            #expect(try await store.userCount(poolId: "p1") == 1)
            let owner = try #require(try await store.user(poolId: "p1", aliasAttribute: "email", value: "shared@example.com"))
            #expect(try await store.searchUsers(poolId: "p1", attribute: "username", value: "", prefix: true, after: nil, limit: 100).map(\.listing) == [owner.listingJSON()])
        }
    }

    @Test("concurrent updates of one user are serialized", arguments: Backend.all)
    func concurrentUpdates(_ backend: Backend) async throws {
        try await backend.run { store in
            try await store.createUser(Fixture.user("p1", "alice", attributes: ["custom:count": "0"]))
            let results = await concurrently(20) { _ in
                _ = try await store.updateUser(poolId: "p1", username: "alice") { u in
                    u.attributes["custom:count"] = String(Int(u.attributes["custom:count"] ?? "0")! + 1)
                }
            }
            #expect(tally(results, expecting: .notFound).successes == 20)
            #expect(try await store.user(poolId: "p1", usernameKey: "alice")?.attributes["custom:count"] == "20")
        }
    }

    @Test("concurrent one-time markers and settings: one winner", arguments: Backend.all)
    func concurrentOnce(_ backend: Backend) async throws {
        try await backend.run { store in
            let wins = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 { group.addTask { (try? await store.consumeOnce(id: [42], expiresAt: 4_102_444_800)) ?? false } }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 1)

            // Twenty answers of one challenge racing to store their families: one family stored.
            let stored = await withTaskGroup(of: Bool.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        let record = Fixture.token("p1", "alice", jti: "race-\(i)")
                        return (try? await store.putRefreshToken(record, spending: OnceMarker(id: [43], expiresAt: 4_102_444_800))) ?? false
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(stored == 1)
            var families = 0
            for i in 0..<20 where try await store.refreshFamily(originJti: "race-\(i)") != nil { families += 1 }
            #expect(families == 1)

            let values = await withTaskGroup(of: [UInt8]?.self) { group in
                for i in 0..<20 { group.addTask { try? await store.setting("k", orInsert: [UInt8(i)]) } }
                return await group.reduce(into: [[UInt8]?]()) { $0.append($1) }
            }
            #expect(values.allSatisfy { $0 != nil })
            #expect(Set(values.compactMap { $0 }).count == 1)
        }
    }
}
