/// Everything in which the store's SQL differs between SQLite and PostgreSQL, in one place.
///
/// The store's statements are written once, to the subset both engines accept: `?`
/// placeholders, `INSERT … ON CONFLICT … DO NOTHING / DO UPDATE`, the column types TEXT, BLOB,
/// REAL and INTEGER, no engine-specific functions. What cannot be written once is translated
/// here: placeholders and column types for PostgreSQL, and the clause that lets several nodes
/// claim different outbox rows at once.
public enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// `sql` as this engine reads it: for PostgreSQL each `?` outside a string literal becomes
    /// `$1`, `$2`, … in order.
    public func statement(_ sql: String) -> String {
        guard self == .postgres else { return sql }
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var n = 0
        var inLiteral = false
        for ch in sql {
            if ch == "'" { inLiteral.toggle() }
            if ch == "?" && !inLiteral {
                n += 1
                out += "$\(n)"
            } else {
                out.append(ch)
            }
        }
        return out
    }

    /// A migration's DDL with this engine's column types. SQLite's affinities are kept as they
    /// are; PostgreSQL gets the types the store binds: BYTEA for BLOB, DOUBLE PRECISION for REAL
    /// and BIGINT for INTEGER (every integer is bound as 64 bits).
    public func schema(_ ddl: String) -> String {
        guard self == .postgres else { return ddl }
        var out = ""
        var word = ""
        func flush() {
            switch word {
            case "BLOB": out += "BYTEA"
            case "REAL": out += "DOUBLE PRECISION"
            case "INTEGER": out += "BIGINT"
            default: out += word
            }
            word = ""
        }
        for ch in ddl {
            if ch.isLetter || ch.isNumber || ch == "_" {
                word.append(ch)
            } else {
                flush()
                out.append(ch)
            }
        }
        flush()
        return out
    }

    /// Appended to the SELECT that claims due outbox rows. On PostgreSQL several nodes drain at
    /// once: each locks the rows it takes and skips those another holds, so a message goes to one
    /// node. SQLite has one writer at a time across every process on the file, which already
    /// makes the claim exclusive.
    public var claimRows: String {
        switch self {
        case .sqlite: ""
        case .postgres: " FOR UPDATE SKIP LOCKED"
        }
    }
}
