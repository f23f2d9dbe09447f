import Foundation
import Synchronization

/// One timed run: `concurrency` threads, each on its own keep-alive connection, run the scenario
/// in a closed loop. The window opens after a warm-up; server and client CPU are read from /proc
/// at its edges, and only operations that started and ended inside it count.
struct RunResult: Codable {
    var target: String
    var scenario: String
    var concurrency: Int
    var ops: Int
    var seconds: Double
    var opsPerSecond: Double
    var serverCPUPerOp: Double?
    var clientCPUPerOp: Double
    var p50ms: Double
    var p99ms: Double
    var maxms: Double
    var errors: Int
    var errorSamples: [String]
    var serverRSSKB: Int?
    var serverHWMKB: Int?
    var load: String
    /// The scenario's crypto floor measured in-process right before and after this scenario's
    /// runs (the mean of the two), so that the ratio does not drift with the machine's load
    /// between the start of the run and this scenario.
    var floorCPU: Double?
    /// Nodes that served the run (several on one PostgreSQL database).
    var nodes: Int? = nil
    /// The database server's CPU per operation (PostgreSQL's processes; nil on SQLite).
    var databaseCPUPerOp: Double? = nil
    /// Statements sent to the database per operation, each one round trip (PostgreSQL).
    var statementsPerOp: Double? = nil

    /// Server throughput per core: operations per second of server CPU.
    var perCore: Double? { serverCPUPerOp.map { $0 > 0 ? 1 / $0 : 0 } }
}

final class Control: Sendable {
    let phase = Atomic<Int>(0)  // 0 warm-up, 1 measuring, 2 stop
}

enum Runner {
    struct Sample { var start: UInt64; var end: UInt64 }

    static func run(_ scenario: Scenario, on target: Target, concurrency: Int, seconds: Double, warmup: Double, run: String) -> RunResult {
        let control = Control()
        let samples = LockedList<[Sample]>()
        let errors = LockedList<String>()
        let ready = DispatchGroup()
        let done = DispatchGroup()
        for i in 0..<concurrency {
            ready.enter()
            done.enter()
            let thread = Thread {
                let w = Worker(target: target, index: i, run: run)
                var mine: [Sample] = []
                mine.reserveCapacity(1 << 14)
                do { try scenario.refusal?(w) } catch { errors.append("refusal: \(error)") }
                ready.leave()
                while control.phase.load(ordering: .relaxed) < 2 {
                    let t0 = ProcStats.monotonicNanos()
                    do {
                        try scenario.op(w)
                    } catch {
                        errors.append("\(error)")
                        continue
                    }
                    mine.append(Sample(start: t0, end: ProcStats.monotonicNanos()))
                }
                do { try scenario.refusal?(w) } catch { errors.append("refusal: \(error)") }
                samples.append(mine)
                w.conn.close()
                done.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        ready.wait()
        Thread.sleep(forTimeInterval: warmup)
        let statements0 = target.statements?.count()
        let db0 = target.databasePid.flatMap(ProcStats.treeCPUSeconds)
        let cpu0 = ProcStats.cpuSeconds(target.pids)
        let client0 = ProcStats.selfCPUSeconds()
        let t0 = ProcStats.monotonicNanos()
        control.phase.store(1, ordering: .relaxed)
        Thread.sleep(forTimeInterval: seconds)
        let t1 = ProcStats.monotonicNanos()
        let cpu1 = ProcStats.cpuSeconds(target.pids)
        let db1 = target.databasePid.flatMap(ProcStats.treeCPUSeconds)
        let client1 = ProcStats.selfCPUSeconds()
        let rss = ProcStats.statusKB(target.pid, "VmRSS")
        let hwm = ProcStats.statusKB(target.pid, "VmHWM")
        let load = ProcStats.loadAverage()
        control.phase.store(2, ordering: .relaxed)
        done.wait()
        let statements1 = target.statements?.count()

        var latencies: [UInt64] = []
        for list in samples.items {
            for s in list where s.start >= t0 && s.end <= t1 { latencies.append(s.end - s.start) }
        }
        latencies.sort()
        let ops = latencies.count
        let wall = Double(t1 - t0) / 1e9
        func pct(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            let i = min(latencies.count - 1, Int((p * Double(latencies.count)).rounded(.up)) - 1)
            return Double(latencies[max(0, i)]) / 1e6
        }
        let errs = errors.items
        // Statements are counted from the window's start to after the last worker stopped, so
        // they cover operations in flight at the edges too: at most `concurrency` more than
        // `ops` (the figure is meant to be read at concurrency 1).
        var statementsPerOp: Double?
        if let s0 = statements0, let s1 = statements1, ops > 0 { statementsPerOp = Double(s1 - s0) / Double(ops) }
        var result = RunResult(
            target: target.name, scenario: scenario.name, concurrency: concurrency, ops: ops, seconds: wall,
            opsPerSecond: Double(ops) / wall,
            serverCPUPerOp: (cpu0 != nil && cpu1 != nil && ops > 0) ? (cpu1! - cpu0!) / Double(ops) : nil,
            clientCPUPerOp: ops > 0 ? (client1 - client0) / Double(ops) : 0,
            p50ms: pct(0.50), p99ms: pct(0.99), maxms: latencies.last.map { Double($0) / 1e6 } ?? 0,
            errors: errs.count, errorSamples: Array(Set(errs).prefix(5)), serverRSSKB: rss, serverHWMKB: hwm, load: load
        )
        result.nodes = target.pids.count
        if let db0, let db1, ops > 0 { result.databaseCPUPerOp = (db1 - db0) / Double(ops) }
        result.statementsPerOp = statementsPerOp
        return result
    }
}
