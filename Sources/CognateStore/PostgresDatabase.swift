import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// PostgreSQL under the store, through postgres-nio's connection pool (`PostgresClient`): it
/// connects, keeps connections alive and reconnects with back-off when the server goes away.
///
/// The store's transactions are synchronous closures (SQLite runs them inline, which is what
/// keeps its path fast), so here each one runs on a thread of a pool as large as the connection
/// pool and waits for every statement's result. Those threads are not the cooperative pool's
/// and not the event loop's, so a slow or absent database stalls only its own requests.
///
/// Writes run as SERIALIZABLE transactions: the same guarantee SQLite's single writer gives, so
/// the store's read-modify-write code means the same on both. A transaction the server aborts
/// to keep that guarantee (40001, 40P01) is run again, as is one whose connection was lost
/// before COMMIT was sent. Once COMMIT has been sent and the connection is lost, whether it
/// committed is unknown: that error reaches the caller (an InternalErrorException), never a
/// second run.
public final class PostgresDatabase: Sendable {
    public let settings: PostgresSettings
    private let client: PostgresClient
    private let threads: NIOThreadPool
    fileprivate let logger: Logger
    private let runner: Task<Void, Never>
    /// Statements translated to `$n` placeholders, by their text (the store has a few dozen).
    private let translated = Mutex<[String: String]>([:])

    public init(_ settings: PostgresSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        var config = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: settings.tls
        )
        config.options.maximumConnections = settings.poolSize
        config.options.minimumConnections = 0
        config.options.connectTimeout = .milliseconds(Int64(settings.connectTimeout * 1000))
        // The server cancels a statement that runs longer (57014), so no lock or scan holds a
        // connection for ever.
        config.options.additionalStartupParameters = [
            ("statement_timeout", "\(Int(settings.statementTimeout * 1000))"),
            ("application_name", "cognate"),
        ]
        let client = PostgresClient(configuration: config, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, backgroundLogger: logger)
        self.client = client
        threads = NIOThreadPool(numberOfThreads: settings.poolSize)
        threads.start()
        runner = Task { await client.run() }
    }

    deinit {
        runner.cancel()
        threads.shutdownGracefully { _ in }
    }

    /// Stops the pool: connections are closed, later calls fail.
    public func shutdown() async {
        runner.cancel()
        _ = await runner.result
        try? await threads.shutdownGracefully()
    }

    /// `body` on one connection, each statement on its own (autocommit).
    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLTransaction) throws -> T) async throws -> T {
        try await run(transaction: false, body)
    }

    /// `body` in one SERIALIZABLE transaction, committed before this returns.
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLTransaction) throws -> T) async throws -> T {
        try await run(transaction: true, body)
    }

    /// Whether the server answers a trivial query now (for /health).
    public func ping() async -> Bool {
        (try? await read { tx in try tx.query("SELECT 1", []).count }) == 1
    }

    private func run<T: Sendable>(transaction: Bool, _ body: @escaping @Sendable (any SQLTransaction) throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await leaseAndRun(transaction: transaction, body)
            } catch let error as PostgresFailure where error.retryable && attempt < 8 {
                attempt += 1
                // 5, 10, 20, … 320 ms, then the error: a lost server is retried for about a
                // second before the request gives up; conflicts usually clear on the first retry.
                try await Task.sleep(for: .milliseconds(5 << (attempt - 1)))
                logger.debug("retrying a database transaction", metadata: ["attempt": "\(attempt)", "reason": "\(error)"])
            }
        }
    }

    /// A connection from the pool within `connectTimeout` (else `unavailable`), and `body` on
    /// it. The wait for the lease is cancelled at the deadline; a body already running is not
    /// (its statements have their own deadline).
    private func leaseAndRun<T: Sendable>(transaction: Bool, _ body: @escaping @Sendable (any SQLTransaction) throws -> T) async throws -> T {
        let leased = LeaseFlag()
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await self.client.withConnection { connection in
                    leased.set()
                    return try await self.threads.runIfActive {
                        try self.once(connection, transaction: transaction, body)
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int64(self.settings.connectTimeout * 1000)))
                if leased.isSet { return nil }
                throw PostgresFailure.unavailable
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let value = next { return value }
            }
            throw PostgresFailure.unavailable
        }
    }

    /// Runs on a pool thread: BEGIN, `body`, COMMIT (or ROLLBACK), each statement waited for.
    private func once<T>(_ connection: PostgresConnection, transaction: Bool, _ body: (any SQLTransaction) throws -> T) throws -> T {
        let tx = PostgresTransaction(connection: connection, database: self)
        guard transaction else { return try body(tx) }
        try tx.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
        do {
            let value = try body(tx)
            tx.commitSent = true
            try tx.execute("COMMIT")
            return value
        } catch {
            if !tx.commitSent { try? tx.execute("ROLLBACK") }
            throw PostgresFailure.classify(error, commitSent: tx.commitSent)
        }
    }

    fileprivate func statement(_ sql: String) -> String {
        if let done = translated.withLock({ $0[sql] }) { return done }
        let done = SQLDialect.postgres.statement(sql)
        translated.withLock { $0[sql] = done }
        return done
    }

    fileprivate var queryDeadline: TimeAmount { .milliseconds(Int64((settings.statementTimeout + 2) * 1000)) }
}

/// Set once the pool has handed out a connection (read by the lease deadline).
private final class LeaseFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}

