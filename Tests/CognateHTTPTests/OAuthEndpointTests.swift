import Foundation
import HTTPTypes
import Testing

/// /oauth2/userInfo, /oauth2/revoke and the client_credentials grant with resource servers.
@Suite struct OAuthEndpointTests {
    func signedInTokens(_ c: TestServer.Client, _ app: OAuthApp, scope: String) async throws -> [String: Any] {
        var b = Browser(c)
        let back = try await b.signIn(app, username: "olga", password: "Passw0rd!", extra: ["scope": scope])
        let code = try #require(back.redirectParameters["code"])
        return try await c.token(["grant_type": "authorization_code", "code": code, "redirect_uri": OAuthApp.callback], authorization: app.basic).json
    }

    @Test func userInfoAnswersByScope() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            _ = try await c.ok("AddCustomAttributes", ["UserPoolId": app.pool, "CustomAttributes": [["Name": "tier", "AttributeDataType": "String"]]])
            try await c.user(app.pool, "olga", attributes: [
                ["Name": "nickname", "Value": "Ol"], ["Name": "email", "Value": "olga@example.com"], ["Name": "email_verified", "Value": "true"],
                ["Name": "custom:tier", "Value": "gold"],
            ])
            let all = try await c.userInfo(try await signedInTokens(c, app, scope: "openid")["access_token"] as? String)
            #expect(all.status == .ok)
            let a = all.json
            #expect(a["sub"] is String && a["username"] as? String == "olga")
            #expect(a["email"] as? String == "olga@example.com" && a["email_verified"] as? String == "true")
            #expect(a["nickname"] as? String == "Ol" && a["custom:tier"] as? String == "gold")

            let email = try await c.userInfo(try await signedInTokens(c, app, scope: "openid email")["access_token"] as? String).json
            #expect(email["email"] as? String == "olga@example.com")
            #expect(email["nickname"] == nil && email["custom:tier"] == nil)
            let profile = try await c.userInfo(try await signedInTokens(c, app, scope: "openid profile")["access_token"] as? String).json
            #expect(profile["nickname"] as? String == "Ol" && profile["custom:tier"] as? String == "gold")
            #expect(profile["email"] == nil)

