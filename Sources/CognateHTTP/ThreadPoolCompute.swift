import CognateCore
import NIOPosix

/// Runs CPU-heavy work on NIO's shared blocking thread pool (one thread per core), keeping the
/// cooperative pool free for request handling.
public struct ThreadPoolCompute: ComputeExecutor {
    let pool: NIOThreadPool

    public init(pool: NIOThreadPool = .singleton) { self.pool = pool }

    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(work)
    }
}
