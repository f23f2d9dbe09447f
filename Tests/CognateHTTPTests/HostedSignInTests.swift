import CognateCore
import CognateCrypto
import Foundation
import HTTPTypes
import Testing

/// The code flow end to end: sign in on the hosted page, exchange the code, use the tokens;
/// the session cookie, CSRF, headers and escaping of the pages.
@Suite struct HostedSignInTests {
    @Test func signInRedirectsWithACodeThatBuysVerifiableOIDCTokens() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            try await c.user(app.pool, "alice", attributes: [
                ["Name": "nickname", "Value": "Al"], ["Name": "email", "Value": "alice@example.com"], ["Name": "email_verified", "Value": "true"],
            ])
            var b = Browser(c)
            let back = try await b.signIn(app, username: "alice", password: "Passw0rd!", extra: ["scope": "openid profile", "nonce": "abc"])
            #expect(back.status == .found)
            #expect(back.location?.hasPrefix(OAuthApp.callback + "?code=") == true)
            #expect(back.redirectParameters["state"] == "st-123")
            let code = try #require(back.redirectParameters["code"])

            let r = try await c.token(["grant_type": "authorization_code", "code": code, "redirect_uri": OAuthApp.callback, "client_id": app.client], authorization: app.basic)
            #expect(r.status == .ok, "\(r.body)")
            #expect(r.headers[.contentType] == "application/json;charset=UTF-8")
            #expect(r.headers[.cacheControl] == "no-store")
            let t = r.json
            #expect(t["token_type"] as? String == "Bearer" && t["expires_in"] as? Int == 3600)
            let access = try #require(t["access_token"] as? String), idToken = try #require(t["id_token"] as? String)
            #expect(t["refresh_token"] is String)
            let id = decodeJWT(idToken), claims = decodeJWT(access)
            #expect(id["cognito:username"] as? String == "alice")
            #expect(id["nickname"] as? String == "Al")
            #expect(id["nonce"] as? String == "abc")
            #expect(id["aud"] as? String == app.client)
            let digest = OpenSSLDigests().sha256(Array(access.utf8))
            #expect(id["at_hash"] as? String == Base64.urlEncode(Array(digest.prefix(16))))
            #expect(claims["version"] as? Int == 2)
            #expect(claims["scope"] as? String == "openid profile")
            #expect(claims["client_id"] as? String == app.client)
            #expect(claims["username"] as? String == "alice")

            // Signature checks against the pool's JWKS.
            let keys = try #require(try await c.get("/\(app.pool)/.well-known/jwks.json")["keys"] as? [[String: Any]])
            let signing = OpenSSLTokenSigning(random: OpenSSLRandom())
            for token in [idToken, access] {
                let parsed = try #require(JWT.parse(token))
                let k = try #require(keys.first { $0["kid"] as? String == parsed.kid })
                #expect(signing.verify(parsed.signature, message: parsed.signingInput, key: PublicJWK(kid: parsed.kid, n: k["n"] as! String, e: k["e"] as! String)))
            }

