import CognateCore
@testable import CognateStore
import Synchronization
import Testing

/// What only the PostgreSQL backend has to get right: a connection the server takes away in
/// the middle of a transaction (a restart, a failover, an administrator).
@Suite("PostgreSQL database", .enabled(if: PostgresTestServer.available))
struct PostgresDatabaseTests {
    @Test("a transaction whose connection the server closes fails at once and runs again on another connection")
    func connectionClosedMidTransaction() async throws {
        let (db, drop) = try await PostgresTestServer.freshDatabase()
        let attempts = Attempts()
        let started = ContinuousClock.now
        let answered = await within(.seconds(20)) {
            try await db.write { tx in
                if attempts.next() == 1 {
                    // The server ends this connection; the statements after it (and the
                    // ROLLBACK) go to a closed connection.
                    _ = try? tx.query("SELECT pg_terminate_backend(pg_backend_pid())", [])
                }
                return try tx.query("SELECT 1", []).first?.int(0)
            }
        }
        // On a timeout the write is still stuck on its thread, and dropping the database
        // would wait for it too: the database is left to the throwaway server.
        guard let answered else {
            Issue.record("no answer within 20 s: a statement sent to the closed connection was waited for, for ever")
            return
        }
        #expect(try answered.get() == 1)
        #expect(attempts.count == 2)
        // Well inside the statement timeout (10 s): nothing waited for an answer that could not come.
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(await db.ping())
        try await drop()
    }
}

/// The result of `body`, or nil if it has not finished within `limit` (it is left running).
private func within<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async -> Result<T, any Error>? {
    await withCheckedContinuation { continuation in
        let first = First(continuation)
        Task {
            do { first.resume(.success(try await body())) } catch { first.resume(.failure(error)) }
        }
        Task {
            try? await Task.sleep(for: limit)
            first.resume(nil)
        }
    }
}

/// Resumes a continuation with the first value given.
private final class First<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T?, Never>?>
    init(_ continuation: CheckedContinuation<T?, Never>) { self.continuation = Mutex(continuation) }
    func resume(_ value: T?) { continuation.withLock { c in c?.resume(returning: value); c = nil } }
}

private final class Attempts: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
    var count: Int { value.withLock { $0 } }
}
