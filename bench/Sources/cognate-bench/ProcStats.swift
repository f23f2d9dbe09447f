#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// CPU time and memory of a process, read from /proc. CPU time is what the benchmark divides by
/// operations: unlike wall-clock throughput it does not depend on what else the machine runs.
enum ProcStats {
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// utime + stime of every thread of `pid`, in seconds.
    static func cpuSeconds(_ pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields after "(comm)": state is field 3, utime 14 and stime 15 (1-based).
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let u = Double(fields[11]), let s = Double(fields[12]) else { return nil }
        return (u + s) / ticksPerSecond
    }

    /// The sum over several processes (the nodes of one target); nil if any is gone.
    static func cpuSeconds(_ pids: [Int32]) -> Double? {
        var sum = 0.0
        for pid in pids {
            guard let s = cpuSeconds(pid) else { return nil }
            sum += s
        }
        return sum
    }

    /// `pid` and its children (a PostgreSQL server: the postmaster and its backends). A backend
    /// that exits inside a window takes its CPU with it; the nodes' pools keep theirs open.
    static func treeCPUSeconds(_ pid: Int32) -> Double? {
        guard var sum = cpuSeconds(pid) else { return nil }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let child = Int32(entry), child != pid,
                  let text = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
                  let close = text.lastIndex(of: ")")
            else { continue }
            let fields = text[text.index(after: close)...].split(separator: " ")
            // Field 4 (1-based) is the parent's pid; after "(comm)" it is the second.
            guard fields.count > 13, Int32(fields[1]) == pid, let u = Double(fields[11]), let s = Double(fields[12]) else { continue }
            sum += (u + s) / ticksPerSecond
        }
        return sum
    }

    static func selfCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// A /proc/PID/status figure in kB (VmRSS, VmHWM, …).
    static func statusKB(_ pid: Int32, _ field: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ")[0])
        }
        return nil
    }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "").split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// CPU time of the calling thread, in nanoseconds (for the in-process floor).
    static func threadCPUNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// CPU time of the whole process (every thread), in nanoseconds.
    static func processCPUNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
