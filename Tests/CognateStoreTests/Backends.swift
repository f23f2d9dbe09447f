import CognateCore
import CognateStore
import Foundation
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
    ]

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