            // The refresh token works at the token endpoint and keeps the OAuth form.
            let refreshed = try await c.token(["grant_type": "refresh_token", "refresh_token": t["refresh_token"] as! String], authorization: app.basic)
            #expect(refreshed.status == .ok, "\(refreshed.body)")
            #expect(refreshed.json["refresh_token"] == nil)
            #expect(decodeJWT(refreshed.json["access_token"] as! String)["version"] as? Int == 2)
            #expect(decodeJWT(refreshed.json["id_token"] as! String)["nickname"] as? String == "Al")
        }
    }

    @Test func codesAreSingleUseAndAReplayRevokesWhatTheFirstUseGot() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            try await c.user(app.pool, "bob", attributes: [["Name": "nickname", "Value": "B"]])
            var b = Browser(c)
            let code = try #require(try await b.signIn(app, username: "bob", password: "Passw0rd!").redirectParameters["code"])
            let form = ["grant_type": "authorization_code", "code": code, "redirect_uri": OAuthApp.callback]
            let first = try await c.token(form, authorization: app.basic)
            #expect(first.status == .ok)
            let access = try #require(first.json["access_token"] as? String)
            #expect(try await c.userInfo(access).status == .ok)
            let second = try await c.token(form, authorization: app.basic)
            #expect(second.status == .badRequest)
            #expect(second.json["error"] as? String == "invalid_grant")
            #expect(try await c.userInfo(access).status == .unauthorized)
            let refresh = try await c.token(["grant_type": "refresh_token", "refresh_token": first.json["refresh_token"] as! String], authorization: app.basic)
            #expect(refresh.json["error"] as? String == "invalid_grant")
        }
    }

    /// Copies of one code sent at once: at most one gets tokens, and whatever any got is revoked,
    /// even when a replay's revocation ran before the first use had stored its tokens.
    @Test func copiesOfOneCodeSentAtOnceLeaveNoUsableTokens() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            try await c.user(app.pool, "carol", attributes: [["Name": "nickname", "Value": "C"]])
            for _ in 0..<4 {
                var b = Browser(c)
                let code = try #require(try await b.signIn(app, username: "carol", password: "Passw0rd!").redirectParameters["code"])
                let form = ["grant_type": "authorization_code", "code": code, "redirect_uri": OAuthApp.callback]
                let replies = try await withThrowingTaskGroup(of: WebReply.self) { group in
                    for _ in 0..<8 { group.addTask { try await c.token(form, authorization: app.basic) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let granted = replies.filter { $0.status == .ok }
                #expect(granted.count <= 1)
                #expect(replies.filter { $0.json["error"] as? String == "invalid_grant" }.count == 8 - granted.count)
                for reply in granted {
                    let access = try #require(reply.json["access_token"] as? String)
                    #expect(try await c.userInfo(access).status == .unauthorized)
                    let refresh = try await c.token(["grant_type": "refresh_token", "refresh_token": reply.json["refresh_token"] as! String], authorization: app.basic)
                    #expect(refresh.json["error"] as? String == "invalid_grant")
                }
            }
        }
    }

    @Test func codesAreBoundToClientRedirectURIAndExpireAfterFiveMinutes() async throws {
        let clock = ManualClock()
        try await TestServer.make(clock: clock).run { c in
            let app = try await c.oauthPool()
            let other = try await c.oauthPool()
            try await c.user(app.pool, "carol", attributes: [["Name": "nickname", "Value": "C"]])
            var b = Browser(c)
            let code = try #require(try await b.signIn(app, username: "carol", password: "Passw0rd!").redirectParameters["code"])
            let form = ["grant_type": "authorization_code", "code": code, "redirect_uri": OAuthApp.callback]
            let otherClient = try await c.token(form, authorization: other.basic)
            #expect(otherClient.json["error"] as? String == "invalid_grant")
            var wrongRedirect = form
            wrongRedirect["redirect_uri"] = "http://localhost:5000/other"
            #expect(try await c.token(wrongRedirect, authorization: app.basic).json["error"] as? String == "invalid_grant")
            var noRedirect = form
            noRedirect["redirect_uri"] = nil
            #expect(try await c.token(noRedirect, authorization: app.basic).json["error"] as? String == "invalid_grant")
            // The failed attempts did not spend it; time does.
            clock.advance(301)
            #expect(try await c.token(form, authorization: app.basic).json["error"] as? String == "invalid_grant")

            let fresh = try #require(try await b.signIn(app, username: "carol", password: "Passw0rd!").redirectParameters["code"])
            clock.advance(299)
            let ok = try await c.token(["grant_type": "authorization_code", "code": fresh, "redirect_uri": OAuthApp.callback], authorization: app.basic)
            #expect(ok.status == .ok, "\(ok.body)")
        }
    }

    @Test func clientAuthenticationBasicPostAndPublicClientsWithPKCE() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            try await c.user(app.pool, "dan", attributes: [["Name": "nickname", "Value": "D"]])
            var b = Browser(c)
            func code(_ app: OAuthApp, _ extra: [String: String] = [:]) async throws -> String {
                try #require(try await b.signIn(app, username: "dan", password: "Passw0rd!", extra: extra).redirectParameters["code"])
            }
            let base = ["grant_type": "authorization_code", "redirect_uri": OAuthApp.callback]
            // client_secret_post
            var post = base.merging(["client_id": app.client, "client_secret": app.secret!, "code": try await code(app)]) { $1 }
            #expect(try await c.token(post).status == .ok)
            // Wrong or missing secrets.
            post["code"] = try await code(app)
            post["client_secret"] = "wrong"
            let wrongPost = try await c.token(post)
            #expect(wrongPost.json["error"] as? String == "invalid_client" && wrongPost.status == .badRequest)
            let wrongBasic = try await c.token(base.merging(["code": try await code(app)]) { $1 }, authorization: basicAuth(app.client, "wrong"))
            #expect(wrongBasic.status == .unauthorized && wrongBasic.json["error"] as? String == "invalid_client")
            #expect(wrongBasic.headers[.wwwAuthenticate] != nil)
            let noSecret = try await c.token(base.merging(["code": try await code(app), "client_id": app.client]) { $1 })
            #expect(noSecret.json["error"] as? String == "invalid_client")

            // A public client: PKCE with S256.
            let pub = try await c.oauthPool(secret: false)
            try await c.user(pub.pool, "dan", attributes: [["Name": "nickname", "Value": "D"]])
            let verifier = String(repeating: "v3r1f1er-", count: 6)
            let challenge = Base64.urlEncode(OpenSSLDigests().sha256(Array(verifier.utf8)))
            let s256 = try await code(pub, ["code_challenge": challenge, "code_challenge_method": "S256"])
            let bad = try await c.token(base.merging(["client_id": pub.client, "code": s256, "code_verifier": verifier + "x"]) { $1 })
            #expect(bad.json["error"] as? String == "invalid_grant")
            let missing = try await code(pub, ["code_challenge": challenge, "code_challenge_method": "S256"])
            #expect(try await c.token(base.merging(["client_id": pub.client, "code": missing]) { $1 }).json["error"] as? String == "invalid_grant")
            let good = try await code(pub, ["code_challenge": challenge, "code_challenge_method": "S256"])
            let okS256 = try await c.token(base.merging(["client_id": pub.client, "code": good, "code_verifier": verifier]) { $1 })
            #expect(okS256.status == .ok, "\(okS256.body)")
            // A public client may not send a secret it does not have.
            let pretend = try await c.token(base.merging(["code": try await code(pub), "client_id": pub.client, "client_secret": "x"]) { $1 })
            #expect(pretend.json["error"] as? String == "invalid_client")
        }
    }

    @Test func tokenEndpointRefusals() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            #expect(try await c.token(["code": "x"], authorization: app.basic).json["error"] as? String == "invalid_request")
            #expect(try await c.token(["grant_type": "password"], authorization: app.basic).json["error"] as? String == "unsupported_grant_type")
            #expect(try await c.token(["grant_type": "authorization_code"], authorization: app.basic).json["error"] as? String == "invalid_request")
            #expect(try await c.token(["grant_type": "authorization_code", "code": "nope", "redirect_uri": OAuthApp.callback], authorization: app.basic).json["error"] as? String == "invalid_grant")
            #expect(try await c.token(["grant_type": "refresh_token", "refresh_token": "nope"], authorization: app.basic).json["error"] as? String == "invalid_grant")
            #expect(try await c.token(["grant_type": "client_credentials"], authorization: app.basic).json["error"] as? String == "unauthorized_client")
            #expect(try await c.token(["grant_type": "authorization_code", "code": "x"], authorization: basicAuth("nosuchclient", "x")).json["error"] as? String == "invalid_client")
            let noOAuth = try await c.oauthPool(client: ["AllowedOAuthFlowsUserPoolClient": false, "AllowedOAuthFlows": [], "AllowedOAuthScopes": []])
            #expect(try await c.token(["grant_type": "refresh_token", "refresh_token": "x"], authorization: noOAuth.basic).json["error"] as? String == "unauthorized_client")
            let json = try await c.client.execute(uri: "/oauth2/token", method: .post, headers: [.contentType: "application/json"], body: .init(string: "{}")) { r in r.status }
            #expect(json == .badRequest)
        }
    }

    @Test func theSessionCookieSignsTheBrowserInAgainUntilLogout() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            try await c.user(app.pool, "erin", attributes: [["Name": "nickname", "Value": "E"]])
            var b = Browser(c)
            let back = try await b.signIn(app, username: "erin", password: "Passw0rd!")
            let cookie = try #require(back.setCookies.first { $0.hasPrefix("cognito=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"))
            // A live session: straight back to the app with a fresh code, no page.
            let again = try await b.get("/oauth2/authorize?" + app.authorizeQuery())
            #expect(again.location?.hasPrefix(OAuthApp.callback + "?code=") == true)
            #expect(try await b.get("/login?" + app.authorizeQuery()).location?.hasPrefix(OAuthApp.callback) == true)
            // prompt=login shows the page anyway.
            let forced = try await b.get("/oauth2/authorize?" + app.authorizeQuery(["prompt": "login"]))
            #expect(forced.location?.hasPrefix("/login?") == true)
            #expect(try await b.get(forced.location!).status == .ok)

            // Logout: only to a registered sign-out URL; it ends the session.
            let bad = try await b.get("/logout?client_id=\(app.client)&logout_uri=http%3A%2F%2Fevil.example%2F")
            #expect(bad.status == .badRequest && bad.location == nil && bad.body.contains("logout_mismatch"))
            let out = try await b.get("/logout?client_id=\(app.client)&logout_uri=\(query(["u": OAuthApp.home]).dropFirst(2))")
            #expect(out.status == .found && out.location == OAuthApp.home)
            #expect(out.setCookies.contains { $0.hasPrefix("cognito=") && $0.contains("Max-Age=0") })
            #expect(b.cookies["cognito"] == nil)
            #expect(try await b.get("/oauth2/authorize?" + app.authorizeQuery()).location?.hasPrefix("/login?") == true)
            // The old cookie is dead on the server too.
            var thief = Browser(c)
            thief.cookies["cognito"] = String(cookie.dropFirst("cognito=".count).prefix { $0 != ";" })
            #expect(try await thief.get("/oauth2/authorize?" + app.authorizeQuery()).location?.hasPrefix("/login?") == true)
            // prompt=none without a session: login_required, back at the app.
            let silent = try await b.get("/oauth2/authorize?" + app.authorizeQuery(["prompt": "none"]))
            #expect(silent.redirectParameters["error"] == "login_required")
            // Without logout_uri: redirect_uri (a callback) leads back to the sign-in page.
            let toLogin = try await b.get("/logout?" + app.authorizeQuery())
            #expect(toLogin.location?.hasPrefix("/login?") == true)
            let neither = try await b.get("/logout?client_id=\(app.client)")
            #expect(neither.status == .badRequest && neither.location == nil)
        }
    }

    @Test func theCookieIsSecureWhenServedOverHTTPS() async throws {
        try await TestServer.make(publicURL: "https://auth.example.com").run { c in
            let app = try await c.oauthPool()
            try await c.user(app.pool, "fay", attributes: [["Name": "nickname", "Value": "F"]])
            var b = Browser(c)
            let back = try await b.signIn(app, username: "fay", password: "Passw0rd!")
            #expect(back.setCookies.contains { $0.hasPrefix("cognito=") && $0.contains("Secure") })
        }
        // Behind a TLS proxy that says so.
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            var b = Browser(c)
            let page = try await b.get("/login?" + app.authorizeQuery(), headers: [.init("X-Forwarded-Proto")!: "https"])
            #expect(page.setCookies.contains { $0.hasPrefix("XSRF-TOKEN=") && $0.contains("Secure") })
            var plain = Browser(c)
            #expect(try await plain.get("/login?" + app.authorizeQuery()).setCookies.allSatisfy { !$0.contains("Secure") })
        }
    }

    @Test func everyFormNeedsItsCSRFToken() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            try await c.user(app.pool, "gus", attributes: [["Name": "nickname", "Value": "G"]])
            var b = Browser(c)
            let page = try await b.get("/login?" + app.authorizeQuery())
            let csrf = try #require(page.input("_csrf"))
            #expect(page.setCookies.contains { $0.hasPrefix("XSRF-TOKEN=") && $0.contains("HttpOnly") })
            for path in ["/login", "/signup", "/confirmUser", "/forgotPassword", "/confirmForgotPassword", "/changePassword"] {
                let none = try await b.post(path + "?" + app.authorizeQuery(), ["username": "gus", "password": "Passw0rd!"])
                #expect(none.status == .forbidden, "\(path)")
                #expect(none.location == nil)
                let wrong = try await b.post(path + "?" + app.authorizeQuery(), ["username": "gus", "password": "Passw0rd!", "_csrf": csrf + "x"])
                #expect(wrong.status == .forbidden, "\(path)")
            }
            // Another browser's token does not fit this browser's cookie.
            var other = Browser(c)
            let theirs = try #require(try await other.get("/login?" + app.authorizeQuery()).input("_csrf"))
            #expect(try await b.post("/login?" + app.authorizeQuery(), ["username": "gus", "password": "Passw0rd!", "_csrf": theirs]).status == .forbidden)
            #expect(try await b.post("/login?" + app.authorizeQuery(), ["username": "gus", "password": "Passw0rd!", "_csrf": csrf]).status == .found)
        }
    }

    @Test func pagesCarryProtectiveHeadersAndEscapeWhatTheyShow() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            var b = Browser(c)
            let page = try await b.get("/login?" + app.authorizeQuery(["state": "\"><script>alert(1)</script>"]))
            #expect(page.status == .ok)
            #expect(page.headers[.init("X-Frame-Options")!] == "DENY")
            #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(page.headers[.init("X-Content-Type-Options")!] == "nosniff")
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(!page.body.contains("<script>"))
            #expect(page.formAction?.contains("state=%22%3E%3Cscript%3E") == true)
            let failed = try await b.submit(page, ["username": "<img src=x onerror=alert(1)>", "password": "x"])
            #expect(failed.status == .badRequest)
            #expect(failed.body.contains("Incorrect username or password.") || failed.body.contains("User does not exist."))
            #expect(!failed.body.contains("<img src=x"))
            #expect(failed.body.contains("&lt;img src=x onerror=alert(1)&gt;"))
            // The state came back to the app intact.
            try await c.user(app.pool, "hal", attributes: [["Name": "nickname", "Value": "H"]])
            let back = try await b.submit(failed, ["username": "hal", "password": "Passw0rd!"])
            #expect(back.redirectParameters["state"] == "\"><script>alert(1)</script>")
        }
    }

    @Test func wrongPasswordsAndUnknownUsersStayOnTheLoginPage() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            try await c.user(app.pool, "ian", attributes: [["Name": "nickname", "Value": "I"]])
            var b = Browser(c)
            let wrong = try await b.signIn(app, username: "ian", password: "Wrong-Passw0rd!")
            #expect(wrong.status == .badRequest && wrong.location == nil)
            #expect(wrong.body.contains("Incorrect username or password."))
            #expect(wrong.input("username") == "ian")
            // The focus goes to the password once the name is filled in, to the name before.
            #expect(wrong.body.contains("autocomplete=\"current-password\" required autofocus"))
            let fresh = try await b.get("/login?" + app.authorizeQuery())
            #expect(!fresh.body.contains("current-password\" required autofocus") && fresh.body.contains("required autofocus"))
            _ = try await c.ok("AdminDisableUser", ["UserPoolId": app.pool, "Username": "ian"])
            #expect(try await b.signIn(app, username: "ian", password: "Passw0rd!").body.contains("User is disabled."))
        }
    }

    @Test func aForcedPasswordChangeHasItsOwnPage() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            _ = try await c.ok("AdminCreateUser", ["UserPoolId": app.pool, "Username": "jo", "TemporaryPassword": "Temp-Passw0rd!", "MessageAction": "SUPPRESS"])
            var b = Browser(c)
            let page = try await b.signIn(app, username: "jo", password: "Temp-Passw0rd!")
            #expect(page.status == .ok)
            #expect(page.body.contains("Change your password"))
            #expect(page.formAction?.hasPrefix("/changePassword?") == true)
            #expect(page.body.contains("name=\"nickname\""))
            let mismatch = try await b.submit(page, ["password": "N3w-Passw0rd!", "confirm_password": "other", "nickname": "Jo"])
            #expect(mismatch.status == .badRequest && mismatch.body.contains("do not match"))
            let weak = try await b.submit(mismatch, ["password": "weak", "confirm_password": "weak", "nickname": "Jo"])
            #expect(weak.body.contains("Password did not conform with policy"))
            let done = try await b.submit(weak, ["password": "N3w-Passw0rd!", "confirm_password": "N3w-Passw0rd!", "nickname": "Jo"])
            #expect(done.location?.hasPrefix(OAuthApp.callback + "?code=") == true, "\(done.status) \(done.body.prefix(400))")
            let user = try await c.ok("AdminGetUser", ["UserPoolId": app.pool, "Username": "jo"])
            #expect(user["UserStatus"] as? String == "CONFIRMED")
        }
    }
}
