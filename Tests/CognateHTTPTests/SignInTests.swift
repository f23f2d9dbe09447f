import CognateCore
import CognateCrypto
import Foundation
import Testing

/// Sign-in end to end through the router: password, SRP (with the client side played by the
/// SRP math), refresh, revocation and the token claims.
@Suite struct SignInTests {
    @Test func passwordSignInIssuesVerifiableTokensWithCognitoClaims() async throws {
        try await TestServer.make().run { c in
            let (pool, client, _) = try await c.poolAndClient()
            try await c.user(pool, "alice", attributes: [["Name": "email", "Value": "alice@example.com"], ["Name": "email_verified", "Value": "true"]])
            _ = try await c.ok("CreateGroup", ["UserPoolId": pool, "GroupName": "admins", "Precedence": 1])
            _ = try await c.ok("AdminAddUserToGroup", ["UserPoolId": pool, "GroupName": "admins", "Username": "alice"])
            let r = try await c.ok("InitiateAuth", ["ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": ["USERNAME": "alice", "PASSWORD": "Passw0rd!"]])
            let result = try #require(r["AuthenticationResult"] as? [String: Any])
            #expect(result["ExpiresIn"] as? Int == 3600)
            #expect(result["TokenType"] as? String == "Bearer")
            let id = decodeJWT(result["IdToken"] as! String), access = decodeJWT(result["AccessToken"] as! String)
            #expect(id["token_use"] as? String == "id")
            #expect(id["aud"] as? String == client)
            #expect(id["iss"] as? String == "http://cognate.test/\(pool)")
            #expect(id["cognito:username"] as? String == "alice")
            #expect(id["email_verified"] as? Bool == true)
            #expect(id["email"] as? String == "alice@example.com")
            #expect(id["cognito:groups"] as? [String] == ["admins"])
            #expect(access["token_use"] as? String == "access")
            #expect(access["aud"] == nil)
            #expect(access["client_id"] as? String == client)
            #expect(access["scope"] as? String == "aws.cognito.signin.user.admin")
            #expect(access["username"] as? String == "alice")
            #expect(access["event_id"] as? String == id["event_id"] as? String)
            #expect(access["origin_jti"] as? String == id["origin_jti"] as? String)
            #expect(access["jti"] as? String != id["jti"] as? String)

            // The signatures verify against the pool's JWKS, with a different key per token type.
            let jwks = try await c.get("/\(pool)/.well-known/jwks.json")
            let keys = try #require(jwks["keys"] as? [[String: Any]])
            #expect(keys.count == 2)
            let signing = OpenSSLTokenSigning(random: OpenSSLRandom())
            for token in [result["IdToken"] as! String, result["AccessToken"] as! String] {
                let parsed = try #require(JWT.parse(token))
                let k = try #require(keys.first { $0["kid"] as? String == parsed.kid })
                #expect(k["use"] as? String == "sig")
                let jwk = PublicJWK(kid: parsed.kid, n: k["n"] as! String, e: k["e"] as! String)
                #expect(signing.verify(parsed.signature, message: parsed.signingInput, key: jwk))
            }
            #expect(JWT.parse(result["IdToken"] as! String)?.kid != JWT.parse(result["AccessToken"] as! String)?.kid)

            let me = try await c.ok("GetUser", ["AccessToken": result["AccessToken"] as! String])
            #expect(me["Username"] as? String == "alice")
        }
    }

    @Test func wrongPasswordAndUnknownUserGetCognitoErrors() async throws {
        try await TestServer.make().run { c in
            let (pool, client, _) = try await c.poolAndClient()
            try await c.user(pool, "bob")
            let wrong = try await c.call("InitiateAuth", ["ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": ["USERNAME": "bob", "PASSWORD": "nope"]])
            #expect(wrong.errorType == "NotAuthorizedException")
            #expect(wrong.message == "Incorrect username or password.")
            let unknown = try await c.call("InitiateAuth", ["ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": ["USERNAME": "nobody", "PASSWORD": "x"]])
            #expect(unknown.errorType == "UserNotFoundException")
        }
    }

    /// Plays the Cognito client's half of SRP against the server.
    static func srpSignIn(_ c: TestServer.Client, pool: String, client: String, username: String, password: String,
                          clockOffset: Double = 0, answerWith other: TestServer.Client? = nil) async throws -> TestServer.Client.Reply {
        let answer = try await srpAnswer(c, pool: pool, client: client, username: username, password: password, clockOffset: clockOffset)
        return try await (other ?? c).call("RespondToAuthChallenge", answer)
    }

