import CognateCore
import Testing

/// `updateSigningKeys`: what a rotation and a purge write, on every backend.
extension StoreConformance {
    @Test("updateSigningKeys inserts, rewrites and deletes what the body left, in the pool only", arguments: Backend.all)
    func updateSigningKeys(_ backend: Backend) async throws {
        try await backend.run { store in
            let old = Fixture.key("p1", kid: "k-old")
            let kept = Fixture.key("p1", kid: "k-kept", purpose: .accessToken)
            try await store.createPool(Fixture.pool("p1"), keys: [old, kept])
            try await store.createPool(Fixture.pool("p2"), keys: [Fixture.key("p2", kid: "k-other")])

            var new = Fixture.key("p1", kid: "k-new")
            new.generation = 1
            new.activatesAt = 1_790_003_600
            let added = new
            let result = try await store.updateSigningKeys(poolId: "p1") { keys in
                #expect(keys.map(\.kid) == ["k-kept", "k-old"])
                keys.removeAll { $0.kid == "k-old" }
                keys[0].retiresAt = 1_790_090_000
                keys.append(added)
            }
            var retiring = kept
            retiring.retiresAt = 1_790_090_000
            #expect(result == [retiring, added])
            #expect(try await store.signingKeys(poolId: "p1") == [retiring, added])
            #expect(try await store.signingKeys(poolId: "p2").map(\.kid) == ["k-other"])
        }
    }

    @Test("updateSigningKeys on a missing pool throws notFound; a throwing body changes nothing", arguments: Backend.all)
    func updateSigningKeysRefused(_ backend: Backend) async throws {
        try await backend.run { store async throws in
            await #expect(throws: StoreConflict.notFound) {
                _ = try await store.updateSigningKeys(poolId: "missing") { $0.append(Fixture.key("missing", kid: "k")) }
            }
            #expect(try await store.signingKeys(poolId: "missing").isEmpty)

            let key = Fixture.key("p1", kid: "k1")
            try await store.createPool(Fixture.pool("p1"), keys: [key])
            await #expect(throws: Refused()) {
                _ = try await store.updateSigningKeys(poolId: "p1") { keys in
                    keys.removeAll()
                    keys.append(Fixture.key("p1", kid: "k2"))
                    throw Refused()
                }
            }
            #expect(try await store.signingKeys(poolId: "p1") == [key])
        }
    }

    @Test("concurrent updateSigningKeys are serialized: every key added is kept", arguments: Backend.all)
    func concurrentSigningKeyUpdates(_ backend: Backend) async throws {
        try await backend.run { store in
            try await store.createPool(Fixture.pool("p1"), keys: [Fixture.key("p1", kid: "k0")])
            let results = await concurrently(8) { i in
                _ = try await store.updateSigningKeys(poolId: "p1") { keys in
                    // Each writer numbers its key after those it sees: a lost update would leave a gap or a repeat.
                    var key = Fixture.key("p1", kid: "k-\(i)")
                    key.generation = (keys.compactMap(\.generation).max() ?? 0) + 1
                    keys.append(key)
                }
            }
            for case .failure(let error) in results { Issue.record(error) }
            let keys = try await store.signingKeys(poolId: "p1")
            #expect(keys.count == 9)
            #expect(keys.compactMap(\.generation).sorted() == Array(1...8))
        }
    }
}
