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
///
/// Writes that arrive while the writer is busy commit together (group commit): each runs in its
/// own savepoint inside one transaction, so one write failing undoes only itself, and the batch
/// pays one fsync. Nobody is answered before the commit that holds their write is durable.
public final class SQLiteDatabase: Sendable {
    private let writer: Locked
    private let readers: [Locked]
    private let next = Atomic<Int>(0)
    private let queue = DispatchQueue(label: "cognate.sqlite.writer")
    private let pending = Mutex<[WriteJob]>([])
    /// Commits that carried more than one write (tests check the batching really happens).
    let sharedCommits = Atomic<Int>(0)

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

    /// Runs `body` in an immediate transaction on the writer (possibly shared with other writes,
    /// each in its own savepoint); undoes it if it throws. Returns once the commit is durable.
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLTransaction) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (cont: CheckedContinuation<T, any Error>) in
            let job = WriteJob(
                run: { conn in
                    let value = try body(conn)
                    return { commitError in
                        if let commitError { cont.resume(throwing: commitError) } else { cont.resume(returning: value) }
                    }
                },
                fail: { cont.resume(throwing: $0) }
            )
            let first = pending.withLock { jobs in
                jobs.append(job)
                return jobs.count == 1
            }
            // One drain per batch: later arrivals join the pending list until the drain takes it.
            if first { queue.async { self.drain() } }
        }
    }

    /// Commits everything pending in one transaction.
    private func drain() {
        let jobs = pending.withLock { jobs in
            var taken: [WriteJob] = []
            swap(&taken, &jobs)
            return taken
        }
        guard !jobs.isEmpty else { return }
        writer.with { conn in
            if jobs.count > 1, Self.commitBatch(jobs, conn) {
                sharedCommits.add(1, ordering: .relaxed)
            } else {
                // Alone, or the batch could not commit as a whole (the transaction was lost
                // mid-way and everything was rolled back): each write on its own, as if unbatched.
                for job in jobs { Self.commitAlone(job, conn) }
            }
        }
    }

    private static func commitAlone(_ job: WriteJob, _ conn: SQLiteConnection) {
        let complete: WriteJob.Complete
        do {
            complete = try transaction(conn) { try job.run($0) }
        } catch {
            job.fail(error)
            return
        }
        complete(nil)
    }

    /// One immediate transaction: commits what `body` did, or rolls it back and rethrows.
    private static func transaction<T>(_ conn: SQLiteConnection, _ body: (SQLiteConnection) throws -> T) throws -> T {
        try conn.query("BEGIN IMMEDIATE")
        do {
            let result = try body(conn)
            try conn.query("COMMIT")
            return result
        } catch {
            try? conn.execute("ROLLBACK")
            throw error
        }
    }

    /// One transaction, one savepoint per job. Returns false, having rolled everything back and
    /// answered no one, when the transaction itself broke; the caller then retries one by one.
    private static func commitBatch(_ jobs: [WriteJob], _ conn: SQLiteConnection) -> Bool {
        var outcomes: [(WriteJob, Result<WriteJob.Complete, any Error>)] = []
        outcomes.reserveCapacity(jobs.count)
        do {
            try transaction(conn) { conn in
                for job in jobs {
                    try conn.query("SAVEPOINT w")
                    do {
                        let complete = try job.run(conn)
                        try conn.query("RELEASE w")
                        outcomes.append((job, .success(complete)))
                    } catch {
                        // Some errors (I/O, full disk) end the whole transaction, not the statement.
                        guard conn.inTransaction else { throw error }
                        try conn.query("ROLLBACK TO w")
                        try conn.query("RELEASE w")
                        outcomes.append((job, .failure(error)))
                    }
                }
            }
        } catch {
            return false
        }
        for (job, outcome) in outcomes {
            switch outcome {
            case .success(let complete): complete(nil)
            case .failure(let error): job.fail(error)
            }
        }
        return true
    }

    /// Reads each reader connection has served, in order (tests).
    var readerUses: [Int] { readers.map(\.useCount) }

    /// Synchronous write, for migrations at start-up.
    @discardableResult
    func writeNow<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        try writer.with { conn in try Self.transaction(conn) { try body($0) } }
    }

    /// Runs `body` on a reader connection. Each statement sees a committed state; callers that
    /// need several statements to agree run them in `write`.
    ///
    /// The first free reader is taken, not the next in turn. In WAL mode every commit makes a
    /// connection drop its whole page cache at its next read, which then fetches its pages again;
    /// spread over all readers in turn, each commit emptied every reader's cache (18 preads per
    /// SRP sign-in). Reads are short, so the first reader is almost always free and stays warm.
    public func read<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        if readers.isEmpty { return try writer.with { try body($0) } }
        for reader in readers {
            if let result = try reader.withIfFree(body) { return result }
        }
        let i = next.wrappingAdd(1, ordering: .relaxed).oldValue % readers.count
        return try readers[i].with { try body($0) }
    }
}

/// A connection confined behind its own lock. `@unchecked Sendable` because the compiler can't
/// see the confinement: the connection is reachable only inside `with`, which holds the lock.
private final class Locked: @unchecked Sendable {
    private let lock = NSLock()
    private let connection: SQLiteConnection
    /// Times the connection was used, counted under the lock (tests check which reader serves).
    private var uses = 0
    init(_ connection: SQLiteConnection) { self.connection = connection }

    func with<T>(_ body: (SQLiteConnection) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        uses += 1
        return try body(connection)
    }

    /// `body`'s result if the lock was free, nil (without running it) if not.
    func withIfFree<T>(_ body: (SQLiteConnection) throws -> T) rethrows -> T? {
        guard lock.try() else { return nil }
        defer { lock.unlock() }
        uses += 1
        return try body(connection)
    }

    var useCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return uses
    }
}

/// A queued write: `run` applies it inside the open transaction and returns how to answer once
/// the commit's fate is known; `fail` answers a write that threw or never ran.
private struct WriteJob: Sendable {
    typealias Complete = @Sendable (_ commitError: (any Error)?) -> Void
    let run: @Sendable (SQLiteConnection) throws -> Complete
    let fail: @Sendable (any Error) -> Void
}
