import CognateCore
import Foundation
import Testing

@Suite("One-time codes")
struct CodeTests {
    static func attribute(_ c: TestServer.Client, _ pool: String, _ name: String, _ attr: String) async throws -> String? {
        let u = try await c.ok("AdminGetUser", ["UserPoolId": pool, "Username": name])
        return (u["UserAttributes"] as? [[String: String]])?.first { $0["Name"] == attr }?["Value"]
    }

    /// A code sent to one e-mail address does not verify the address the user changes to
    /// afterwards (in a pool that does not verify changed addresses by itself).
    @Test func anAttributeCodeVerifiesOnlyTheValueItWasSentTo() async throws {
        let server = try await TestServer.make()
        try await server.run { c in
            let (pool, client, _) = try await c.poolAndClient()
            try await c.user(pool, "vera", attributes: [["Name": "email", "Value": "vera@example.com"]])
            let access = try await c.accessToken(client, "vera")
            _ = try await c.ok("GetUserAttributeVerificationCode", ["AccessToken": access, "AttributeName": "email"])
            let code = try #require(server.outbox.list(poolId: pool, username: "vera").last?.code)
            _ = try await c.ok("UpdateUserAttributes", ["AccessToken": access, "UserAttributes": [["Name": "email", "Value": "mallory@example.com"]]])
            let stale = try await c.call("VerifyUserAttribute", ["AccessToken": access, "AttributeName": "email", "Code": code])
            #expect(stale.errorType == "CodeMismatchException")
            #expect(try await Self.attribute(c, pool, "vera", "email_verified") != "true")

            // A code sent to the new address verifies it, once.
            _ = try await c.ok("GetUserAttributeVerificationCode", ["AccessToken": access, "AttributeName": "email"])
            let fresh = try #require(server.outbox.list(poolId: pool, username: "vera").last?.code)
            _ = try await c.ok("VerifyUserAttribute", ["AccessToken": access, "AttributeName": "email", "Code": fresh])
            #expect(try await Self.attribute(c, pool, "vera", "email_verified") == "true")
            let again = try await c.call("VerifyUserAttribute", ["AccessToken": access, "AttributeName": "email", "Code": fresh])
            #expect(again.errorType == "ExpiredCodeException")
        }
    }

    /// With an AccountRecoverySetting, the phone a user receives SMS MFA codes on is no recovery
    /// medium: the reset goes to the e-mail address instead, and with SMS alone there is none.
    @Test func aSecondFactorsPhoneIsNoRecoveryMedium() async throws {
        let server = try await TestServer.make()
        try await server.run { c in
            let (pool, client, _) = try await c.poolAndClient(pool: [
                "AccountRecoverySetting": ["RecoveryMechanisms": [["Name": "verified_phone_number", "Priority": 1], ["Name": "verified_email", "Priority": 2]]],
            ])
            _ = try await c.ok("SetUserPoolMfaConfig", [
                "UserPoolId": pool, "MfaConfiguration": "OPTIONAL",
                "SmsMfaConfiguration": ["SmsConfiguration": ["SnsCallerArn": "arn:aws:iam::123456789012:role/sms"]],
            ])
            try await c.user(pool, "pia", attributes: [
                ["Name": "email", "Value": "pia@example.com"], ["Name": "email_verified", "Value": "true"],
                ["Name": "phone_number", "Value": "+15555550101"], ["Name": "phone_number_verified", "Value": "true"],
            ])
            let before = try await c.ok("ForgotPassword", ["ClientId": client, "Username": "pia"])
            #expect((before["CodeDeliveryDetails"] as? [String: Any])?["DeliveryMedium"] as? String == "SMS")

            _ = try await c.ok("AdminSetUserMFAPreference", ["UserPoolId": pool, "Username": "pia", "SMSMfaSettings": ["Enabled": true]])
            do {
                let after = try await c.ok("ForgotPassword", ["ClientId": client, "Username": "pia"])
                #expect((after["CodeDeliveryDetails"] as? [String: Any])?["DeliveryMedium"] as? String == "EMAIL")
            }

            // Without a verified e-mail address there is nothing left to send the code to.
            _ = try await c.ok("AdminUpdateUserAttributes", ["UserPoolId": pool, "Username": "pia", "UserAttributes": [["Name": "email_verified", "Value": "false"]]])
            let none = try await c.call("ForgotPassword", ["ClientId": client, "Username": "pia"])
            #expect(none.errorType == "InvalidParameterException")
        }
    }

