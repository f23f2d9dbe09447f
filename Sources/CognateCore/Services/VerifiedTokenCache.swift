import Synchronization

/// Access tokens whose RS256 signature this process has already checked, with their parsed
/// claims. Clients send one access token with every call for its hour, and the verification
/// (~20 µs) and parsing were a sixth of a GetUser's server CPU.
///
/// Only the signature is remembered: a hit is the same bytes that verified before, and the key
/// must still be one of the pool's; expiry, scope, revocation and the user are checked on
/// every call as before. Bounded by two generations: when the newer one is full it becomes
/// the older and the oldest is dropped; a hit in the older one moves to the newer.
final class VerifiedTokenCache: Sendable {
    struct Entry: Sendable {
        var poolId: String
        var kid: String
        var claims: [String: JSONValue]
    }

    private struct Generations {
        var newer: [String: Entry] = [:]
        var older: [String: Entry] = [:]
    }

    /// Entries per generation (at most twice as many held; an access token is ~1 KB).
    let generationSize: Int
    private let state = Mutex(Generations())

    init(generationSize: Int = 1024) { self.generationSize = max(1, generationSize) }

    func get(_ token: String) -> Entry? {
        state.withLock { s in
            if let e = s.newer[token] { return e }
            guard let e = s.older.removeValue(forKey: token) else { return nil }
            Self.insert(token, e, into: &s, limit: generationSize)
            return e
        }
    }

    func put(_ token: String, _ entry: Entry) {
        state.withLock { Self.insert(token, entry, into: &$0, limit: generationSize) }
    }

    /// Tokens held (tests).
    var count: Int { state.withLock { $0.newer.count + $0.older.count } }

    private static func insert(_ token: String, _ entry: Entry, into s: inout Generations, limit: Int) {
        if s.newer.count >= limit {
            s.older = s.newer
            s.newer = [:]
        }
        s.newer[token] = entry
    }
}
