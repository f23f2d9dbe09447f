import CognateCore
import CognateCrypto
import Foundation
import HTTPTypes
import Testing

/// Sign-up on the hosted pages with verification by code and by link, and password recovery.
@Suite struct SignUpUITests {
    @Test func signUpAsksForRequiredAttributesThenTheCodeSignsTheUserIn() async throws {
        let server = try await TestServer.make()
        try await server.run { c in
            let app = try await c.oauthPool()
            var b = Browser(c)
            let login = try await b.get("/login?" + app.authorizeQuery())
            let signupURL = try #require(login.body.range(of: "href=\"/signup?").map { _ in "/signup?" + app.authorizeQuery() })
            let form = try await b.get(signupURL)
            #expect(form.status == .ok)
            for field in ["username", "password", "nickname", "email"] { #expect(form.body.contains("name=\"\(field)\""), "\(field)") }
            #expect(form.body.contains("At least 8 characters"))

            let missing = try await b.submit(form, ["username": "kim", "password": "Passw0rd!", "email": "kim@example.com"])
            #expect(missing.status == .badRequest)
            #expect(missing.body.contains("nickname"))
            #expect(missing.input("username") == "kim" && missing.input("email") == "kim@example.com")

            let confirm = try await b.submit(missing, ["username": "kim", "password": "Passw0rd!", "email": "kim@example.com", "nickname": "Kimmy"])
            #expect(confirm.status == .ok, "\(confirm.body.prefix(500))")
            #expect(confirm.body.contains("k***@e***.com"))
            #expect(confirm.formAction?.hasPrefix("/confirmUser?") == true)
            let code = try #require(c.latestCode(server, pool: app.pool))

            let wrong = try await b.submit(confirm, ["code": "000000" == code ? "111111" : "000000"])
            #expect(wrong.status == .badRequest && wrong.body.contains("Invalid verification code provided"))
            let resent = try await b.submit(wrong, ["resend": "1"])
            #expect(resent.body.contains("We sent a new code"))
            let newCode = try #require(c.latestCode(server, pool: app.pool))
            let done = try await b.submit(resent, ["code": newCode])
            #expect(done.location?.hasPrefix(OAuthApp.callback + "?code=") == true, "\(done.status) \(done.body.prefix(400))")
            let tokens = try await c.token(["grant_type": "authorization_code", "code": done.redirectParameters["code"]!, "redirect_uri": OAuthApp.callback], authorization: app.basic)
            let id = decodeJWT(try #require(tokens.json["id_token"] as? String))
            #expect(id["cognito:username"] as? String == "kim")
            #expect(id["nickname"] as? String == "Kimmy")
            #expect(id["email_verified"] as? Bool == true)
        }
    }

    @Test func withoutTheSignUpTicketConfirmingLeadsToTheSignInPage() async throws {
        let server = try await TestServer.make()
        try await server.run { c in
            let app = try await c.oauthPool()
            _ = try await c.ok("SignUp", ["ClientId": app.client, "SecretHash": secretHash(app, "lee"), "Username": "lee", "Password": "Passw0rd!",
                                          "UserAttributes": [["Name": "email", "Value": "lee@example.com"], ["Name": "nickname", "Value": "Lee"]]])
            var b = Browser(c)
            // Signing in before confirming shows the code page (and sends a new code).
            let page = try await b.signIn(app, username: "lee", password: "Passw0rd!")
            #expect(page.status == .ok && page.body.contains("Confirm your account"))
            let code = try #require(c.latestCode(server, pool: app.pool))
            let confirmed = try await b.submit(page, ["code": code])
            #expect(confirmed.status == .ok && confirmed.body.contains("Your account is confirmed"))
            #expect(confirmed.location == nil)
            let back = try await b.submit(confirmed, ["username": "lee", "password": "Passw0rd!"])
            #expect(back.location?.hasPrefix(OAuthApp.callback) == true)
        }
    }

    @Test func confirmationByLink() async throws {
        let server = try await TestServer.make()
        try await server.run { c in
            let app = try await c.oauthPool(pool: ["VerificationMessageTemplate": ["DefaultEmailOption": "CONFIRM_WITH_LINK"]])
            var b = Browser(c)
            let form = try await b.get("/signup?" + app.authorizeQuery())
            let sent = try await b.submit(form, ["username": "mia", "password": "Passw0rd!", "email": "mia@example.com", "nickname": "Mia"])
            #expect(sent.status == .ok && sent.body.contains("Check your email"))
            let message = try #require(server.outbox.list(poolId: app.pool, username: "mia").last)
            let start = try #require(message.message.range(of: "http://cognate.test/confirmUser?"))
            let link = String(message.message[start.lowerBound...].prefix { $0 != "\"" })
            let path = String(link.dropFirst("http://cognate.test".count))
            let confirmed = try await b.get(path)
            #expect(confirmed.status == .ok, "\(confirmed.body.prefix(400))")
            #expect(confirmed.body.contains("Account confirmed"))
            #expect(!confirmed.body.contains("/login?"))
            let user = try await c.ok("AdminGetUser", ["UserPoolId": app.pool, "Username": "mia"])
            #expect(user["UserStatus"] as? String == "CONFIRMED")
            // The link works once.
            let again = try await b.get(path)
            #expect(again.status == .badRequest && again.body.contains("Current status is CONFIRMED"))
            let broken = try await b.get("/confirmUser?client_id=\(app.client)&user_name=mia&confirmation_code=")
            #expect(broken.status == .badRequest || broken.status == .ok)
            let unknownClient = try await b.get("/confirmUser?client_id=nosuch&user_name=mia&confirmation_code=123456")
            #expect(unknownClient.status == .notFound)
        }
    }

    @Test func signUpIsRefusedWhenOnlyAdministratorsCreateUsers() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool(pool: ["AdminCreateUserConfig": ["AllowAdminCreateUserOnly": true]])
            var b = Browser(c)
            let login = try await b.get("/login?" + app.authorizeQuery())
            #expect(!login.body.contains("/signup?"))
            let page = try await b.get("/signup?" + app.authorizeQuery())
            #expect(page.status == .badRequest && page.body.contains("SignUp is not permitted"))
        }
    }

