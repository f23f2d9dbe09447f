/// The engine under the store: SQLite in this process, or PostgreSQL shared by several nodes.
/// The store's code and SQL are the same for both; this switch, `SQLDialect` and the two
/// database types are where they differ.
enum SQLEngine: Sendable {
    case sqlite(SQLiteDatabase)
    case postgres(PostgresDatabase)

    var dialect: SQLDialect {
        switch self {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    /// `body` with each statement seeing a committed state (SQLite: inline on a reader).
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLTransaction) throws -> T) async throws -> T {
        switch self {
        case .sqlite(let db): try db.read(body)
        case .postgres(let db): try await db.read(body)
        }
    }

    /// `body` in one transaction that sees no concurrent write, durable when this returns.
    @discardableResult
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLTransaction) throws -> T) async throws -> T {
        switch self {
        case .sqlite(let db): try await db.write(body)
        case .postgres(let db): try await db.write(body)
        }
    }

    /// Whether `error` is a constraint (unique key, primary key, not null) refusing a statement.
    static func isConstraint(_ error: any Error) -> Bool {
        if let e = error as? SQLiteError { return e.isConstraint }
        if let e = error as? PostgresFailure { return e.isConstraint }
        return false
    }
}
