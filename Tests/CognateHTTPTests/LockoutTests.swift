import CognateCore
import Foundation
import Testing

/// Contract §7: five failed sign-ins lock the user for 1 s, doubling with each further failure;
/// tries during a lockout are refused and not counted; 15 minutes without failures reset it.
@Suite("Lockout after failed sign-ins")
struct LockoutTests {
    @Test func fiveFailuresLockTheUserForASecondThenLongerWithEachFailure() async throws {
        let clock = ManualClock()
        try await TestServer.make(clock: clock).run { c in
            let (pool, client, _) = try await c.poolAndClient()
            try await c.user(pool, "lou")
            for _ in 0..<5 {
                #expect(try await c.passwordSignIn(client, "lou", "Wr0ng-pass!").message == "Incorrect username or password.")
            }
            // Locked: even the right password is refused, and the refusal is not counted.
            for _ in 0..<3 {
                let locked = try await c.passwordSignIn(client, "lou", "Passw0rd!")
                #expect(locked.errorType == "NotAuthorizedException")
                #expect(locked.message == "Password attempts exceeded")
            }
            clock.advance(1.1)
            #expect(try await c.passwordSignIn(client, "lou", "Passw0rd!").status == .ok)

            // The success started the count again: five more failures, then a sixth after the
            // first lock locks for 2 s.
            for _ in 0..<5 { _ = try await c.passwordSignIn(client, "lou", "Wr0ng-pass!") }
            clock.advance(1.1)
            #expect(try await c.passwordSignIn(client, "lou", "Wr0ng-pass!").message == "Incorrect username or password.")
            clock.advance(1.1)
            #expect(try await c.passwordSignIn(client, "lou", "Passw0rd!").message == "Password attempts exceeded")
            clock.advance(1.0)
            #expect(try await c.passwordSignIn(client, "lou", "Passw0rd!").status == .ok)

            // Another user is not affected by lou's failures.
            try await c.user(pool, "max")
            for _ in 0..<5 { _ = try await c.passwordSignIn(client, "lou", "Wr0ng-pass!") }
            #expect(try await c.passwordSignIn(client, "max", "Passw0rd!").status == .ok)
            #expect(try await c.passwordSignIn(client, "lou", "Passw0rd!").message == "Password attempts exceeded")

            // Fifteen minutes without a failure: the count starts from one again.
            clock.advance(901)
            #expect(try await c.passwordSignIn(client, "lou", "Wr0ng-pass!").message == "Incorrect username or password.")
            #expect(try await c.passwordSignIn(client, "lou", "Passw0rd!").status == .ok)
        }
    }

    /// SRP and the password flows share one count: wrong SRP proofs lock the password sign-in,
    /// and a locked user's SRP answer is refused before any modexp.
    @Test func wrongSRPProofsCountAndALockedUserCannotAnswer() async throws {
        let clock = ManualClock()
        try await TestServer.make(clock: clock).run { c in
            var offset = 0.0
            let (pool, client, _) = try await c.poolAndClient()
            try await c.user(pool, "sal")
            for _ in 0..<5 {
                let r = try await SignInTests.srpSignIn(c, pool: pool, client: client, username: "sal", password: "Wr0ng-pass!", clockOffset: offset)
                #expect(r.message == "Incorrect username or password.")
            }
            #expect(try await c.passwordSignIn(client, "sal", "Passw0rd!").message == "Password attempts exceeded")
            let locked = try await SignInTests.srpSignIn(c, pool: pool, client: client, username: "sal", password: "Passw0rd!", clockOffset: offset)
            #expect(locked.message == "Password attempts exceeded")
            clock.advance(2); offset += 2
            let good = try await SignInTests.srpSignIn(c, pool: pool, client: client, username: "sal", password: "Passw0rd!", clockOffset: offset)
            #expect(good.status == .ok)
            // The success cleared the count: one failure does not lock.
            _ = try await c.passwordSignIn(client, "sal", "Wr0ng-pass!")
            #expect(try await c.passwordSignIn(client, "sal", "Passw0rd!").status == .ok)
        }
    }
}
