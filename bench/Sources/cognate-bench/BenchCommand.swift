import ArgumentParser
import Foundation

@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cognate-bench",
        abstract: "Load generator for Cognate (and moto's server as the peer). Orchestrated by bench/run.",
        subcommands: [Run.self, FloorCommand.self, SeedCommand.self, MicroCommand.self, InProcessCommand.self]
    )
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Set up, then run every scenario at every concurrency, A/B alternated.")

    @Option(help: "Cognate's port.") var cognatePort: UInt16
    @Option(help: "Cognate server's pid (for CPU and RSS).") var cognatePid: Int32
    @Option(help: "Every Cognate node's port, comma-separated (several nodes on one database; default: --cognate-port).") var cognatePorts: String?
    @Option(help: "Every Cognate node's pid, in the order of --cognate-ports.") var cognatePids: String?
    @Option(help: "The database server's main pid (PostgreSQL's postmaster), for its CPU per operation.") var databasePid: Int32?
    @Option(help: "A PostgreSQL admin URL where pg_stat_statements is installed, to count statements per operation.") var statementsUrl: String?
    @Option(help: "The database whose statements are counted (with --statements-url).") var statementsDatabase: String?
    @Option(help: "moto_server's port (omit to run Cognate alone).") var motoPort: UInt16?
    @Option(help: "moto_server's pid.") var motoPid: Int32?
    @Option(help: "Comma-separated scenarios (default: all).") var scenarios: String?
    @Option(help: "Comma-separated concurrency levels.") var concurrency = "1,8,64"
    @Option(help: "Seconds per Cognate run.") var seconds = 3.0
    @Option(help: "Seconds per moto run.") var motoSeconds = 2.0
    @Option(help: "Warm-up seconds before each window.") var warmup = 0.5
    @Option(help: "Users created in each pool by the setup.") var users = 1000
    @Option(help: "A/B rounds; each figure is the median over rounds.") var rounds = 1
    @Option(help: "Use an existing (seeded) Cognate pool instead of creating one.") var pool: String?
    @Option(help: "The seeded pool's client.") var client: String?
    @Option(help: "How many users the seeded pool has (user0000000…).") var existingUsers: Int?
    @Flag(help: "Skip the in-process crypto floor.") var noFloor = false
    @Option(help: "Write the results (JSON) here.") var out: String

    func run() async throws {
        let selected = scenarios.map { names in names.split(separator: ",").map(String.init) } ?? Scenario.all.map(\.name)
        let list = try selected.map { name in
            guard let s = Scenario.all.first(where: { $0.name == name }) else { throw ValidationError("unknown scenario \(name)") }
            return s
        }
        let levels = concurrency.split(separator: ",").compactMap { Int($0) }
        let runId = String(UUID().uuidString.prefix(6)).lowercased()
        var report = BenchReport(meta: .current(), runId: runId)

        if !noFloor {
            log("crypto floor (in-process)…")
            report.floor = try Floor.measure()
            for f in report.floor { log(String(format: "  %-16@ %8.1f µs  %@", f.name, f.cpuSeconds * 1e6, f.what)) }
        }

        let cognate = Target(name: "cognate", port: cognatePort, pid: cognatePid)
        if let cognatePorts, let cognatePids {
            cognate.ports = cognatePorts.split(separator: ",").compactMap { UInt16($0) }
            cognate.pids = cognatePids.split(separator: ",").compactMap { Int32($0) }
            guard !cognate.ports.isEmpty, cognate.ports.count == cognate.pids.count else {
                throw ValidationError("--cognate-ports and --cognate-pids must name as many nodes")
            }
        }
        cognate.databasePid = databasePid
        if let statementsUrl, let statementsDatabase {
            cognate.statements = StatementCounter(adminURL: statementsUrl, database: statementsDatabase)
        }
        var targets: [Target] = [cognate]
        if let motoPort, let motoPid { targets.append(Target(name: "moto", port: motoPort, pid: motoPid)) }
        for t in targets {
            log("setting up \(t.name) (pool, client, \(t.name == "cognate" && pool != nil ? "seeded" : "\(users)") users, tokens)…")
            let started = Date()
            if t.name == "cognate", let pool, let client, let existingUsers {
                try t.setUp(userCount: 0, existing: (pool, client, (0..<existingUsers).map { String(format: "user%07d", $0) }))
            } else {
                try t.setUp(userCount: users)
            }
            log(String(format: "  done in %.1f s: pool %@", Date().timeIntervalSince(started), t.poolId))
            let text = t.hasOAuth ? "measured" : (t.name == "moto" ? "not offered by moto's server" : "not available on this build")
            report.oauth[t.name] = ["hosted_ui_code": text, "client_credentials": text]
        }

        // The client's own ceiling: the cheapest request the server has, on 8 connections.
        let health = Scenario(name: "health", title: "GET /health", requests: 1, floor: nil, op: { w in
            let r = try w.conn.send(Requests.get("/health", port: w.target.port))
            guard r.status == 200 else { throw CheckFailure("health \(r.status)") }
        }, refusal: nil)
        let ceiling = Runner.run(health, on: targets[0], concurrency: 8, seconds: 2, warmup: warmup, run: runId)
        report.clientCeiling = ceiling
        log(String(format: "client ceiling: %.1f µs client CPU per request (%.0f requests/s per client core); GET /health %.0f/s at concurrency 8",
                   ceiling.clientCPUPerOp * 1e6, 1 / max(ceiling.clientCPUPerOp, 1e-9), ceiling.opsPerSecond))

        var all: [RunResult] = []
        for round in 0..<rounds {
            for s in list {
                // The floor beside this scenario's runs: the machine's speed drifts over a run.
                let before = noFloor ? nil : try s.floor.flatMap(Floor.measure(_:))
                var block: [RunResult] = []
                for c in levels {
                    for t in targets where !s.needsOAuth || t.hasOAuth {
                        let secs = t.name == "moto" ? motoSeconds : seconds
                        let r = Runner.run(s, on: t, concurrency: c, seconds: secs, warmup: warmup, run: "\(runId)\(round)c\(c)")
                        block.append(r)
                        log(Self.line(r))
                    }
                }
                if let before, let name = s.floor, let after = try Floor.measure(name) {
                    log(String(format: "  floor of %@ beside its runs: %.1f µs before, %.1f µs after", s.name, before * 1e6, after * 1e6))
                    for i in block.indices where block[i].target == "cognate" { block[i].floorCPU = (before + after) / 2 }
                }
                all += block
            }
        }
        report.runs = Self.medians(all)
        for t in targets { report.notes[t.name] = t.notes }
        report.meta.loadAfter = ProcStats.loadAverage()
        report.meta.cognateIdleRSSKB = nil
        let data = try JSONEncoder.pretty.encode(report)
        try data.write(to: URL(fileURLWithPath: out))
        log("wrote \(out)")
    }

    static func line(_ r: RunResult) -> String {
        let cpu = r.serverCPUPerOp.map { String(format: "%8.1f µs", $0 * 1e6) } ?? "       ? µs"
        let per = r.perCore.map { String(format: "%8.0f/s/core", $0) } ?? ""
        return String(format: "  %-8@ %-18@ c=%-3d %8.0f ops/s  server %@ %@  client %6.1f µs  p50 %7.2f p99 %7.2f max %7.2f ms  errors %d %@",
                      r.target, r.scenario, r.concurrency, r.opsPerSecond, cpu, per, r.clientCPUPerOp * 1e6, r.p50ms, r.p99ms, r.maxms, r.errors,
                      r.errorSamples.first ?? "")
    }

    /// With several rounds, the run with the median server CPU per operation stands for each cell.
    static func medians(_ runs: [RunResult]) -> [RunResult] {
        var groups: [String: [RunResult]] = [:]
        var order: [String] = []
        for r in runs {
            let k = "\(r.target)/\(r.scenario)/\(r.concurrency)"
            if groups[k] == nil { order.append(k) }
            groups[k, default: []].append(r)
        }
        return order.map { k in
            let g = groups[k]!.sorted { ($0.serverCPUPerOp ?? 0) < ($1.serverCPUPerOp ?? 0) }
            var m = g[g.count / 2]
            m.errors = g.reduce(0) { $0 + $1.errors }
            return m
        }
    }
}