    @Test func passwordRecovery() async throws {
        let server = try await TestServer.make()
        try await server.run { c in
            let app = try await c.oauthPool()
            try await c.user(app.pool, "ned", attributes: [
                ["Name": "nickname", "Value": "N"], ["Name": "email", "Value": "ned@example.com"], ["Name": "email_verified", "Value": "true"],
            ])
            var b = Browser(c)
            let login = try await b.get("/login?" + app.authorizeQuery())
            #expect(login.body.contains("/forgotPassword?"))
            let forgot = try await b.get("/forgotPassword?" + app.authorizeQuery())
            let unknown = try await b.submit(forgot, ["username": "nobody"])
            #expect(unknown.status == .badRequest && unknown.body.contains("User does not exist."))
            let reset = try await b.submit(unknown, ["username": "ned"])
            #expect(reset.status == .ok && reset.body.contains("n***@e***.com"))
            #expect(reset.formAction?.hasPrefix("/confirmForgotPassword?") == true)
            let code = try #require(c.latestCode(server, pool: app.pool))
            let weak = try await b.submit(reset, ["code": code, "password": "short"])
            #expect(weak.status == .badRequest && weak.body.contains("Password did not conform with policy"))
            let done = try await b.submit(weak, ["code": code, "password": "N3w-Passw0rd!"])
            #expect(done.status == .ok && done.body.contains("Your password has been reset"))
            let back = try await b.submit(done, ["username": "ned", "password": "N3w-Passw0rd!"])
            #expect(back.location?.hasPrefix(OAuthApp.callback) == true)
            // Without a username the reset page sends the browser to the start.
            #expect(try await b.get("/confirmForgotPassword?" + app.authorizeQuery()).location?.hasPrefix("/forgotPassword?") == true)
        }
    }
}

func secretHash(_ app: OAuthApp, _ username: String) -> String {
    Base64.encode(OpenSSLDigests().hmacSHA256(key: Array((app.secret ?? "").utf8), data: Array((username + app.client).utf8)))
}