    /// Starts an SRP sign-in and returns the RespondToAuthChallenge request that answers it.
    static func srpAnswer(_ c: TestServer.Client, pool: String, client: String, username: String, password: String,
                          clockOffset: Double = 0) async throws -> [String: Any] {
        let a = OpenSSLRandom().bytes(count: 128)
        let bigA = SRPMath.clientPublic(a: a)
        let start = try await c.ok("InitiateAuth", ["ClientId": client, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": ["USERNAME": username, "SRP_A": Hex.encode(bigA)]])
        #expect(start["ChallengeName"] as? String == "PASSWORD_VERIFIER")
        #expect(start["Session"] == nil)
        let p = try #require(start["ChallengeParameters"] as? [String: String])
        let userId = try #require(p["USER_ID_FOR_SRP"])
        let timestamp = CognitoTimestamp.format(Date().addingTimeInterval(clockOffset))
        let block = try #require(p["SECRET_BLOCK"])
        let signature = try SRPMath.clientSignature(
            a: a, B: Hex.decode(p["SRP_B"]!)!, salt: Hex.decode(p["SALT"]!)!, poolName: String(pool.split(separator: "_")[1]),
            userId: userId, password: password, secretBlock: Base64.decode(block)!, timestamp: timestamp
        )
        return [
            "ClientId": client, "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeResponses": ["USERNAME": userId, "PASSWORD_CLAIM_SECRET_BLOCK": block, "TIMESTAMP": timestamp, "PASSWORD_CLAIM_SIGNATURE": Base64.encode(signature)],
        ]
    }

    @Test func anSRPAnswerSignsInOnceEvenWhenSentManyTimesAtOnce() async throws {
        try await TestServer.make().run { c in
            let (pool, client, _) = try await c.poolAndClient()
            try await c.user(pool, "erin")
            let answer = try await Self.srpAnswer(c, pool: pool, client: client, username: "erin", password: "Passw0rd!")
            let body = try JSONSerialization.data(withJSONObject: answer)
            let replies = try await withThrowingTaskGroup(of: (String?, String?, String?).self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        let copy = try JSONSerialization.jsonObject(with: body) as! [String: Any]
                        let r = try await c.call("RespondToAuthChallenge", copy)
                        let refresh = (r["AuthenticationResult"] as? [String: Any])?["RefreshToken"] as? String
                        return (refresh, r.errorType, r.message)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let winners = replies.compactMap(\.0)
            #expect(winners.count == 1)
            #expect(replies.filter { $0.1 == "NotAuthorizedException" && $0.2 == "Incorrect username or password." }.count == 11)
            // The one refresh token handed out is stored and works.
            let refreshed = try await c.call("InitiateAuth", ["ClientId": client, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": ["REFRESH_TOKEN": winners[0]]])
            #expect(refreshed.status == .ok)
        }
    }

    @Test func srpSignInSucceedsAndRefusesAWrongPassword() async throws {
        try await TestServer.make().run { c in
            let (pool, client, _) = try await c.poolAndClient()
            try await c.user(pool, "carol")
            let good = try await Self.srpSignIn(c, pool: pool, client: client, username: "carol", password: "Passw0rd!")
            #expect(good.status == .ok)
            #expect((good["AuthenticationResult"] as? [String: Any])?["IdToken"] != nil)
            let bad = try await Self.srpSignIn(c, pool: pool, client: client, username: "carol", password: "Passw0rd?")
            #expect(bad.errorType == "NotAuthorizedException")
            #expect(bad.message == "Incorrect username or password.")
            let late = try await Self.srpSignIn(c, pool: pool, client: client, username: "carol", password: "Passw0rd!", clockOffset: 3600)
            #expect(late.errorType == "NotAuthorizedException")
        }
    }

    /// A temporary password (FORCE_CHANGE_PASSWORD) lasts TemporaryPasswordValidityDays (7 by
    /// default): within it a sign-in asks for a new password, after it the password is refused.
    @Test func anExpiredTemporaryPasswordIsRefusedOnPasswordAndSRPSignIn() async throws {
        let clock = ManualClock()
        try await TestServer.make(clock: clock).run { c in
            let (pool, client, _) = try await c.poolAndClient()
            _ = try await c.ok("AdminCreateUser", ["UserPoolId": pool, "Username": "tom", "TemporaryPassword": "Temp-Passw0rd!", "MessageAction": "SUPPRESS"])
            #expect(try await c.passwordSignIn(client, "tom", "Temp-Passw0rd!")["ChallengeName"] as? String == "NEW_PASSWORD_REQUIRED")
            clock.advance(8 * 86400)
            let expired = "Temporary password has expired and must be reset by an administrator."
            #expect(try await c.passwordSignIn(client, "tom", "Temp-Passw0rd!").message == expired)
            let srp = try await Self.srpSignIn(c, pool: pool, client: client, username: "tom", password: "Temp-Passw0rd!", clockOffset: 8 * 86400)
            #expect(srp.message == expired)
        }
    }

    @Test func anSRPAnswerAfterAnAdminResetAsksForTheReset() async throws {
        try await TestServer.make().run { c in
            let (pool, client, _) = try await c.poolAndClient()
            try await c.user(pool, "rita", attributes: [["Name": "email", "Value": "rita@example.com"], ["Name": "email_verified", "Value": "true"]])
            let answer = try await Self.srpAnswer(c, pool: pool, client: client, username: "rita", password: "Passw0rd!")
            _ = try await c.ok("AdminResetUserPassword", ["UserPoolId": pool, "Username": "rita"])
            let r = try await c.call("RespondToAuthChallenge", answer)
            #expect(r.errorType == "PasswordResetRequiredException")
            #expect(r["AuthenticationResult"] == nil)
        }
    }

    /// With PreventUserExistenceErrors, an unknown name gets a UUID-shaped USER_ID_FOR_SRP, as a
    /// real user typed by an alias does (an echo of the alias would give the unknown one away).
    @Test func anUnknownAliasGetsAUUIDShapedUserIdLikeARealOne() async throws {
        try await TestServer.make().run { c in
            let (pool, client, _) = try await c.poolAndClient(pool: ["AliasAttributes": ["email"]], client: ["PreventUserExistenceErrors": "ENABLED"])
            try await c.user(pool, "erin", attributes: [["Name": "email", "Value": "erin@example.com"], ["Name": "email_verified", "Value": "true"]])
            func userId(_ name: String) async throws -> String {
                let a = SRPMath.clientPublic(a: OpenSSLRandom().bytes(count: 128))
                let r = try await c.ok("InitiateAuth", ["ClientId": client, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": ["USERNAME": name, "SRP_A": Hex.encode(a)]])
                return try #require((r["ChallengeParameters"] as? [String: String])?["USER_ID_FOR_SRP"])
            }
            #expect(try await userId("erin@example.com") == "erin")
            let ghost = try await userId("ghost@example.com")
            #expect(ghost != "ghost@example.com")
            #expect(ghost.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil)
            #expect(try await userId("ghost@example.com") == ghost)
            #expect(try await userId("ghost") != "ghost")
            let answer = try await Self.srpSignIn(c, pool: pool, client: client, username: "ghost@example.com", password: "Passw0rd!")
            #expect(answer.message == "Incorrect username or password.")
        }
    }

    @Test func srpChallengeIsAnsweredAtAnotherNodeOnTheSameDatabase() async throws {
        let file = NSTemporaryDirectory() + "cognate-two-nodes-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let nodeA = try await TestServer.make(database: file)
        let nodeB = try await TestServer.make(database: file)
        try await nodeA.run { a in
            try await nodeB.run { b in
                let (pool, client, _) = try await a.poolAndClient()
                try await a.user(pool, "dave")
                let r = try await Self.srpSignIn(a, pool: pool, client: client, username: "dave", password: "Passw0rd!", answerWith: b)
                #expect(r.status == .ok, "\(r.errorType ?? "") \(r.message ?? "")")
            }
        }
    }

    @Test func refreshRevocationAndGlobalSignOut() async throws {
        try await TestServer.make().run { c in
            let (pool, client, _) = try await c.poolAndClient()
            try await c.user(pool, "erin")
            let r = try await c.ok("InitiateAuth", ["ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": ["USERNAME": "erin", "PASSWORD": "Passw0rd!"]])
            let result = r["AuthenticationResult"] as! [String: Any]
            let refresh = result["RefreshToken"] as! String
            let again = try await c.ok("InitiateAuth", ["ClientId": client, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": ["REFRESH_TOKEN": refresh]])
            let renewed = again["AuthenticationResult"] as! [String: Any]
            #expect(renewed["RefreshToken"] == nil)
            #expect(decodeJWT(renewed["IdToken"] as! String)["auth_time"] as? Int == decodeJWT(result["IdToken"] as! String)["auth_time"] as? Int)
            _ = try await c.ok("GlobalSignOut", ["AccessToken": result["AccessToken"] as! String])
            let after = try await c.call("GetUser", ["AccessToken": renewed["AccessToken"] as! String])
            #expect(after.errorType == "NotAuthorizedException")
            #expect(after.message == "Access Token has been revoked")
            let refreshAfter = try await c.call("InitiateAuth", ["ClientId": client, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": ["REFRESH_TOKEN": refresh]])
            #expect(refreshAfter.message == "Refresh Token has been revoked")
        }
    }
}
