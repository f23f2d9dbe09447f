import Synchronization

/// Server SRP ephemerals (b, g^b), made ahead in batches on the compute executor.
///
/// g^b is the only exponentiation of an SRP challenge and does not depend on the user, so with a
/// pair at hand the challenge needs just B = k·v + g^b, one modular multiplication on the
/// request's own thread, and no hand-off to the compute pool and back: a batch pays one
/// hand-off for `batch` challenges, and the table behind g^b stays warm while it is made.
/// Every pair is handed out once, and lives only in this process's memory (b leaves it only
/// sealed inside a SECRET_BLOCK, as before).
///
/// A challenge that finds the stock empty while a batch is being made waits for that batch
/// rather than making its own pair. Under a burst (many connections starting at once) the
/// batch is queued behind the burst's other work on the compute pool, so making one's own pair
/// would wait as long, and it would cost a hand-off per challenge and a g^b with the table
/// gone cold: a third of the challenges at concurrency 64 did that before.
final class SRPEphemeralStock: Sendable {
    struct Pair: Sendable {
        var secret: [UInt8]
        var power: [UInt8]
    }

    /// A challenge waiting for the batch in progress; resumed with a pair, or with nil when the
    /// batch failed and it is to make its own.
    typealias Waiter = CheckedContinuation<Pair?, Never>

    private struct State {
        var pairs: [Pair] = []
        var refilling = false
        var waiters: [Waiter] = []
    }

    private enum Take {
        case pair(Pair)
        case wait
        case makeOwn
    }

    private let state = Mutex(State())
    /// Pairs made per batch; a batch starts when fewer than this many are left, so that the
    /// stock outlasts a refill queued behind a full compute pool. 0 makes each pair on demand.
    let batch: Int

    init(batch: Int) { self.batch = batch }

    /// A pair never handed out before: from the stock, which is topped up in the background
    /// when it runs low; from the batch in progress when the stock is empty; or made now when
    /// there is no stock.
    func take(_ deps: Dependencies) async throws -> Pair {
        let srp = deps.srp, random = deps.random
        if batch > 0, let pair = await takeFromStock(deps) { return pair }
        return try await deps.compute.run { try Self.make(srp, random) }
    }

    /// Pops a pair, or waits for the batch in progress, and starts a batch when the stock runs
    /// low; nil when the batch failed.
    private func takeFromStock(_ deps: Dependencies) async -> Pair? {
        let (taken, refill) = state.withLock { s -> (Take, Bool) in
            let refill = !s.refilling && s.pairs.count <= batch  // fewer than `batch` left after this take
            if refill { s.refilling = true }
            if let pair = s.pairs.popLast() { return (.pair(pair), refill) }
            return (s.refilling ? .wait : .makeOwn, refill)
        }
        if refill { startBatch(deps) }
        switch taken {
        case .pair(let pair): return pair
        case .makeOwn: return nil
        case .wait: break
        }
        return await withCheckedContinuation { (waiter: Waiter) in
            // The batch may have landed between the two locks: take from it, or queue up.
            let pair = state.withLock { s -> Pair?? in
                if let pair = s.pairs.popLast() { return .some(pair) }
                guard s.refilling else { return .some(nil) }
                s.waiters.append(waiter)
                return nil
            }
            if let pair { waiter.resume(returning: pair) }
        }
    }

    private func startBatch(_ deps: Dependencies) {
        let srp = deps.srp, random = deps.random, count = batch
        Task {
            do {
                // Stocked by the batch's own run, so that a finished run means stocked pairs.
                // A draw of b = 0 (probability 2^-256) is skipped, not handed out.
                try await deps.compute.run { self.stock((0..<count).compactMap { _ in try? Self.make(srp, random) }, deps) }
            } catch {
                self.stock([], deps)
            }
        }
    }

    /// Hands the batch to the waiters first, oldest first, and stocks the rest. Waiters the
    /// batch did not cover wait for the next one, started here. An empty batch (a failure)
    /// sends every waiter to make its own pair, rather than to wait on a batch that may fail again.
    private func stock(_ made: [Pair], _ deps: Dependencies) {
        let (served, orphans, again) = state.withLock { s -> ([(Waiter, Pair)], [Waiter], Bool) in
            guard !made.isEmpty else {
                let orphans = s.waiters
                s.waiters = []
                s.refilling = false
                return ([], orphans, false)
            }
            var made = made
            var served: [(Waiter, Pair)] = []
            while !s.waiters.isEmpty, let pair = made.popLast() {
                served.append((s.waiters.removeFirst(), pair))
            }
            s.pairs += made
            s.refilling = !s.waiters.isEmpty
            return (served, [], s.refilling)
        }
        for (waiter, pair) in served { waiter.resume(returning: pair) }
        for waiter in orphans { waiter.resume(returning: nil) }
        if again { startBatch(deps) }
    }

    private static func make(_ srp: any SRPEngine, _ random: any RandomSource) throws -> Pair {
        let b = random.bytes(count: Cognate.srpSecretBytes)
        return Pair(secret: b, power: try srp.serverEphemeral(secret: b))
    }
}
