@testable import CognateStore
import Testing

/// Reads go to the first free reader connection. In WAL mode a commit empties the page cache of
/// every connection that reads after it, so spreading reads over all readers in turn made each
/// commit cost every reader its cache.
@Suite("SQLite reader choice")
struct ReaderChoiceTests {
    @Test func readsInSequenceStayOnTheFirstReader() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let db = try SQLiteDatabase(path: dir.file("r.db"), readers: 4)
        try await db.write { try $0.query("CREATE TABLE t(k INTEGER PRIMARY KEY)", []) }
        for i in 0..<20 {
            try await db.write { try $0.query("INSERT INTO t(k) VALUES (?)", [.int(Int64(i))]) }
            let count = try db.read { try $0.query("SELECT COUNT(*) FROM t", []).first?.int(0) }
            #expect(count == Int64(i + 1), "each read sees the commit before it")
        }
        #expect(db.readerUses == [20, 0, 0, 0])
    }

    @Test func aReadWhileTheFirstReaderIsBusyTakesTheNext() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let db = try SQLiteDatabase(path: dir.file("r.db"), readers: 2)
        try await db.write { try $0.query("CREATE TABLE t(k INTEGER PRIMARY KEY)", []) }
        try await db.write { try $0.query("INSERT INTO t(k) VALUES (7)", []) }
        // Inside a read the first reader is held, so the inner read must find another.
        let inner = try db.read { _ in try db.read { try $0.query("SELECT k FROM t", []).first?.int(0) } }
        #expect(inner == 7)
        #expect(db.readerUses == [1, 1])
    }
}
