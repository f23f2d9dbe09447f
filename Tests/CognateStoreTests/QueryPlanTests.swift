@testable import CognateStore
import CognateCore
import Foundation
import Testing

/// Every statement the store runs is checked against SQLite's query plan: a full scan in a
/// request path costs O(rows) per request, which tests on small tables never notice (it is how
/// the once-marker and authorization-code purges once scanned their tables on every sign-in).
@Suite("SQLite query plans")
struct QueryPlanTests {
    /// Scans that are the point of the statement, with the reason.
    static let allowedScans: [String: String] = [
        "SELECT 1": "PostgreSQL's health check; it reads no table",
    ]

    /// The store's SQL, read from its sources: string literals that are whole statements.
    static func statements() throws -> [String] {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/CognateStore")
        var found: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) where name.hasSuffix(".swift") {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            let regex = try NSRegularExpression(pattern: #""((?:SELECT|DELETE|UPDATE|INSERT)[^"\\]*)""#)
            for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                found.append(String(text[Range(m.range(at: 1), in: text)!]))
            }
        }
        return found
    }

    @Test("no statement of the store scans a table it could search")
    func noScans() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try SQLStore(path: dir.file("cognate.db"))
        let statements = try Self.statements()
        #expect(statements.count >= 40, "found only \(statements.count) statements")
        var scans: [String] = []
        for sql in statements where Self.allowedScans[sql] == nil {
            let binds = [SQLValue](repeating: .null, count: sql.filter { $0 == "?" }.count)
            let plan = try await store.db.read { try $0.query("EXPLAIN QUERY PLAN " + sql, binds) }.compactMap { $0.text(3) }
            // "SCAN t" walks the table; "SCAN t USING INDEX" walks an index in order (a listing).
            for step in plan where step.hasPrefix("SCAN ") && !step.contains("USING") {
                scans.append("\(sql)  →  \(step)")
            }
        }
        #expect(scans.isEmpty, "\(scans.joined(separator: "\n"))")
    }

    /// ListUsers' statement is built per request; its plan must seek the index to where the
    /// page starts, not range from the prefix and filter (which made every page cost O(position)).
    @Test("a search page seeks the index to its cursor")
    func searchSeeksToTheCursor() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try SQLStore(path: dir.file("cognate.db"))
        let cursor = SearchCursor(value: "user0150000", username: "user0150000")
        let cases: [(value: String, prefix: Bool, after: SearchCursor?, seek: String)] = [
            ("", true, nil, "(value,username)>"), ("", true, cursor, "(value,username)>"), ("ann", true, cursor, "(value,username)>"),
            ("user0150000", false, cursor, "value=? AND username>?"), ("anna", false, nil, "value=? AND username>?"),
        ]
        for c in cases {
            let (sql, binds) = try #require(SQLStore.searchStatement(poolId: "p", attribute: "username", value: c.value, prefix: c.prefix, after: c.after, limit: 61))
            let plan = try await store.db.read { try $0.query("EXPLAIN QUERY PLAN " + sql, binds) }.compactMap { $0.text(3) }
            #expect(plan.first { $0.hasPrefix("SEARCH s ") }?.contains(c.seek) == true, "\(c.value) \(c.prefix): \(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN ") || $0.contains("TEMP B-TREE") }, "\(plan)")
        }
    }

    /// Deleting a pool or a user runs `DELETE FROM \(table) WHERE pool_id = ? [AND username = ?]`
    /// over every table that holds them; the statement's text is built at run time, so every
    /// table with those columns is checked.
    @Test("deleting a pool's or a user's rows searches every table that holds them")
    func deletionsByPoolAndUser() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try SQLStore(path: dir.file("cognate.db"))
        let tables = try await store.db.read { try $0.query("SELECT name FROM sqlite_master WHERE type = 'table'", []) }.compactMap { $0.text(0) }
        var checked = 0
        var scans: [String] = []
        for table in tables {
            let columns = Set(try await store.db.read { try $0.query("PRAGMA table_info(\(table))", []) }.compactMap { $0.text(1) })
            for key in [["pool_id"], ["pool_id", "username"]] where key.allSatisfy(columns.contains) {
                let sql = "DELETE FROM \(table) WHERE " + key.map { "\($0) = ?" }.joined(separator: " AND ")
                let plan = try await store.db.read { try $0.query("EXPLAIN QUERY PLAN " + sql, key.map { _ in .null }) }.compactMap { $0.text(3) }
                checked += 1
                for step in plan where step.hasPrefix("SCAN ") && !step.contains("USING") { scans.append("\(sql)  →  \(step)") }
            }
        }
        #expect(checked >= 20, "checked only \(checked) deletions")
        #expect(scans.isEmpty, "\(scans.joined(separator: "\n"))")
    }
}
