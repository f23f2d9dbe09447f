import Foundation
import HTTPTypes
import Testing

/// /oauth2/authorize and /login: what is refused with a page (never a redirect to an
/// unregistered address) and what goes back to the app as an OAuth error.
@Suite struct AuthorizeTests {
    @Test func aValidRequestGoesOnToTheLoginPageWithTheSameQuery() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            var b = Browser(c)
            let r = try await b.get("/oauth2/authorize?" + app.authorizeQuery(["scope": "openid email", "nonce": "n-1"]))
            #expect(r.status == .found)
            let location = try #require(r.location)
            #expect(location.hasPrefix("/login?"))
            let q = r.redirectParameters
            #expect(q["client_id"] == app.client && q["redirect_uri"] == OAuthApp.callback && q["state"] == "st-123")
            #expect(q["scope"] == "openid email" && q["nonce"] == "n-1" && q["response_type"] == "code")
        }
    }

    @Test func anUnregisteredRedirectURIGetsAnErrorPageAndNoRedirect() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            var b = Browser(c)
            for path in ["/oauth2/authorize", "/login", "/signup", "/forgotPassword"] {
                for uri in ["http://localhost:5000/callback/", "http://evil.example/callback", "HTTP://localhost:5000/callback", ""] {
                    let r = try await b.get(path + "?" + app.authorizeQuery(["redirect_uri": uri]))
                    #expect(r.status == .badRequest, "\(path) \(uri)")
                    #expect(r.location == nil, "\(path) \(uri) redirected to \(r.location ?? "")")
                    #expect(r.body.contains("redirect_mismatch"))
                    #expect(r.headers[.contentType] == "text/html; charset=utf-8")
                }
            }
        }
    }

    @Test func anUnknownOrMissingClientGetsAnErrorPage() async throws {
        try await TestServer.make().run { c in
            var b = Browser(c)
            let unknown = try await b.get("/oauth2/authorize?response_type=code&client_id=nosuchclient&redirect_uri=http%3A%2F%2Flocalhost%3A5000%2Fcallback")
            #expect(unknown.status == .notFound)
            #expect(unknown.location == nil)
            let missing = try await b.get("/login?response_type=code")
            #expect(missing.status == .badRequest)
            #expect(missing.location == nil)
        }
    }

    /// After the redirect URI is verified, refusals go back to the app with `error` and `state`.
    @Test func refusalsAfterTheRedirectCheckGoBackToTheApp() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            var b = Browser(c)
            func refused(_ extra: [String: String], _ error: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
                let r = try await b.get("/oauth2/authorize?" + app.authorizeQuery(extra))
                #expect(r.status == .found, sourceLocation: sourceLocation)
                #expect(r.location?.hasPrefix(OAuthApp.callback + "?") == true, "\(r.location ?? "none")", sourceLocation: sourceLocation)
                #expect(r.redirectParameters["error"] == error, sourceLocation: sourceLocation)
                #expect(r.redirectParameters["state"] == "st-123", sourceLocation: sourceLocation)
                #expect(r.redirectParameters["code"] == nil, sourceLocation: sourceLocation)
            }
            try await refused(["response_type": ""], "invalid_request")
            try await refused(["response_type": "id_token"], "unsupported_response_type")
            try await refused(["scope": "openid phone"], "invalid_scope")
            try await refused(["scope": "nosuch"], "invalid_scope")
            try await refused(["identity_provider": "Google"], "invalid_request")
            try await refused(["code_challenge_method": "S256"], "invalid_request")
            try await refused(["code_challenge": "short", "code_challenge_method": "S256"], "invalid_request")
            try await refused(["code_challenge": String(repeating: "a", count: 43), "code_challenge_method": "S512"], "invalid_request")
            // S256 only, as Cognito: neither plain nor a challenge without its method.
            try await refused(["code_challenge": String(repeating: "a", count: 43), "code_challenge_method": "plain"], "invalid_request")
            try await refused(["code_challenge": String(repeating: "a", count: 43)], "invalid_request")
        }
    }

    @Test func theClientsOAuthSettingsAreEnforced() async throws {
        try await TestServer.make().run { c in
            var b = Browser(c)
            func refusal(_ clientExtra: [String: Any], _ extra: [String: String] = [:]) async throws -> String? {
                let app = try await c.oauthPool(client: clientExtra)
                return try await b.get("/oauth2/authorize?" + app.authorizeQuery(extra)).redirectParameters["error"]
            }
            let notOAuth = try await refusal(["AllowedOAuthFlowsUserPoolClient": false])
            #expect(notOAuth == "unauthorized_client")
            let implicitOnly = try await refusal(["AllowedOAuthFlows": ["implicit"]])
            #expect(implicitOnly == "unauthorized_client")
            let codeOnly = try await refusal(["AllowedOAuthFlows": ["code"]], ["response_type": "token"])
            #expect(codeOnly == "unauthorized_client")
            let noCognito = try await refusal(["SupportedIdentityProviders": []])
            #expect(noCognito == "invalid_request")
            let narrow = try await refusal(["AllowedOAuthScopes": ["openid"]], ["scope": "openid email"])
            #expect(narrow == "invalid_scope")
        }
    }

    @Test func implicitErrorsAndTokensTravelInTheFragment() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            try await c.user(app.pool, "ivy", attributes: [["Name": "nickname", "Value": "Ivy"]])
            var b = Browser(c)
            let bad = try await b.get("/oauth2/authorize?" + app.authorizeQuery(["response_type": "token", "scope": "nosuch"]))
            #expect(bad.location?.hasPrefix(OAuthApp.callback + "#error=invalid_scope") == true)
            let back = try await b.signIn(app, username: "ivy", password: "Passw0rd!", extra: ["response_type": "token", "scope": "openid profile", "nonce": "xyz"])
            let p = back.redirectParameters
            #expect(back.location?.hasPrefix(OAuthApp.callback + "#") == true)
            #expect(p["token_type"] == "Bearer" && p["expires_in"] == "3600" && p["state"] == "st-123")
            #expect(p["refresh_token"] == nil && p["code"] == nil)
            let id = decodeJWT(try #require(p["id_token"]))
            #expect(id["nonce"] as? String == "xyz")
            #expect(id["nickname"] as? String == "Ivy")
            #expect(decodeJWT(try #require(p["access_token"]))["scope"] as? String == "openid profile")
            // Without openid there is no ID token.
            let noOpenID = try await b.get("/oauth2/authorize?" + app.authorizeQuery(["response_type": "token", "scope": "aws.cognito.signin.user.admin"]))
            #expect(noOpenID.redirectParameters["access_token"] != nil)
            #expect(noOpenID.redirectParameters["id_token"] == nil)
        }
    }

    @Test func discoveryListsTheRealEndpoints() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            let doc = try await c.get("/\(app.pool)/.well-known/openid-configuration")
            #expect(doc["authorization_endpoint"] as? String == "http://cognate.test/oauth2/authorize")
            #expect(doc["token_endpoint"] as? String == "http://cognate.test/oauth2/token")
            #expect(doc["userinfo_endpoint"] as? String == "http://cognate.test/oauth2/userInfo")
            #expect(doc["revocation_endpoint"] as? String == "http://cognate.test/oauth2/revoke")
            #expect(doc["end_session_endpoint"] as? String == "http://cognate.test/logout")
            #expect(doc["issuer"] as? String == "http://cognate.test/\(app.pool)")
            // Each advertised endpoint answers.
            var b = Browser(c)
            #expect(try await b.get("/oauth2/authorize?" + app.authorizeQuery()).status == .found)
            #expect(try await c.token([:]).status == .badRequest)
            #expect(try await c.userInfo(nil).status == .badRequest)
        }
    }
}
