import Dispatch
import Foundation
import Synchronization

/// The SQL the store runs, whatever the engine: statements with `?` placeholders. Written to
/// the common subset of SQLite and PostgreSQL so the store has one code path.
public protocol SQLTransaction {
    @discardableResult
    func query(_ sql: String, _ binds: [SQLValue]) throws -> [SQLRow]
    /// Rows changed by the last statement.
    var changes: Int { get }
}

extension SQLiteConnection: SQLTransaction {}

/// An SQLite database in WAL mode with full sync: every acknowledged write survives a crash.
/// Writes run on one serial queue (SQLite has one writer anyway, and fsync must not block the
/// cooperative pool); reads run inline on a small pool of connections, which WAL lets proceed
/// beside the writer.
public final class SQLiteDatabase: Sendable {
    private let writer: Locked
    private let readers: [Locked]
    private let next = Atomic<Int>(0)
    private let queue = DispatchQueue(label: "cognate.sqlite.writer")

    /// `path` may be ":memory:" for a private in-memory database (tests).
    public init(path: String, readers readerCount: Int = 4) throws {
        let memory = path == ":memory:"
        let w = try SQLiteConnection(path: path)
        if !memory {
            try w.execute("PRAGMA journal_mode=WAL")
        }
        try w.execute("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
        writer = Locked(w)
        if memory {
            readers = []
        } else {
            readers = try (0..<readerCount).map { _ in
                let r = try SQLiteConnection(path: path)
                try r.execute("PRAGMA query_only=ON")
                return Locked(r)
            }
        }
    }

    /// Runs `body` in an immediate transaction on the writer; rolls back if it throws.
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLTransaction) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (cont: CheckedContinuation<T, any Error>) in
            queue.async {
                cont.resume(with: Result { try self.writeNow(body) })
            }
        }
    }

    /// Synchronous write, for migrations at start-up.
    func writeNow<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        try writer.with { conn in
            try conn.execute("BEGIN IMMEDIATE")
            do {
                let result = try body(conn)
                try conn.execute("COMMIT")
                return result
            } catch {
                try? conn.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs `body` on a reader connection. Each statement sees a committed state; callers that
    /// need several statements to agree run them in `write`.
    public func read<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        if readers.isEmpty { return try writer.with { try body($0) } }
        let i = next.wrappingAdd(1, ordering: .relaxed).oldValue % readers.count
        return try readers[i].with { try body($0) }
    }
}

/// A connection confined behind its own lock. `@unchecked Sendable` because the compiler can't
/// see the confinement: the connection is reachable only inside `with`, which holds the lock.
private final class Locked: @unchecked Sendable {
    private let lock = NSLock()
    private let connection: SQLiteConnection
    init(_ connection: SQLiteConnection) { self.connection = connection }

    func with<T>(_ body: (SQLiteConnection) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(connection)
    }
}
