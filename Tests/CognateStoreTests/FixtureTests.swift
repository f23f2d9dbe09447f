@testable import CognateCore
import Testing

/// The suite's users must be indexed exactly as the core indexes them, or the suite would
/// test a store against keys the core never writes.
@Suite("Fixtures")
struct FixtureTests {
    @Test("fixture users carry the index Cognate.reindex computes")
    func indexMatchesCore() {
        let pool = Fixture.pool("p1")
        let users = [
            Fixture.user("p1", "Alice", email: "Alice@Example.com", phone: "+15555550100", attributes: ["preferred_username": "Ally", "name": "A", "given_name": "Al"]),
            Fixture.user("p1", "bob", email: "bob@example.com", phone: "+15555550101", verified: false, status: .unconfirmed, enabled: false),
            Fixture.user("p1", "carol"),
        ]
        for user in users {
            var core = user
            core.index = UserIndex()
            Cognate.reindex(&core, pool: pool)
            #expect(core.index == user.index, "\(user.username)")
        }
    }
}
