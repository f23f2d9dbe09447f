import ArgumentParser
import CognateHTTP

/// Where the database is: the options `serve` and the `keys` commands share, each also read
/// from the environment.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "Directory for the database and master key. [env: COGNATE_DATA_DIR] (default: ./.cognate)") var dataDir: String?
    @Option(help: "Database: a SQLite file path or sqlite:PATH, or postgres://user:pass@host:port/db[?sslmode=…] for several nodes on one PostgreSQL. [env: COGNATE_DATABASE_URL] (default: DATA_DIR/cognate.sqlite)") var databaseURL: String?
    @Option(help: "PostgreSQL connections per node. [env: COGNATE_DATABASE_POOL_SIZE] (default: 10)") var databasePoolSize: Int?
    @Option(help: "Seconds to wait for a PostgreSQL connection before a request fails. [env: COGNATE_DATABASE_CONNECT_TIMEOUT] (default: 5)") var databaseConnectTimeout: Double?
    @Option(help: "Seconds a PostgreSQL statement may run. [env: COGNATE_DATABASE_STATEMENT_TIMEOUT] (default: 10)") var databaseStatementTimeout: Double?

    /// The database and the master key (`COGNATE_MASTER_KEY`, else `DATA_DIR/master.key`).
    func apply(to config: inout ServerConfiguration, env: [String: String]) throws {
        config.dataDirectory = dataDir ?? env["COGNATE_DATA_DIR"] ?? config.dataDirectory
        config.databaseURL = databaseURL ?? env["COGNATE_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if let n = databasePoolSize ?? env["COGNATE_DATABASE_POOL_SIZE"].flatMap(Int.init) {
            guard n > 0 else { throw ValidationError("--database-pool-size must be at least 1.") }
            config.databasePoolSize = n
        }
        if let t = databaseConnectTimeout ?? env["COGNATE_DATABASE_CONNECT_TIMEOUT"].flatMap(Double.init) {
            guard t > 0 else { throw ValidationError("--database-connect-timeout must be positive.") }
            config.databaseConnectTimeout = t
        }
        if let t = databaseStatementTimeout ?? env["COGNATE_DATABASE_STATEMENT_TIMEOUT"].flatMap(Double.init) {
            guard t > 0 else { throw ValidationError("--database-statement-timeout must be positive.") }
            config.databaseStatementTimeout = t
        }
        config.masterKey = env["COGNATE_MASTER_KEY"]
        if config.isPostgres {
            do { _ = try config.postgresSettings() } catch { throw ValidationError("\(error)") }
        }
    }
}
