@testable import CognateStore
import Testing

/// Writes that arrive together share one transaction (group commit); each must still stand or
/// fall alone, and be answered only with its own outcome.
@Suite("SQLite group commit")
struct GroupCommitTests {
    struct Refused: Error, Equatable { let i: Int }

    @Test("in a burst of writes, the ones that throw undo only themselves", arguments: [":memory:", "file"])
    func burst(kind: String) async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let db = try SQLiteDatabase(path: kind == "file" ? dir.file("g.db") : ":memory:")
        try await db.write { try $0.query("CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT NOT NULL)", []) }

        // Every third write inserts a row and then throws; every fifth hits the primary key of
        // row 0 (a statement error inside the batch). The rest insert and succeed.
        let n = 300
        let results = await withTaskGroup(of: (Int, Result<Int, any Error>).self) { group in
            for i in 0..<n {
                group.addTask {
                    do {
                        let v = try await db.write { tx -> Int in
                            if i % 5 == 0 && i > 0 { try tx.query("INSERT INTO t(k, v) VALUES (0, 'dup')", []) }
                            try tx.query("INSERT INTO t(k, v) VALUES (?, ?)", [.int(Int64(i)), .text("row\(i)")])
                            if i % 3 == 1 { throw Refused(i: i) }
                            return i * 2
                        }
                        return (i, .success(v))
                    } catch {
                        return (i, .failure(error))
                    }
                }
            }
            var all: [Int: Result<Int, any Error>] = [:]
            for await (i, r) in group { all[i] = r }
            return all
        }
        let rows = Set(try db.read { try $0.query("SELECT k FROM t", []) }.map { Int($0.int(0)!) })
        for i in 0..<n {
            let shouldFail = (i % 5 == 0 && i > 0) || i % 3 == 1
            switch results[i]! {
            case .success(let v):
                #expect(!shouldFail && v == i * 2, "write \(i) succeeded with \(v)")
                #expect(rows.contains(i), "write \(i) was acknowledged but its row is missing")
            case .failure(let e):
                #expect(shouldFail, "write \(i) failed: \(e)")
                if i % 3 == 1 && !(i % 5 == 0 && i > 0) { #expect(e as? Refused == Refused(i: i)) }
                #expect(!rows.contains(i), "write \(i) failed but its row is there")
            }
        }
        #expect(db.sharedCommits.load(ordering: .relaxed) > 0, "no two writes ever shared a commit")
        #expect(rows.count == (0..<n).filter { !(($0 % 5 == 0 && $0 > 0) || $0 % 3 == 1) }.count)
    }
}
