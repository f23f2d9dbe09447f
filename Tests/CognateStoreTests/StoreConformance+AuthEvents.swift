import CognateCore
import Testing

// MARK: - Sign-in history

extension StoreConformance {
    static func eventStep(
        _ id: String, at: Double, user: String = "alice", pool: String = "us-east-1_aaa", challenge: AuthEventChallenge? = .password(true),
        response: String = "Pass"
    ) -> AuthEventStep {
        let start = AuthEventRecord(poolId: pool, username: user, eventId: id, createdAt: at, ipAddress: "192.0.2.1", deviceName: "Chrome 126, Linux")
        return AuthEventStep(start: start, challenge: challenge, response: response)
    }

    @Test("a sign-in's steps make one event; events list newest first by user, paged", arguments: Backend.all)
    func authEvents(_ backend: Backend) async throws {
        try await backend.run { store in
            // Three steps of one sign-in: the password, a wrong code, the right code.
            try await store.recordAuthEventStep(Self.eventStep("e1", at: 100, response: "InProgress"))
            try await store.recordAuthEventStep(Self.eventStep("e1", at: 999, challenge: .mfa(false), response: "InProgress"))
            try await store.recordAuthEventStep(Self.eventStep("e1", at: 999, challenge: .mfa(true), response: "Pass"))
            let first = try #require(try await store.authEvent(poolId: "us-east-1_aaa", username: "alice", eventId: "e1"))
            #expect(first.createdAt == 100, "the first step's time stays")
            #expect(first.challenges == [.password(true), .mfa(false), .mfa(true)])
            #expect(first.response == "Pass")
            #expect(first.ipAddress == "192.0.2.1" && first.deviceName == "Chrome 126, Linux")

            try await store.recordAuthEventStep(Self.eventStep("e2", at: 200, challenge: .password(false), response: "Fail"))
            // Same time as e2: the event id breaks the tie, both ways of paging agree.
            try await store.recordAuthEventStep(Self.eventStep("e3", at: 200))
            try await store.recordAuthEventStep(Self.eventStep("e4", at: 300.25))
            try await store.recordAuthEventStep(Self.eventStep("b1", at: 400, user: "bob"))
            try await store.recordAuthEventStep(Self.eventStep("p1", at: 400, pool: "us-east-1_bbb"))

            let all = try await store.authEvents(poolId: "us-east-1_aaa", username: "alice", after: nil, limit: 10)
            #expect(all.map(\.eventId) == ["e4", "e3", "e2", "e1"])
            let page1 = try await store.authEvents(poolId: "us-east-1_aaa", username: "alice", after: nil, limit: 2)
            #expect(page1.map(\.eventId) == ["e4", "e3"])
            let cursor = AuthEventCursor(createdAt: page1[1].createdAt, eventId: page1[1].eventId)
            #expect(try await store.authEvents(poolId: "us-east-1_aaa", username: "alice", after: cursor, limit: 2).map(\.eventId) == ["e2", "e1"])
            let end = AuthEventCursor(createdAt: 100, eventId: "e1")
            #expect(try await store.authEvents(poolId: "us-east-1_aaa", username: "alice", after: end, limit: 2).isEmpty)
            #expect(try await store.authEvent(poolId: "us-east-1_aaa", username: "bob", eventId: "e1") == nil, "another user's event")

            // Feedback is written on the event and kept by a later step.
            let feedback = AuthEventFeedback(value: "Invalid", provider: "Admin", date: 500)
            let updated = try await store.updateAuthEvent(poolId: "us-east-1_aaa", username: "alice", eventId: "e2") { $0.feedback = feedback }
            #expect(updated.feedback == feedback)
            try await store.recordAuthEventStep(Self.eventStep("e2", at: 200, challenge: nil, response: "Fail"))
            #expect(try await store.authEvent(poolId: "us-east-1_aaa", username: "alice", eventId: "e2")?.feedback == feedback)
            await #expect(throws: StoreConflict.notFound) {
                try await store.updateAuthEvent(poolId: "us-east-1_aaa", username: "alice", eventId: "nope") { _ in }
            }

            // Deleting the user deletes the user's events, and only theirs; deleting a pool, the pool's.
            try await store.deleteUser(poolId: "us-east-1_aaa", username: "alice")
            #expect(try await store.authEvents(poolId: "us-east-1_aaa", username: "alice", after: nil, limit: 10).isEmpty)
            #expect(try await store.authEvents(poolId: "us-east-1_aaa", username: "bob", after: nil, limit: 10).count == 1)
            try await store.createPool(Fixture.pool("us-east-1_bbb"), keys: [])
            try await store.deletePool(id: "us-east-1_bbb")
            #expect(try await store.authEvents(poolId: "us-east-1_bbb", username: "alice", after: nil, limit: 10).isEmpty)
        }
    }

    @Test("a sign-in's last step goes with its refresh token, in one commit", arguments: Backend.all)
    func authEventWithTokens(_ backend: Backend) async throws {
        try await backend.run { store in
            let marker = OnceMarker(id: [9, 9], expiresAt: 4_000_000_000)
            let family = Fixture.token("us-east-1_aaa", "alice", jti: "j1")
            let first = try await store.putRefreshToken(family, spending: marker, recording: Self.eventStep("e1", at: 100))
            #expect(first)
            #expect(try await store.refreshFamily(originJti: "j1") != nil)
            #expect(try await store.authEvent(poolId: "us-east-1_aaa", username: "alice", eventId: "e1")?.response == "Pass")
            // A second answer of the same challenge stores neither.
            let again = Fixture.token("us-east-1_aaa", "alice", jti: "j2", hash: [7])
            let second = try await store.putRefreshToken(again, spending: marker, recording: Self.eventStep("e2", at: 100))
            #expect(!second)
            #expect(try await store.refreshFamily(originJti: "j2") == nil)
            #expect(try await store.authEvent(poolId: "us-east-1_aaa", username: "alice", eventId: "e2") == nil)
            // Nothing to spend (a password sign-in): stored all the same.
            let third = Fixture.token("us-east-1_aaa", "alice", jti: "j3", hash: [8])
            let unspent = try await store.putRefreshToken(third, spending: nil, recording: Self.eventStep("e3", at: 100))
            #expect(unspent)
            #expect(try await store.authEvent(poolId: "us-east-1_aaa", username: "alice", eventId: "e3") != nil)
        }
    }

    @Test("a user keeps a bounded history: two years, and the newest events up to the limit", arguments: Backend.all)
    func authEventBounds(_ backend: Backend) async throws {
        try await backend.run { store in
            let year = 365 * 86400.0
            try await store.recordAuthEventStep(Self.eventStep("old", at: 1000))
            try await store.recordAuthEventStep(Self.eventStep("kept", at: 1000 + year))
            try await store.recordAuthEventStep(Self.eventStep("bob-old", at: 1000, user: "bob"))
            // Two years and a second after the first: it goes, the one a year younger stays, bob's is not touched.
            try await store.recordAuthEventStep(Self.eventStep("new", at: 1001 + 2 * year))
            #expect(try await store.authEvents(poolId: "us-east-1_aaa", username: "alice", after: nil, limit: 10).map(\.eventId) == ["new", "kept"])
            #expect(try await store.authEvents(poolId: "us-east-1_aaa", username: "bob", after: nil, limit: 10).count == 1)
        }
    }
}
