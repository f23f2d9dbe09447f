import CognateCore
import CognateCrypto
import Foundation
import Testing

/// Sign-in history (AdminListUserAuthEvents) with an injected clock: one event per attempt
/// through its challenges, newest first with pages, feedback from an admin and from the user's
/// token, and pools without threat protection, which keep none. The interop suite
/// (test_auth_events.py) drives the same through boto3 against the real binary.
@Suite("Sign-in history")
struct AuthEventTests {
    static var audit: [String: Any] { ["UserPoolAddOns": ["AdvancedSecurityMode": "AUDIT"]] }
    static let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"

    static func events(_ c: TestServer.Client, _ pool: String, _ name: String, max: Int? = nil, next: String? = nil) async throws -> TestServer.Client.Reply {
        var body: [String: Any] = ["UserPoolId": pool, "Username": name]
        if let max { body["MaxResults"] = max }
        if let next { body["NextToken"] = next }
        return try await c.call("AdminListUserAuthEvents", body)
    }

    static func list(_ c: TestServer.Client, _ pool: String, _ name: String) async throws -> [[String: Any]] {
        let r = try await events(c, pool, name)
        #expect(r.status == .ok, "\(r.errorType ?? "") \(r.message ?? "")")
        return r["AuthEvents"] as? [[String: Any]] ?? []
    }

    static func challenges(_ event: [String: Any]) -> [String] {
        (event["ChallengeResponses"] as? [[String: Any]] ?? []).map { "\($0["ChallengeName"] ?? "")=\($0["ChallengeResponse"] ?? "")" }
    }

    @Test func wrongThenRightPasswordAreTwoEventsNewestFirst() async throws {
        let clock = ManualClock()
        try await TestServer.make(clock: clock).run { c in
            let (pool, client, _) = try await c.poolAndClient(pool: Self.audit)
            try await c.user(pool, "ann")
            let wrong = try await c.call("InitiateAuth", [
                "ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": ["USERNAME": "ann", "PASSWORD": "Wrong0ne!"],
            ], userAgent: Self.chrome)
            #expect(wrong.errorType == "NotAuthorizedException")
            clock.advance(5)
            let right = try await c.call("InitiateAuth", [
                "ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": ["USERNAME": "ann", "PASSWORD": "Passw0rd!"],
            ], userAgent: Self.chrome)
            let idToken = try #require((right["AuthenticationResult"] as? [String: Any])?["IdToken"] as? String)

            let events = try await Self.list(c, pool, "ann")
            #expect(events.count == 2)
            #expect(events.map { $0["EventResponse"] as? String } == ["Pass", "Fail"])
            #expect(events.map(Self.challenges) == [["Password=Success"], ["Password=Failure"]])
            #expect(events.allSatisfy { $0["EventType"] as? String == "SignIn" })
            let newest = events[0]
            #expect((newest["CreationDate"] as? Double).map { abs($0 - clock.now().timeIntervalSince1970) < 0.001 } == true)
            #expect((newest["CreationDate"] as? Double ?? 0) > (events[1]["CreationDate"] as? Double ?? 0))
            let risk = newest["EventRisk"] as? [String: Any]
            #expect(risk?["RiskDecision"] as? String == "NoRisk")
            #expect(risk?["CompromisedCredentialsDetected"] as? Bool == false)
            #expect(risk?["RiskLevel"] == nil, "no risk found, no level (as Cognito reports it)")
            #expect((newest["EventContextData"] as? [String: Any])?["DeviceName"] as? String == "Chrome 126, Windows 10")
            #expect(newest["EventFeedback"] == nil)
            // The tokens name the sign-in's event, as Cognito's do.
            #expect(decodeJWT(idToken)["event_id"] as? String == newest["EventId"] as? String)
        }
    }

