import CSQLite
import Foundation

/// A value bound to or read from SQL.
public enum SQLValue: Sendable, Equatable {
    case text(String)
    case int(Int64)
    case double(Double)
    case blob([UInt8])
    case null
}

/// One result row, by column position.
public struct SQLRow: Sendable {
    public var values: [SQLValue]
    public func text(_ i: Int) -> String? { if case .text(let s) = values[i] { s } else { nil } }
    public func int(_ i: Int) -> Int64? { if case .int(let v) = values[i] { v } else { nil } }
    public func double(_ i: Int) -> Double? {
        switch values[i] {
        case .double(let d): d
        case .int(let v): Double(v)
        default: nil
        }
    }
    public func blob(_ i: Int) -> [UInt8]? {
        switch values[i] {
        case .blob(let b): b
        case .text(let s): Array(s.utf8)
        default: nil
        }
    }
}

public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var message: String
    public var description: String { "SQLite error \(code): \(message)" }
    /// SQLITE_CONSTRAINT: a unique or primary key was violated.
    public var isConstraint: Bool { code & 0xFF == SQLITE_CONSTRAINT }
}

/// A thin wrapper over one sqlite3 connection with a statement cache. Not thread-safe by
/// itself: `SQLiteDatabase` confines each connection behind a lock or a serial queue.
final class SQLiteConnection {
    private var db: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]

    init(path: String) throws {
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw SQLiteError(code: rc, message: message)
        }
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 10_000)
    }

    deinit {
        for s in statements.values { sqlite3_finalize(s) }
        sqlite3_close_v2(db)
    }

    /// False once SQLite has ended the open transaction (or none is open).
    var inTransaction: Bool { sqlite3_get_autocommit(db) == 0 }

    func execute(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            let message = err.map { String(cString: $0) } ?? "error"
            sqlite3_free(err)
            throw SQLiteError(code: rc, message: message)
        }
    }

    private func statement(_ sql: String) throws -> OpaquePointer {
        if let s = statements[sql] { return s }
        var s: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &s, nil)
        guard rc == SQLITE_OK, let s else { throw error(rc) }
        statements[sql] = s
        return s
    }

    private func error(_ rc: Int32) -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(db), message: String(cString: sqlite3_errmsg(db)))
    }

    /// Runs one statement and returns its rows.
    @discardableResult
    func query(_ sql: String, _ binds: [SQLValue] = []) throws -> [SQLRow] {
        let s = try statement(sql)
        defer {
            sqlite3_reset(s)
            sqlite3_clear_bindings(s)
        }
        for (i, v) in binds.enumerated() {
            let idx = Int32(i + 1)
            let rc: Int32
            switch v {
            case .text(let t): rc = sqlite3_bind_text(s, idx, t, -1, SQLITE_TRANSIENT_PTR)
            case .int(let n): rc = sqlite3_bind_int64(s, idx, n)
            case .double(let d): rc = sqlite3_bind_double(s, idx, d)
            case .blob(let b):
                rc = b.withUnsafeBytes { sqlite3_bind_blob(s, idx, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(b.count), SQLITE_TRANSIENT_PTR) }
            case .null: rc = sqlite3_bind_null(s, idx)
            }
            guard rc == SQLITE_OK else { throw error(rc) }
        }
        var rows: [SQLRow] = []
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw error(rc) }
            let n = sqlite3_column_count(s)
            var values: [SQLValue] = []
            values.reserveCapacity(Int(n))
            for c in 0..<n {
                switch sqlite3_column_type(s, c) {
                case SQLITE_INTEGER: values.append(.int(sqlite3_column_int64(s, c)))
                case SQLITE_FLOAT: values.append(.double(sqlite3_column_double(s, c)))
                case SQLITE_TEXT: values.append(.text(String(cString: sqlite3_column_text(s, c))))
                case SQLITE_BLOB:
                    let count = Int(sqlite3_column_bytes(s, c))
                    if let p = sqlite3_column_blob(s, c) {
                        values.append(.blob(Array(UnsafeRawBufferPointer(start: p, count: count))))
                    } else {
                        values.append(.blob([]))
                    }
                default: values.append(.null)
                }
            }
            rows.append(SQLRow(values: values))
        }
        return rows
    }

    var changes: Int { Int(sqlite3_changes(db)) }
}

/// SQLITE_TRANSIENT tells SQLite to copy bound memory; the C macro isn't importable.
let SQLITE_TRANSIENT_PTR = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
