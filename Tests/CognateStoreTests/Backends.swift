import CognateCore
import CognateStore
import Foundation
import Logging
import Testing

/// The storage backends the conformance suite runs on. Adding a backend (PostgreSQL) is one
/// entry in `all`: a name and a function that opens a fresh, empty store and says how to
/// dispose of it.
struct Backend: Sendable, CustomTestStringConvertible {
    let name: String
    let open: @Sendable () async throws -> OpenedStore

    static let all: [Backend] = [
        .sqliteMemory,
        .sqliteFile,
    ] + (PostgresTestServer.available ? [.postgres] : [])

    var testDescription: String { name }

    /// Runs `body` on a fresh store and disposes of it afterwards, whether or not `body` threw.
    func run(_ body: (any CognateStorage) async throws -> Void) async throws {
        let opened = try await open()
        do {
            try await body(opened.storage)
        } catch {
            try? await opened.close()
            throw error
        }
        try await opened.close()
    }
}

/// A store opened for one test, with what it takes to throw it away.
struct OpenedStore: Sendable {
    let storage: any CognateStorage
    let close: @Sendable () async throws -> Void
}

extension Backend {
    static let sqliteMemory = Backend(name: "SQLite :memory:") {
        OpenedStore(storage: try SQLStore(path: ":memory:"), close: {})
    }

    static let sqliteFile = Backend(name: "SQLite file") {
        let dir = try TempDirectory()
        return OpenedStore(storage: try SQLStore(path: dir.file("cognate.db")), close: { dir.remove() })
    }
}

extension Backend {
    /// A database of its own on the test server, dropped afterwards.
    static let postgres = Backend(name: "PostgreSQL") {
        let (store, drop) = try await PostgresTestServer.freshStore()
        return OpenedStore(storage: store, close: drop)
    }
}

/// The PostgreSQL server the tests use: COGNATE_TEST_POSTGRES_URL, an admin URL on a server
/// where databases may be created (scripts/test starts a throwaway one when PostgreSQL is
/// installed). Without it the PostgreSQL backend is left out, except on CI (CI=true), where
/// its absence fails the suite instead of passing it on SQLite alone.
enum PostgresTestServer {
    static let url = ProcessInfo.processInfo.environment["COGNATE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let required = ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true"
    static var available: Bool { url != nil || required }

    /// One pool for creating and dropping the tests' databases.
    static let admin: PostgresDatabase? = url.flatMap { try? PostgresSettings(url: $0) }.map { settings in
        var s = settings
        // Tests create their databases in parallel; each waits its turn here rather than fail.
        s.poolSize = 6
        s.connectTimeout = 60
        return PostgresDatabase(s, logger: Logger(label: "cognate-tests"))
    }

    /// A migrated store on a new, empty database, and how to drop it.
    static func freshStore(poolSize: Int = 3) async throws -> (SQLStore, @Sendable () async throws -> Void) {
        let (db, drop) = try await freshDatabase(poolSize: poolSize)
        let store = try await SQLStore(postgres: db)
        return (store, { await store.shutdown(); try await drop() })
    }

    /// A new, empty database (not migrated), and how to drop it.
    static func freshDatabase(poolSize: Int = 3) async throws -> (PostgresDatabase, @Sendable () async throws -> Void) {
        guard let url, let admin else {
            throw PostgresTestError("CI=true but COGNATE_TEST_POSTGRES_URL is not set: the store must be tested on PostgreSQL on CI (scripts/test starts a server)")
        }
        let name = "cognate_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await admin.read { tx in try tx.query("CREATE DATABASE \(name)", []) }
        var settings = try PostgresSettings(url: url)
        settings.database = name
        settings.poolSize = poolSize
        settings.connectTimeout = 60
        let db = PostgresDatabase(settings, logger: Logger(label: "cognate-tests"))
        return (db, {
            await db.shutdown()
            try await admin.read { tx in try tx.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", []) }
        })
    }
}

struct PostgresTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A fresh directory under the system temp directory for database files.
struct TempDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("cognate-store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