/// One connection's statements for one `read` or `write`, on a pool thread.
final class PostgresTransaction: SQLTransaction {
    let connection: PostgresConnection
    unowned let database: PostgresDatabase
    var changes = 0
    var commitSent = false

    init(connection: PostgresConnection, database: PostgresDatabase) {
        self.connection = connection
        self.database = database
    }

    func execute(_ sql: String) throws {
        try query(sql, [])
    }

    @discardableResult
    func query(_ sql: String, _ binds: [SQLValue]) throws -> [SQLRow] {
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds {
            switch value {
            case .text(let s): bindings.append(s)
            case .int(let i): bindings.append(i)
            case .double(let d): bindings.append(d)
            case .blob(let b): bindings.append(ByteBuffer(bytes: b))
            case .null: bindings.appendNull()
            }
        }
        let query = PostgresQuery(unsafeSQL: database.statement(sql), binds: bindings)
        // postgres-nio writes a query to its channel without asking how the write went: on a
        // connection already closed (the server went away mid-transaction, and this is the
        // ROLLBACK after that) the query is dropped and its future never completes. So a
        // closed connection fails at once, and the wait is on a promise of our own that the
        // query completes or the deadline fails: past the statement timeout and a margin (a
        // server that stops answering), the connection is closed and this returns.
        let connection = connection
        guard !connection.isClosed else { throw PostgresFailure.lost("the connection is closed", commitSent: commitSent) }
        let answer = connection.eventLoop.makePromise(of: PostgresQueryResult.self)
        let commitSent = commitSent
        let deadline = connection.eventLoop.scheduleTask(in: database.queryDeadline) {
            answer.fail(PostgresFailure.lost("no answer within the statement timeout", commitSent: commitSent))
            let closing: EventLoopFuture<Void> = connection.close()
            _ = closing
        }
        defer { deadline.cancel() }
        connection.query(query, logger: database.logger).cascade(to: answer)
        let result: PostgresQueryResult
        do {
            result = try answer.futureResult.wait()
        } catch {
            throw PostgresFailure.classify(error, commitSent: commitSent)
        }
        changes = result.metadata.rows ?? 0
        return try result.rows.map(Self.row)
    }

    /// A row as the store reads rows: by position, in the store's five kinds of value.
    static func row(_ row: PostgresRow) throws -> SQLRow {
        var values: [SQLValue] = []
        for cell in row {
            guard let bytes = cell.bytes else {
                values.append(.null)
                continue
            }
            switch cell.dataType {
            case .bytea: values.append(.blob(Array(buffer: bytes)))
            case .int2, .int4, .int8: values.append(.int(try cell.decode(Int64.self)))
            case .float4, .float8: values.append(.double(try cell.decode(Double.self)))
            case .bool: values.append(.int(try cell.decode(Bool.self) ? 1 : 0))
            default: values.append(.text(try cell.decode(String.self)))
            }
        }
        return SQLRow(values: values)
    }
}

/// What went wrong with PostgreSQL, as far as the store cares: whether running the transaction
/// again is safe and useful, and whether a unique key was taken.
public enum PostgresFailure: Error, CustomStringConvertible, Sendable {
    /// No connection within the connect timeout: the server is down or unreachable.
    case unavailable
    /// The server aborted the transaction to keep it serializable (40001) or to break a
    /// deadlock (40P01); nothing of it was applied.
    case conflict(String)
    /// The connection broke before COMMIT was sent: nothing was applied.
    case connectionLost(String)
    /// The connection broke after COMMIT was sent: it may or may not have committed.
    case outcomeUnknown(String)
    /// An error the server reported (SQLSTATE and message).
    case server(sqlState: String, message: String)
    case other(String)

    var retryable: Bool {
        switch self {
        case .conflict, .connectionLost: true
        default: false
        }
    }

    /// A unique, primary-key, foreign-key or not-null constraint refused the statement (class 23).
    public var isConstraint: Bool {
        if case .server(let state, _) = self { state.hasPrefix("23") } else { false }
    }

    public var description: String {
        switch self {
        case .unavailable: "PostgreSQL is unavailable (no connection within the connect timeout)"
        case .conflict(let m): "PostgreSQL serialization conflict: \(m)"
        case .connectionLost(let m): "PostgreSQL connection lost: \(m)"
        case .outcomeUnknown(let m): "PostgreSQL connection lost during COMMIT; the outcome is unknown: \(m)"
        case .server(let s, let m): "PostgreSQL error \(s): \(m)"
        case .other(let m): "PostgreSQL: \(m)"
        }
    }

    /// The connection is gone: nothing was applied, or (once COMMIT was sent) nobody knows.
    static func lost(_ reason: String, commitSent: Bool) -> PostgresFailure {
        commitSent ? .outcomeUnknown(reason) : .connectionLost(reason)
    }

    static func classify(_ error: any Error, commitSent: Bool) -> any Error {
        if error is PostgresFailure { return error }
        guard let psql = error as? PSQLError else { return error }
        if let state = psql.serverInfo?[.sqlState] {
            let message = psql.serverInfo?[.message] ?? ""
            if state == "40001" || state == "40P01" { return PostgresFailure.conflict(message) }
            // 57P01..57P03: the server is shutting down or starting; 08xxx: connection exceptions.
            if state.hasPrefix("57P") || state.hasPrefix("08") { return lost(message, commitSent: commitSent) }
            return PostgresFailure.server(sqlState: state, message: message)
        }
        switch psql.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed:
            return lost("\(psql.code)", commitSent: commitSent)
        default:
            return PostgresFailure.other("\(psql.code)")
        }
    }
}