    /// Guesses sent together are each counted before they are compared: no more than five get
    /// an answer about the code, the rest are over the limit, and then so is the right code.
    @Test func guessesSentAtOnceGetNoMoreThanFiveTries() async throws {
        let server = try await TestServer.make()
        try await server.run { c in
            let (pool, client, _) = try await c.poolAndClient()
            try await c.user(pool, "gus", attributes: [["Name": "email", "Value": "gus@example.com"], ["Name": "email_verified", "Value": "true"]])
            _ = try await c.ok("ForgotPassword", ["ClientId": client, "Username": "gus"])
            let code = try #require(server.outbox.list(poolId: pool, username: "gus").last?.code)
            let wrong = code == "000000" ? "111111" : "000000"
            let errors = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        try await c.call("ConfirmForgotPassword", ["ClientId": client, "Username": "gus", "ConfirmationCode": wrong, "Password": "N3w-Passw0rd!"]).errorType
                    }
                }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(errors.filter { $0 == "CodeMismatchException" }.count == 5)
            #expect(errors.filter { $0 == "LimitExceededException" }.count == 11)
            let right = try await c.call("ConfirmForgotPassword", ["ClientId": client, "Username": "gus", "ConfirmationCode": code, "Password": "N3w-Passw0rd!"])
            #expect(right.errorType == "LimitExceededException")
        }
    }

    /// An unconfirmed user cannot reset the password, even with a verified address (contract §7).
    @Test func anUnconfirmedUserCannotResetThePassword() async throws {
        let server = try await TestServer.make()
        try await server.run { c in
            let (pool, client, _) = try await c.poolAndClient()
            _ = try await c.ok("SignUp", ["ClientId": client, "Username": "una", "Password": "Passw0rd!", "UserAttributes": [["Name": "email", "Value": "una@example.com"]]])
            _ = try await c.ok("AdminUpdateUserAttributes", ["UserPoolId": pool, "Username": "una", "UserAttributes": [["Name": "email_verified", "Value": "true"]]])
            let sent = server.outbox.list(poolId: pool, username: "una").count
            let r = try await c.call("ForgotPassword", ["ClientId": client, "Username": "una"])
            #expect(r.errorType == "InvalidParameterException")
            #expect(server.outbox.list(poolId: pool, username: "una").count == sent)
            _ = try await c.ok("AdminConfirmSignUp", ["UserPoolId": pool, "Username": "una"])
            #expect(try await c.call("ForgotPassword", ["ClientId": client, "Username": "una"]).status == .ok)
        }
    }


    /// Codes re-issued on request are limited per user, purpose and hour: the sixth in an hour is
    /// refused with Cognito's LimitExceededException and sends nothing; an hour on, it goes.
    @Test func reissuingCodesIsLimitedPerHour() async throws {
        let clock = ManualClock()
        let server = try await TestServer.make(clock: clock)
        try await server.run { c in
            let (pool, client, _) = try await c.poolAndClient(pool: ["AutoVerifiedAttributes": ["email"]])
            try await c.user(pool, "ria", attributes: [["Name": "email", "Value": "ria@example.com"], ["Name": "email_verified", "Value": "true"]])
            for operation in ["ForgotPassword", "GetUserAttributeVerificationCode"] {
                // A fresh access token each time: the clock moves by an hour, past a token's life.
                func body() async throws -> [String: Any] {
                    operation == "ForgotPassword"
                        ? ["ClientId": client, "Username": "ria"]
                        : ["AccessToken": try await c.accessToken(client, "ria"), "AttributeName": "email"]
                }
                for _ in 0..<5 {
                    _ = try await c.ok(operation, try await body())
                    clock.advance(60)
                }
                let sent = server.outbox.list(poolId: pool, username: "ria").count
                let refused = try await c.call(operation, try await body())
                #expect(refused.errorType == "LimitExceededException", "\(operation)")
                #expect(refused.message == "Attempt limit exceeded, please try after some time.")
                #expect(server.outbox.list(poolId: pool, username: "ria").count == sent, "a refused re-issue sends nothing")
                // The first of the five falls out of the hour.
                clock.advance(3600 - 5 * 60 + 1)
                _ = try await c.ok(operation, try await body())
            }
            // Sign-up codes: the sign-up's own and four more, then the limit.
            _ = try await c.ok("SignUp", ["ClientId": client, "Username": "sam", "Password": "Passw0rd!", "UserAttributes": [["Name": "email", "Value": "sam@example.com"]]])
            for _ in 0..<4 { _ = try await c.ok("ResendConfirmationCode", ["ClientId": client, "Username": "sam"]) }
            #expect(try await c.call("ResendConfirmationCode", ["ClientId": client, "Username": "sam"]).errorType == "LimitExceededException")
        }
    }
}
