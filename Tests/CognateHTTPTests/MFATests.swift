import CognateCore
import CognateCrypto
import Foundation
import Testing

/// The second factor with an injected clock: the TOTP drift window (one step either way), codes
/// accepted once, and challenge sessions (with their SMS codes) that expire. The interop suite
/// (test_mfa.py) drives the same flows with pyotp against the real binary.
@Suite("Multi-factor sign-in")
struct MFATests {
    /// The code of `secret` for the time step `step` (RFC 6238).
    static func code(_ secret: [UInt8], step: Int) -> String {
        OpenSSLOneTimePasswords().hotp(secret: secret, counter: UInt64(step), digits: 6)
    }

    static func step(_ clock: ManualClock) -> Int { Int(clock.now().timeIntervalSince1970 / 30) }

    /// A pool offering software tokens (OPTIONAL), its client, and a user with a token the
    /// secret of which is returned; verified with the code of the step before the current one.
    static func enrolled(_ c: TestServer.Client, _ clock: ManualClock, name: String) async throws -> (pool: String, client: String, secret: [UInt8]) {
        let (pool, client, _) = try await c.poolAndClient()
        _ = try await c.ok("SetUserPoolMfaConfig", ["UserPoolId": pool, "MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": ["Enabled": true]])
        try await c.user(pool, name)
        let access = try await c.accessToken(client, name)
        let secretCode = try #require(try await c.ok("AssociateSoftwareToken", ["AccessToken": access])["SecretCode"] as? String)
        let secret = try #require(Base32.decode(secretCode))
        #expect(secret.count == 32)
        return (pool, client, secret)
    }

    static func answer(_ c: TestServer.Client, _ client: String, _ name: String, session: String, code: String) async throws -> TestServer.Client.Reply {
        try await c.call("RespondToAuthChallenge", [
            "ClientId": client, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": session,
            "ChallengeResponses": ["USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": code],
        ])
    }

    static func challenge(_ c: TestServer.Client, _ client: String, _ name: String) async throws -> String {
        let r = try await c.passwordSignIn(client, name)
        #expect(r["ChallengeName"] as? String == "SOFTWARE_TOKEN_MFA")
        return try #require(r["Session"] as? String)
    }

    @Test func oneStepOfDriftEitherWayAndEachCodeOnce() async throws {
        let clock = ManualClock()
        try await TestServer.make(clock: clock).run { c in
            let (_, client, secret) = try await Self.enrolled(c, clock, name: "tia")
            let access = try await c.accessToken(client, "tia")
            let now = Self.step(clock)
            // The code of the step before is still good (the app's clock is a little behind).
            _ = try await c.ok("VerifySoftwareToken", ["AccessToken": access, "UserCode": Self.code(secret, step: now - 1)])

            // The current code, and the next one (the app's clock a little ahead).
            for step in [now, now + 1] {
                let r = try await Self.answer(c, client, "tia", session: try await Self.challenge(c, client, "tia"), code: Self.code(secret, step: step))
                #expect(r["AuthenticationResult"] != nil, "step \(step - now): \(r.message ?? "")")
            }
            // Two steps ahead is too far; a code used before (or an older one) is refused as used.
            let session = try await Self.challenge(c, client, "tia")
            #expect(try await Self.answer(c, client, "tia", session: session, code: Self.code(secret, step: now + 2)).errorType == "CodeMismatchException")
            let used = try await Self.answer(c, client, "tia", session: session, code: Self.code(secret, step: now + 1))
            #expect(used.errorType == "ExpiredCodeException")
            #expect(used.message == "Your software token has already been used once.")

            // Ninety seconds on: the code of two steps back is too old, the current one is good.
            clock.advance(90)
            let later = Self.step(clock)
            let fresh = try await Self.challenge(c, client, "tia")
            #expect(try await Self.answer(c, client, "tia", session: fresh, code: Self.code(secret, step: later - 2)).errorType == "CodeMismatchException")
            #expect(try await Self.answer(c, client, "tia", session: fresh, code: Self.code(secret, step: later))["AuthenticationResult"] != nil)
        }
    }

    @Test func aTokenIsNotVerifiedByACodeTwoStepsBack() async throws {
        let clock = ManualClock()
        try await TestServer.make(clock: clock).run { c in
            let (_, client, secret) = try await Self.enrolled(c, clock, name: "ugo")
            let access = try await c.accessToken(client, "ugo")
            let r = try await c.call("VerifySoftwareToken", ["AccessToken": access, "UserCode": Self.code(secret, step: Self.step(clock) - 2)])
            #expect(r.errorType == "EnableSoftwareTokenMFAException")
            // Not verified: the user signs in without a second factor.
            #expect(try await c.passwordSignIn(client, "ugo")["AuthenticationResult"] != nil)
        }
    }

    @Test func challengeSessionsExpire() async throws {
        let clock = ManualClock()
        let server = try await TestServer.make(clock: clock)
        try await server.run { c in
            let (pool, client, secret) = try await Self.enrolled(c, clock, name: "val")
            let access = try await c.accessToken(client, "val")
            _ = try await c.ok("VerifySoftwareToken", ["AccessToken": access, "UserCode": Self.code(secret, step: Self.step(clock))])
            let session = try await Self.challenge(c, client, "val")
            // The client's AuthSessionValidity (3 minutes by default), then the session is gone.
            clock.advance(181)
            let late = try await Self.answer(c, client, "val", session: session, code: Self.code(secret, step: Self.step(clock)))
            #expect(late.errorType == "NotAuthorizedException")
            #expect(late.message == "Invalid session for the user, session is expired.")

            // An SMS code lives as long as its session.
            _ = try await c.ok("SetUserPoolMfaConfig", [
                "UserPoolId": pool, "MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": ["Enabled": true],
                "SmsMfaConfiguration": ["SmsConfiguration": ["SnsCallerArn": "arn:aws:iam::123456789012:role/sms"]],
            ])
            _ = try await c.ok("AdminUpdateUserAttributes", ["UserPoolId": pool, "Username": "val", "UserAttributes": [["Name": "phone_number", "Value": "+15555550100"]]])
            _ = try await c.ok("AdminSetUserMFAPreference", ["UserPoolId": pool, "Username": "val", "SMSMfaSettings": ["Enabled": true, "PreferredMfa": true]])
            let sms = try await c.passwordSignIn(client, "val")
            #expect(sms["ChallengeName"] as? String == "SMS_MFA")
            let code = try #require(server.outbox.list(poolId: pool, username: "val").last { $0.kind == "Authentication" }?.code)
            clock.advance(181)
            let expired = try await c.call("RespondToAuthChallenge", [
                "ClientId": client, "ChallengeName": "SMS_MFA", "Session": try #require(sms["Session"] as? String),
                "ChallengeResponses": ["USERNAME": "val", "SMS_MFA_CODE": code],
            ])
            #expect(expired.message == "Invalid session for the user, session is expired.")
        }
    }
}