            // An access token without openid (here from the API) is refused.
            let api = try await c.ok("AdminInitiateAuth", ["UserPoolId": app.pool, "ClientId": try await passwordClient(c, app.pool), "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                                                          "AuthParameters": ["USERNAME": "olga", "PASSWORD": "Passw0rd!"]])
            let apiToken = (api["AuthenticationResult"] as! [String: Any])["AccessToken"] as! String
            let refused = try await c.userInfo(apiToken)
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[.wwwAuthenticate]?.contains("invalid_token") == true)
            let noScopeAdmin = try await c.userInfo(try await signedInTokens(c, app, scope: "aws.cognito.signin.user.admin")["access_token"] as? String)
            #expect(noScopeAdmin.status == .unauthorized)
            let missing = try await c.userInfo(nil)
            #expect(missing.status == .badRequest && missing.headers[.wwwAuthenticate]?.contains("invalid_request") == true)
            #expect(try await c.userInfo("garbage").status == .unauthorized)
        }
    }

    func passwordClient(_ c: TestServer.Client, _ pool: String) async throws -> String {
        let r = try await c.ok("CreateUserPoolClient", ["UserPoolId": pool, "ClientName": "api", "ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]])
        return (r["UserPoolClient"] as! [String: Any])["ClientId"] as! String
    }

    @Test func revokeKillsTheRefreshTokenAndItsAccessTokens() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            try await c.user(app.pool, "olga", attributes: [["Name": "nickname", "Value": "Ol"]])
            let t = try await signedInTokens(c, app, scope: "openid aws.cognito.signin.user.admin")
            let refresh = try #require(t["refresh_token"] as? String), access = try #require(t["access_token"] as? String)
            #expect(try await c.ok("GetUser", ["AccessToken": access])["Username"] as? String == "olga")

            func revoke(_ form: [String: String], auth: String? = nil) async throws -> WebReply {
                var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
                if let auth { headers[.authorization] = auth }
                return try await c.client.execute(uri: "/oauth2/revoke", method: .post, headers: headers, body: formBody(form)) { r in
                    WebReply(status: r.status, headers: r.headers, body: String(buffer: r.body))
                }
            }
            #expect(try await revoke([:], auth: app.basic).json["error"] as? String == "invalid_request")
            #expect(try await revoke(["token": refresh], auth: basicAuth(app.client, "wrong")).status == .unauthorized)
            #expect(try await revoke(["token": access], auth: app.basic).json["error"] as? String == "unsupported_token_type")
            #expect(try await revoke(["token": "unknown-token"], auth: app.basic).status == .ok)
            let ok = try await revoke(["token": refresh], auth: app.basic)
            #expect(ok.status == .ok && ok.body.isEmpty)
            #expect(try await c.token(["grant_type": "refresh_token", "refresh_token": refresh], authorization: app.basic).json["error"] as? String == "invalid_grant")
            #expect(try await c.call("GetUser", ["AccessToken": access]).message == "Access Token has been revoked")
            #expect(try await c.userInfo(access).status == .unauthorized)
            #expect(try await revoke(["token": refresh], auth: app.basic).status == .ok)
        }
    }

    @Test func clientCredentialsCarryCustomScopesOfResourceServers() async throws {
        try await TestServer.make().run { c in
            let pool = try await c.ok("CreateUserPool", ["PoolName": "m2m"])
            let poolId = (pool["UserPool"] as! [String: Any])["Id"] as! String
            // Custom scopes must exist before a client may be allowed them.
            let early = try await c.call("CreateUserPoolClient", [
                "UserPoolId": poolId, "ClientName": "svc", "GenerateSecret": true, "AllowedOAuthFlowsUserPoolClient": true,
                "AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthScopes": ["photos/read"],
            ])
            #expect(early.errorType == "ScopeDoesNotExistException")
            _ = try await c.ok("CreateResourceServer", ["UserPoolId": poolId, "Identifier": "photos", "Name": "Photos API",
                                                       "Scopes": [["ScopeName": "read", "ScopeDescription": "Read"], ["ScopeName": "write", "ScopeDescription": "Write"]]])
            let noSecret = try await c.call("CreateUserPoolClient", [
                "UserPoolId": poolId, "ClientName": "svc", "AllowedOAuthFlowsUserPoolClient": true,
                "AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthScopes": ["photos/read"],
            ])
            #expect(noSecret.errorType == "InvalidOAuthFlowException")
            let created = try await c.ok("CreateUserPoolClient", [
                "UserPoolId": poolId, "ClientName": "svc", "GenerateSecret": true, "AllowedOAuthFlowsUserPoolClient": true,
                "AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthScopes": ["photos/read", "photos/write"],
            ])
            let client = created["UserPoolClient"] as! [String: Any]
            let app = OAuthApp(pool: poolId, client: client["ClientId"] as! String, secret: client["ClientSecret"] as? String)
            #expect(client["AllowedOAuthScopes"] as? [String] == ["photos/read", "photos/write"])

            let all = try await c.token(["grant_type": "client_credentials"], authorization: app.basic)
            #expect(all.status == .ok, "\(all.body)")
            #expect(all.json["id_token"] == nil && all.json["refresh_token"] == nil)
            let claims = decodeJWT(all.json["access_token"] as! String)
            #expect(claims["sub"] as? String == app.client && claims["client_id"] as? String == app.client)
            #expect(claims["scope"] as? String == "photos/read photos/write")
            #expect(claims["token_use"] as? String == "access" && claims["version"] as? Int == 2)
            #expect(claims["username"] == nil)
            let one = try await c.token(["grant_type": "client_credentials", "scope": "photos/read"], authorization: app.basic)
            #expect(decodeJWT(one.json["access_token"] as! String)["scope"] as? String == "photos/read")
            #expect(try await c.token(["grant_type": "client_credentials", "scope": "photos/delete"], authorization: app.basic).json["error"] as? String == "invalid_scope")
            #expect(try await c.token(["grant_type": "client_credentials"], authorization: basicAuth(app.client, "x")).json["error"] as? String == "invalid_client")
            // Its tokens are no good for the self-service API.
            #expect(try await c.call("GetUser", ["AccessToken": all.json["access_token"] as! String]).errorType == "NotAuthorizedException")
        }
    }

    @Test func resourceServerOperations() async throws {
        try await TestServer.make().run { c in
            let pool = try await c.ok("CreateUserPool", ["PoolName": "rs"])
            let poolId = (pool["UserPool"] as! [String: Any])["Id"] as! String
            for id in ["https://api.example.com", "alpha", "beta"] {
                let r = try await c.ok("CreateResourceServer", ["UserPoolId": poolId, "Identifier": id, "Name": "n-\(id.count)",
                                                               "Scopes": [["ScopeName": "read", "ScopeDescription": "d"]]])
                #expect((r["ResourceServer"] as? [String: Any])?["Identifier"] as? String == id)
            }
            #expect(try await c.call("CreateResourceServer", ["UserPoolId": poolId, "Identifier": "alpha", "Name": "again"]).errorType == "InvalidParameterException")
            #expect(try await c.call("CreateResourceServer", ["UserPoolId": poolId, "Identifier": "dup", "Name": "x",
                                                              "Scopes": [["ScopeName": "a", "ScopeDescription": "1"], ["ScopeName": "a", "ScopeDescription": "2"]]]).errorType == "InvalidParameterException")
            let d = try await c.ok("DescribeResourceServer", ["UserPoolId": poolId, "Identifier": "alpha"])
            #expect(((d["ResourceServer"] as? [String: Any])?["Scopes"] as? [[String: Any]])?.first?["ScopeName"] as? String == "read")
            #expect(try await c.call("DescribeResourceServer", ["UserPoolId": poolId, "Identifier": "nope"]).errorType == "ResourceNotFoundException")
            let page1 = try await c.ok("ListResourceServers", ["UserPoolId": poolId, "MaxResults": 2])
            #expect((page1["ResourceServers"] as? [[String: Any]])?.count == 2)
            let page2 = try await c.ok("ListResourceServers", ["UserPoolId": poolId, "MaxResults": 2, "NextToken": page1["NextToken"] as! String])
            #expect((page2["ResourceServers"] as? [[String: Any]])?.count == 1 && page2["NextToken"] == nil)
            let u = try await c.ok("UpdateResourceServer", ["UserPoolId": poolId, "Identifier": "alpha", "Name": "Alpha",
                                                           "Scopes": [["ScopeName": "write", "ScopeDescription": "w"]]])
            #expect((u["ResourceServer"] as? [String: Any])?["Name"] as? String == "Alpha")
            let ok = try await c.call("CreateUserPoolClient", ["UserPoolId": poolId, "ClientName": "x", "AllowedOAuthScopes": ["alpha/write", "https://api.example.com/read"]])
            #expect(ok.status == .ok)
            #expect(try await c.call("CreateUserPoolClient", ["UserPoolId": poolId, "ClientName": "x", "AllowedOAuthScopes": ["alpha/read"]]).errorType == "ScopeDoesNotExistException")
            _ = try await c.ok("DeleteResourceServer", ["UserPoolId": poolId, "Identifier": "alpha"])
            #expect(try await c.call("DescribeResourceServer", ["UserPoolId": poolId, "Identifier": "alpha"]).errorType == "ResourceNotFoundException")
            #expect(try await c.call("DeleteResourceServer", ["UserPoolId": poolId, "Identifier": "alpha"]).errorType == "ResourceNotFoundException")
        }
    }
}
