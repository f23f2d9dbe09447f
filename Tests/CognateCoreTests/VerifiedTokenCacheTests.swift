@testable import CognateCore
import Testing

@Suite("VerifiedTokenCache")
struct VerifiedTokenCacheTests {
    func entry(_ kid: String) -> VerifiedTokenCache.Entry { .init(poolId: "p", kid: kid, claims: [:]) }

    @Test("holds at most two generations; a hit in the older one survives the next turn")
    func generations() {
        let cache = VerifiedTokenCache(generationSize: 2)
        cache.put("a", entry("a"))
        cache.put("b", entry("b"))
        cache.put("c", entry("c"))  // newer {c}, older {a, b}
        #expect(cache.get("a")?.kid == "a")  // moved: newer {c, a}, older {b}
        cache.put("d", entry("d"))  // newer {d}, older {c, a}: b is gone
        #expect(cache.get("b") == nil)
        #expect(cache.get("a")?.kid == "a")
        #expect(cache.get("c")?.kid == "c")
        #expect(cache.get("d")?.kid == "d")
        for i in 0..<100 {
            cache.put("t\(i)", entry("t"))
            #expect(cache.count <= 4)
        }
        #expect(cache.get("t99") != nil)
        #expect(cache.get("a") == nil)
    }
}