struct FloorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "floor", abstract: "Print the crypto floor (in-process timings).")
    func run() async throws {
        for f in try Floor.measure() { print(String(format: "%-16@ %8.1f µs  %@", f.name, f.cpuSeconds * 1e6, f.what)) }
    }
}

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed", abstract: "Create a database with a pool of N users, in-process.")
    @Option(help: "SQLite file to create, or the postgres:// URL of an empty database.") var database: String
    @Option(help: "Master key (64 hex digits); the server must be started with the same.") var masterKey: String
    @Option(help: "Number of users.") var users: Int
    @Option(help: "Users created through the use cases, with the bench password.") var signInUsers = 64
    @Option(help: "Write the outcome (JSON) here.") var out: String

    func run() async throws {
        let outcome = try await Seed.run(database: database, masterKey: masterKey, users: users, signInUsers: signInUsers)
        try JSONEncoder.pretty.encode(outcome).write(to: URL(fileURLWithPath: out))
        log(String(format: "seeded %d users in %.1f s", outcome.users, outcome.seconds))
    }
}

struct BenchReport: Codable {
    struct Meta: Codable {
        var cpuModel: String
        var cores: Int
        var loadBefore: String
        var loadAfter: String?
        var cognateIdleRSSKB: Int?
        var date: String

        static func current() -> Meta {
            let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
            let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }.map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) } ?? "?"
            return Meta(cpuModel: model, cores: ProcessInfo.processInfo.activeProcessorCount, loadBefore: ProcStats.loadAverage(),
                        date: ISO8601DateFormatter().string(from: Date()))
        }
    }
    var meta: Meta
    var runId: String
    var floor: [Floor.Figure] = []
    var clientCeiling: RunResult?
    var oauth: [String: [String: String]] = [:]
    var runs: [RunResult] = []
    var notes: [String: [String]] = [:]
}

extension JSONEncoder {
    static var pretty: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return e
    }
}

func log(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}
