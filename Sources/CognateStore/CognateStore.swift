// CognateStore is the one SQL store: every storage port of CognateCore over SQLite.
//
// - `SQLiteDatabase` owns the connections: WAL with synchronous=FULL, one writer on a serial
//   queue (immediate transactions), a few read-only connections used inline.
// - `SQLStore` implements the ports with plain SQL (`?` placeholders, the subset PostgreSQL
//   shares) over JSON documents with key columns beside them; unique indexes turn concurrent
//   conflicting writes into `StoreConflict` on every node.
// - `Migrations` are ordered and applied once each, recorded in `schema_version`.
// Tests/CognateStoreTests holds the conformance suite every backend must pass.
