import CognateCore
import CognateHTTP
import Foundation
import Logging
import Testing

/// A node started with another master key than its database's is refused by `Bootstrap.open`,
/// before it serves anything (tests/interop/test_keys.py does the same with the binary, on
/// SQLite and PostgreSQL).
@Suite struct MasterKeyCheckTests {
    static let logger = Logger(label: "test")

    static func config(_ dir: URL, key: String?) -> ServerConfiguration {
        var config = ServerConfiguration()
        config.dataDirectory = dir.path
        config.masterKey = key
        return config
    }

    static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cognate-master-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func anotherKeyIsRefusedWithTheReason() async throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let opened = try await Bootstrap.open(Self.config(dir, key: String(repeating: "ab", count: 32)), logger: Self.logger)
        let cognate = Cognate(try opened.dependencies(delivery: LogDelivery(logger: Self.logger, outbox: nil)))
        _ = try await cognate.createUserPool(.init(poolName: "p"), CallContext(region: "us-east-1", requestId: "r"))

        do {
            _ = try await Bootstrap.open(Self.config(dir, key: String(repeating: "cd", count: 32)), logger: Self.logger)
            Issue.record("opened with another master key")
        } catch let error as BootstrapError {
            #expect(error.description.contains("The master key does not match the one this database"))
            #expect(error.description.contains("This node's key came from COGNATE_MASTER_KEY."))
        }
        // The same key opens it again.
        _ = try await Bootstrap.open(Self.config(dir, key: String(repeating: "ab", count: 32)), logger: Self.logger)
    }

    @Test func aKeyMadeForADatabaseThatHasOneIsRemovedAgain() async throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try await Bootstrap.open(Self.config(dir, key: String(repeating: "ab", count: 32)), logger: Self.logger)
        await #expect(throws: BootstrapError.self) {
            _ = try await Bootstrap.open(Self.config(dir, key: nil), logger: Self.logger)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("master.key").path))
    }

    @Test func theKeysCommandsCreateNothing() async throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        await #expect(throws: BootstrapError.self) {
            _ = try await Bootstrap.open(Self.config(dir, key: nil), logger: Self.logger, existing: true)
        }
        await #expect(throws: BootstrapError.self) {
            _ = try await Bootstrap.open(Self.config(dir, key: String(repeating: "ab", count: 32)), logger: Self.logger, existing: true)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
