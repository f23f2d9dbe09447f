import Synchronization

/// Server SRP ephemerals (b, g^b), made ahead in batches on the compute executor.
///
/// g^b is the only exponentiation of an SRP challenge and does not depend on the user, so with a
/// pair at hand the challenge needs just B = k·v + g^b, one modular multiplication on the
/// request's own thread, and no hand-off to the compute pool and back: a batch pays one
/// hand-off for `batch` challenges, and the table behind g^b stays warm while it is made.
/// Every pair is handed out once, and lives only in this process's memory (b leaves it only
/// sealed inside a SECRET_BLOCK, as before).
final class SRPEphemeralStock: Sendable {
    struct Pair: Sendable {
        var secret: [UInt8]
        var power: [UInt8]
    }

    private struct State {
        var pairs: [Pair] = []
        var refilling = false
    }

    private let state = Mutex(State())
    /// Pairs made per batch; a batch starts when fewer than this many are left, so that the
    /// stock outlasts a refill queued behind a full compute pool. 0 makes each pair on demand.
    let batch: Int

    init(batch: Int) { self.batch = batch }

    /// A pair never handed out before: from the stock, which is topped up in the background
    /// when it runs low, or made now when the stock is empty.
    func take(_ deps: Dependencies) async throws -> Pair {
        let srp = deps.srp, random = deps.random
        if batch > 0, let pair = takeFromStock(deps) { return pair }
        return try await deps.compute.run { try Self.make(srp, random) }
    }

    /// Pops a pair, if any, and starts a batch when the stock runs low.
    private func takeFromStock(_ deps: Dependencies) -> Pair? {
        let srp = deps.srp, random = deps.random
        let (pair, refill) = state.withLock { s -> (Pair?, Bool) in
            let pair = s.pairs.popLast()
            let refill = !s.refilling && s.pairs.count < batch
            if refill { s.refilling = true }
            return (pair, refill)
        }
        if refill {
            let count = batch
            Task {
                do {
                    // Stocked by the batch's own run, so that a finished run means stocked pairs.
                    // A draw of b = 0 (probability 2^-256) is skipped, not handed out.
                    try await deps.compute.run { self.stock((0..<count).compactMap { _ in try? Self.make(srp, random) }) }
                } catch {
                    self.stock([])
                }
            }
        }
        return pair
    }

    private func stock(_ made: [Pair]) {
        state.withLock {
            $0.pairs += made
            $0.refilling = false
        }
    }

    private static func make(_ srp: any SRPEngine, _ random: any RandomSource) throws -> Pair {
        let b = random.bytes(count: Cognate.srpSecretBytes)
        return Pair(secret: b, power: try srp.serverEphemeral(secret: b))
    }
}
