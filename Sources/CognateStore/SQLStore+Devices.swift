import CognateCore
import Foundation

// Users' devices (migration 10).

extension SQLStore: DeviceStore {
    public func putDevice(_ device: Device) async throws {
        let data = try Self.encode(device)
        try await db.write { tx in
            try tx.query("INSERT INTO devices(pool_id, username, device_key, data) VALUES (?, ?, ?, ?) ON CONFLICT (pool_id, username, device_key) DO UPDATE SET data = excluded.data",
                         [.text(device.poolId), .text(device.username), .text(device.key), data])
        }
    }

    public func device(poolId: String, username: String, key: String) async throws -> Device? {
        try await readOne(Device.self, "SELECT data FROM devices WHERE pool_id = ? AND username = ? AND device_key = ?", [.text(poolId), .text(username), .text(key)])
    }

    public func updateDevice(poolId: String, username: String, key: String, _ body: @escaping @Sendable (inout Device) throws -> Void) async throws -> Device {
        try await updateDocument(Device.self, table: "devices", key: "pool_id = ? AND username = ? AND device_key = ?", [.text(poolId), .text(username), .text(key)], body)
    }

    public func deleteDevice(poolId: String, username: String, key: String) async throws -> Bool {
        try await db.write { tx in
            let found = try !tx.query("SELECT 1 FROM devices WHERE pool_id = ? AND username = ? AND device_key = ?", [.text(poolId), .text(username), .text(key)]).isEmpty
            try tx.query("DELETE FROM devices WHERE pool_id = ? AND username = ? AND device_key = ?", [.text(poolId), .text(username), .text(key)])
            return found
        }
    }

    public func devices(poolId: String, username: String, after: String?, limit: Int) async throws -> [Device] {
        try await readAll(Device.self, "SELECT data FROM devices WHERE pool_id = ? AND username = ? AND device_key > ? ORDER BY device_key LIMIT ?",
                    [.text(poolId), .text(username), .text(after ?? ""), .int(Int64(limit))])
    }
}