    @Test func aSecondFactorAddsToTheSameEvent() async throws {
        let clock = ManualClock()
        try await TestServer.make(clock: clock).run { c in
            let (pool, client, _) = try await c.poolAndClient(pool: Self.audit)
            _ = try await c.ok("SetUserPoolMfaConfig", ["UserPoolId": pool, "MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": ["Enabled": true]])
            try await c.user(pool, "mo")
            let access = try await c.accessToken(client, "mo")
            let secretCode = try #require(try await c.ok("AssociateSoftwareToken", ["AccessToken": access])["SecretCode"] as? String)
            let secret = try #require(Base32.decode(secretCode))
            _ = try await c.ok("VerifySoftwareToken", ["AccessToken": access, "UserCode": MFATests.code(secret, step: MFATests.step(clock))])
            _ = try await c.ok("SetUserMFAPreference", ["AccessToken": access, "SoftwareTokenMfaSettings": ["Enabled": true, "PreferredMfa": true]])
            clock.advance(1)

            let session = try await MFATests.challenge(c, client, "mo")
            var events = try await Self.list(c, pool, "mo")
            #expect(events.first?["EventResponse"] as? String == "InProgress")
            #expect(events.first.map(Self.challenges) == ["Password=Success"])

            let wrong = try await MFATests.answer(c, client, "mo", session: session, code: MFATests.code(secret, step: MFATests.step(clock) + 5))
            #expect(wrong.errorType == "CodeMismatchException")
            clock.advance(30)
            let right = try await MFATests.answer(c, client, "mo", session: session, code: MFATests.code(secret, step: MFATests.step(clock)))
            #expect(right["AuthenticationResult"] != nil, "\(right.message ?? "")")

            events = try await Self.list(c, pool, "mo")
            // The first sign-in (before MFA) and this one: still two events.
            #expect(events.count == 2)
            #expect(events[0]["EventResponse"] as? String == "Pass")
            #expect(Self.challenges(events[0]) == ["Password=Success", "Mfa=Failure", "Mfa=Success"])
        }
    }

    @Test func srpSignInIsOneEvent() async throws {
        try await TestServer.make().run { c in
            let (pool, client, _) = try await c.poolAndClient(pool: Self.audit)
            try await c.user(pool, "sam")
            let wrong = try await SignInTests.srpAnswer(c, pool: pool, client: client, username: "sam", password: "Passw0rd?")
            #expect(try await c.call("RespondToAuthChallenge", wrong).errorType == "NotAuthorizedException")
            let answer = try await SignInTests.srpAnswer(c, pool: pool, client: client, username: "sam", password: "Passw0rd!")
            let result = try await c.ok("RespondToAuthChallenge", answer)
            let tokens = try #require((result["AuthenticationResult"] as? [String: Any])?["IdToken"] as? String)
            let events = try await Self.list(c, pool, "sam")
            #expect(events.map { $0["EventResponse"] as? String } == ["Pass", "Fail"])
            #expect(events.map(Self.challenges) == [["Password=Success"], ["Password=Failure"]])
            #expect(decodeJWT(tokens)["event_id"] as? String == events.first?["EventId"] as? String)
        }
    }

    @Test func pagesNewestFirst() async throws {
        let clock = ManualClock()
        try await TestServer.make(clock: clock).run { c in
            let (pool, client, _) = try await c.poolAndClient(pool: Self.audit)
            try await c.user(pool, "pat")
            for _ in 0..<5 {
                _ = try await c.accessToken(client, "pat")
                clock.advance(1)
            }
            var seen: [String] = []
            var dates: [Double] = []
            var next: String?
            repeat {
                let r = try await Self.events(c, pool, "pat", max: 2, next: next)
                let page = r["AuthEvents"] as? [[String: Any]] ?? []
                #expect(page.count <= 2)
                seen += page.compactMap { $0["EventId"] as? String }
                dates += page.compactMap { $0["CreationDate"] as? Double }
                next = r["NextToken"] as? String
            } while next != nil
            #expect(seen.count == 5 && Set(seen).count == 5)
            #expect(dates == dates.sorted(by: >))
            // MaxResults 0 means 60.
            #expect((try await Self.events(c, pool, "pat", max: 0)["AuthEvents"] as? [Any])?.count == 5)
            let bad = try await Self.events(c, pool, "pat", next: "bm90IGEgdG9rZW4=")
            #expect(bad.errorType == "InvalidParameterException")
        }
    }

