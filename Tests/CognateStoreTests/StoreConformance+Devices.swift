import CognateCore
import Testing

// MARK: - Devices

extension StoreConformance {
    static func device(_ key: String, user: String = "alice", pool: String = "us-east-1_aaa") -> Device {
        Device(poolId: pool, username: user, key: key, groupKey: "-grp", createdAt: 1, modifiedAt: 1)
    }

    @Test("devices are stored per user, paged by key, updated and forgotten", arguments: Backend.all)
    func devices(_ backend: Backend) async throws {
        try await backend.run { store in
            for key in ["us-east-1_c", "us-east-1_a", "us-east-1_b"] { try await store.putDevice(Self.device(key)) }
            try await store.putDevice(Self.device("us-east-1_z", user: "bob"))
            #expect(try await store.device(poolId: "us-east-1_aaa", username: "alice", key: "us-east-1_a") == Self.device("us-east-1_a"))
            #expect(try await store.device(poolId: "us-east-1_aaa", username: "bob", key: "us-east-1_a") == nil, "another user's key")
            #expect(try await store.devices(poolId: "us-east-1_aaa", username: "alice", after: nil, limit: 2).map(\.key) == ["us-east-1_a", "us-east-1_b"])
            #expect(try await store.devices(poolId: "us-east-1_aaa", username: "alice", after: "us-east-1_b", limit: 2).map(\.key) == ["us-east-1_c"])

            let updated = try await store.updateDevice(poolId: "us-east-1_aaa", username: "alice", key: "us-east-1_b") { d in
                d.confirmed = true
                d.remembered = true
                d.salt = [1, 2]
                d.sealedVerifier = [3, 4, 5]
            }
            #expect(try await store.device(poolId: "us-east-1_aaa", username: "alice", key: "us-east-1_b") == updated)
            await #expect(throws: StoreConflict.notFound) {
                try await store.updateDevice(poolId: "us-east-1_aaa", username: "alice", key: "us-east-1_nope") { _ in }
            }
            #expect(try await store.deleteDevice(poolId: "us-east-1_aaa", username: "alice", key: "us-east-1_b") == true)
            #expect(try await store.deleteDevice(poolId: "us-east-1_aaa", username: "alice", key: "us-east-1_b") == false)

            // Deleting the user deletes the user's devices, and only theirs.
            try await store.deleteUser(poolId: "us-east-1_aaa", username: "alice")
            #expect(try await store.devices(poolId: "us-east-1_aaa", username: "alice", after: nil, limit: 10).isEmpty)
            #expect(try await store.devices(poolId: "us-east-1_aaa", username: "bob", after: nil, limit: 10).count == 1)
        }
    }
}