    @Test func feedbackFromAnAdminAndFromTheUsersToken() async throws {
        let clock = ManualClock()
        let server = try await TestServer.make(clock: clock)
        try await server.run { c in
            let (pool, client, _) = try await c.poolAndClient(pool: Self.audit)
            try await c.user(pool, "fay")
            _ = try await c.accessToken(client, "fay")
            let id = try #require(try await Self.list(c, pool, "fay").first?["EventId"] as? String)

            _ = try await c.ok("AdminUpdateAuthEventFeedback", ["UserPoolId": pool, "Username": "fay", "EventId": id, "FeedbackValue": "Invalid"])
            var feedback = try await Self.list(c, pool, "fay").first?["EventFeedback"] as? [String: Any]
            #expect(feedback?["FeedbackValue"] as? String == "Invalid")
            #expect(feedback?["Provider"] as? String == "Admin")
            #expect((feedback?["FeedbackDate"] as? Double).map { abs($0 - clock.now().timeIntervalSince1970) < 0.001 } == true)

            // The user's feedback needs the event's own token: another event's, or a made-up one, is refused.
            let token = server.cognate.authEventFeedbackToken(poolId: pool, username: "fay", eventId: id)
            let other = server.cognate.authEventFeedbackToken(poolId: pool, username: "fay", eventId: id + "x")
            for forged in [other, "abc", String(token.dropLast()) + (token.hasSuffix("A") ? "B" : "A")] {
                let r = try await c.call("UpdateAuthEventFeedback", [
                    "UserPoolId": pool, "Username": "fay", "EventId": id, "FeedbackToken": forged, "FeedbackValue": "Valid",
                ])
                #expect(r.errorType == "NotAuthorizedException")
            }
            #expect(try await Self.list(c, pool, "fay").first?["EventFeedback"].map { ($0 as? [String: Any])?["FeedbackValue"] as? String } == "Invalid")
            clock.advance(10)
            _ = try await c.ok("UpdateAuthEventFeedback", ["UserPoolId": pool, "Username": "fay", "EventId": id, "FeedbackToken": token, "FeedbackValue": "Valid"])
            feedback = try await Self.list(c, pool, "fay").first?["EventFeedback"] as? [String: Any]
            #expect(feedback?["FeedbackValue"] as? String == "Valid")
            #expect(feedback?["Provider"] as? String == "User")

            let unknown = try await c.call("AdminUpdateAuthEventFeedback", ["UserPoolId": pool, "Username": "fay", "EventId": "nope", "FeedbackValue": "Valid"])
            #expect(unknown.errorType == "ResourceNotFoundException")
            let badValue = try await c.call("AdminUpdateAuthEventFeedback", ["UserPoolId": pool, "Username": "fay", "EventId": id, "FeedbackValue": "Maybe"])
            #expect(badValue.errorType == "InvalidParameterException")
            #expect(feedback?["FeedbackValue"] as? String == "Valid")
        }
    }

    @Test func aPoolWithoutThreatProtectionKeepsNone() async throws {
        try await TestServer.make().run { c in
            let (pool, client, _) = try await c.poolAndClient()
            try await c.user(pool, "oz")
            _ = try await c.accessToken(client, "oz")
            for r in [
                try await Self.events(c, pool, "oz"),
                try await c.call("AdminUpdateAuthEventFeedback", ["UserPoolId": pool, "Username": "oz", "EventId": "e", "FeedbackValue": "Valid"]),
                try await c.call("UpdateAuthEventFeedback", ["UserPoolId": pool, "Username": "oz", "EventId": "e", "FeedbackToken": "t", "FeedbackValue": "Valid"]),
            ] {
                #expect(r.errorType == "UserPoolAddOnNotEnabledException")
            }
            // Turning it on later shows only what came after: nothing was recorded while it was off.
            _ = try await c.ok("UpdateUserPool", ["UserPoolId": pool].merging(Self.audit) { $1 })
            #expect(try await Self.list(c, pool, "oz").isEmpty)
            let missing = try await Self.events(c, pool, "nobody")
            #expect(missing.errorType == "UserNotFoundException")
        }
    }
}
