import CognateCore
import CognateHTTP
import CognateCrypto
import Foundation
import Logging
import Synchronization
import Testing

/// A Triggers port that answers as the test says and records every event.
final class ScriptedTriggers: Triggers {
    typealias Handler = @Sendable (TriggerName, [String: JSONValue]) throws -> JSONValue
    private let state: Mutex<(events: [(TriggerName, [String: JSONValue])], handler: Handler)>

    init(_ handler: @escaping Handler = { _, e in .object(e) }) { state = Mutex(([], handler)) }

    func set(_ handler: @escaping Handler) { state.withLock { $0.handler = handler } }
    func events(_ name: TriggerName) -> [[String: JSONValue]] { state.withLock { $0.events.filter { $0.0 == name }.map(\.1) } }

    func invoke(_ trigger: TriggerName, target: String, event: JSONValue) async throws -> JSONValue {
        guard case .object(let e) = event else { throw CognitoError.lambdaInvalidResponse }
        let handler = state.withLock { s in
            s.events.append((trigger, e))
            return s.handler
        }
        return try handler(trigger, e)
    }

    /// The event back with `response` set, as a function returns it.
    static func respond(_ event: [String: JSONValue], _ response: [String: JSONValue]) -> JSONValue {
        var e = event
        e["response"] = .object(response)
        return .object(e)
    }
}

private func request(_ e: [String: JSONValue]) -> [String: JSONValue] {
    if case .object(let r)? = e["request"] { return r }
    return [:]
}

@Suite struct TriggerFlowTests {
    let lambda: [String: String] = [
        "PreSignUp": "https://hooks.test/pre", "PostConfirmation": "https://hooks.test/post",
        "PreTokenGeneration": "https://hooks.test/token", "CustomMessage": "https://hooks.test/message",
        "DefineAuthChallenge": "https://hooks.test/define", "CreateAuthChallenge": "https://hooks.test/create",
        "VerifyAuthChallengeResponse": "https://hooks.test/verify",
    ]

    @Test func preSignUpRefusalCreatesNothingAndAutoConfirmConfirms() async throws {
        let triggers = ScriptedTriggers { name, _ in
            if name == .preSignUp { throw CognitoError.lambdaRejected(name, message: "closed") }
            return .object([:])
        }
        let server = try await TestServer.make(triggers: triggers)
        try await server.run { c in
            let (pool, client, _) = try await c.poolAndClient(pool: ["AutoVerifiedAttributes": ["email"], "LambdaConfig": lambda])
            let signUp: [String: Any] = ["ClientId": client, "Username": "ann", "Password": "Passw0rd!", "UserAttributes": [["Name": "email", "Value": "ann@example.com"]]]
            let refused = try await c.call("SignUp", signUp)
            #expect(refused.errorType == "UserLambdaValidationException")
            #expect(refused.message == "PreSignUp failed with error closed.")
            #expect(try await c.call("AdminGetUser", ["UserPoolId": pool, "Username": "ann"]).errorType == "UserNotFoundException")
            #expect(triggers.events(.customMessage).isEmpty, "nothing after a refusal")

            triggers.set { name, e in
                name == .preSignUp ? ScriptedTriggers.respond(e, ["autoConfirmUser": .bool(true), "autoVerifyEmail": .bool(true)]) : .object(e)
            }
            let ok = try await c.ok("SignUp", signUp)
            #expect(ok["UserConfirmed"] as? Bool == true)
            #expect(server.outbox.list(poolId: pool, username: nil).isEmpty, "an auto-confirmed user gets no code")
            let post = try #require(triggers.events(.postConfirmation).last)
            #expect(post["triggerSource"] == .string("PostConfirmation_ConfirmSignUp"))
            guard case .object(let attrs)? = request(post)["userAttributes"] else { Issue.record("no attributes"); return }
            #expect(attrs["email_verified"] == .string("true"))
            #expect(attrs["cognito:user_status"] == .string("CONFIRMED"))
        }
    }

    @Test func failedPostConfirmationUndoesTheConfirmation() async throws {
        let triggers = ScriptedTriggers()
        let server = try await TestServer.make(triggers: triggers)
        try await server.run { c in
            let (pool, client, _) = try await c.poolAndClient(pool: ["AutoVerifiedAttributes": ["email"], "LambdaConfig": lambda])
            _ = try await c.ok("SignUp", ["ClientId": client, "Username": "bo", "Password": "Passw0rd!", "UserAttributes": [["Name": "email", "Value": "bo@example.com"]]])
            let code = try #require(server.outbox.list(poolId: pool, username: "bo").last?.code)
            triggers.set { name, e in
                if name == .postConfirmation { throw CognitoError.lambdaUnreachable(name, reason: "Socket timeout while invoking Lambda function") }
                return .object(e)
            }
            let failed = try await c.call("ConfirmSignUp", ["ClientId": client, "Username": "bo", "ConfirmationCode": code])
            #expect(failed.errorType == "UnexpectedLambdaException")
            let user = try await c.ok("AdminGetUser", ["UserPoolId": pool, "Username": "bo"])
            #expect(user["UserStatus"] as? String == "UNCONFIRMED")
            triggers.set { _, e in .object(e) }
            _ = try await c.ok("ConfirmSignUp", ["ClientId": client, "Username": "bo", "ConfirmationCode": code])
            #expect(try await c.ok("AdminGetUser", ["UserPoolId": pool, "Username": "bo"])["UserStatus"] as? String == "CONFIRMED")
        }
    }

    @Test func customMessageShapesTheMessage() async throws {
        let triggers = ScriptedTriggers { name, e in
            guard name == .customMessage else { return .object(e) }
            return ScriptedTriggers.respond(e, ["emailSubject": .string("Hi"), "emailMessage": .string("Code {####}!"), "smsMessage": .null])
        }
        let server = try await TestServer.make(triggers: triggers)
        try await server.run { c in
            let (pool, client, _) = try await c.poolAndClient(pool: ["AutoVerifiedAttributes": ["email"], "LambdaConfig": lambda])
            _ = try await c.ok("SignUp", ["ClientId": client, "Username": "cy", "Password": "Passw0rd!", "UserAttributes": [["Name": "email", "Value": "cy@example.com"]]])
            let m = try #require(server.outbox.list(poolId: pool, username: "cy").last)
            #expect(m.subject == "Hi")
            #expect(m.message == "Code \(m.code!)!")
            #expect(triggers.events(.customMessage).first?["triggerSource"] == .string("CustomMessage_SignUp"))
        }
    }

    /// With a trigger to run after the proof, the challenge is spent before it: a replayed answer
    /// is refused without reaching PostAuthentication or PreTokenGeneration a second time.
    @Test func aReplayedSRPAnswerDoesNotRunTriggersAgain() async throws {
        let triggers = ScriptedTriggers()
        let server = try await TestServer.make(triggers: triggers)
        try await server.run { c in
            let hooks = ["PostAuthentication": "https://hooks.test/post-auth", "PreTokenGeneration": "https://hooks.test/token"]
            let (pool, client, _) = try await c.poolAndClient(pool: ["LambdaConfig": hooks])
            try await c.user(pool, "fay")
            let answer = try await SignInTests.srpAnswer(c, pool: pool, client: client, username: "fay", password: "Passw0rd!")
            let first = try await c.call("RespondToAuthChallenge", answer)
            #expect(first.status == .ok)
            let replay = try await c.call("RespondToAuthChallenge", answer)
            #expect(replay.errorType == "NotAuthorizedException")
            #expect(triggers.events(.postAuthentication).count == 1)
            #expect(triggers.events(.preTokenGeneration).count == 1)

            // Wrong passwords, by SRP and by USER_PASSWORD_AUTH, reach neither trigger; right ones do.
            let wrongSRP = try await SignInTests.srpSignIn(c, pool: pool, client: client, username: "fay", password: "Passw0rd?")
            #expect(wrongSRP.errorType == "NotAuthorizedException")
            let params = ["ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH"] as [String: Any]
            let wrong = try await c.call("InitiateAuth", params.merging(["AuthParameters": ["USERNAME": "fay", "PASSWORD": "Passw0rd?"]]) { $1 })
            #expect(wrong.message == "Incorrect username or password.")
            #expect(triggers.events(.postAuthentication).count == 1)
            #expect(triggers.events(.preTokenGeneration).count == 1)
            let right = try await c.call("InitiateAuth", params.merging(["AuthParameters": ["USERNAME": "fay", "PASSWORD": "Passw0rd!"]]) { $1 })
            #expect(right.status == .ok)
            #expect(triggers.events(.postAuthentication).count == 2)
            #expect(triggers.events(.preTokenGeneration).count == 2)
        }
    }

    @Test func preTokenGenerationEditsTheIdTokenButNotProtectedClaims() async throws {
        let triggers = ScriptedTriggers { name, e in
            guard name == .preTokenGeneration else { return .object(e) }
            return ScriptedTriggers.respond(e, ["claimsOverrideDetails": .object([
                "claimsToAddOrOverride": .object(["plan": .string("pro"), "token_use": .string("access")]),
                "claimsToSuppress": .array([.string("email"), .string("plan")]),
                "groupOverrideDetails": .object(["groupsToOverride": .array([.string("g1")])]),
            ])])
        }
        let server = try await TestServer.make(triggers: triggers)
        try await server.run { c in
            let (pool, client, _) = try await c.poolAndClient(pool: ["LambdaConfig": lambda])
            try await c.user(pool, "dee", attributes: [["Name": "email", "Value": "dee@example.com"]])
            let r = try await c.ok("InitiateAuth", ["ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": ["USERNAME": "dee", "PASSWORD": "Passw0rd!"]])
            let result = try #require(r["AuthenticationResult"] as? [String: Any])
            let id = decodeJWT(result["IdToken"] as! String), access = decodeJWT(result["AccessToken"] as! String)
            #expect(id["plan"] == nil, "suppression wins over addition")
            #expect(id["email"] == nil)
            #expect(id["token_use"] as? String == "id")
            #expect(id["cognito:groups"] as? [String] == ["g1"])
            #expect(access["cognito:groups"] as? [String] == ["g1"])
        }
    }

    @Test func customAuthRunsDefineCreateVerify() async throws {
        let triggers = ScriptedTriggers { name, e in
            let req = request(e)
            switch name {
            case .defineAuthChallenge:
                guard case .array(let session)? = req["session"] else { throw CognitoError.lambdaInvalidResponse }
                if case .object(let last)? = session.last, last["challengeResult"] == .bool(true) {
                    return ScriptedTriggers.respond(e, ["issueTokens": .bool(true), "failAuthentication": .bool(false)])
                }
                return ScriptedTriggers.respond(e, ["challengeName": .string("CUSTOM_CHALLENGE")])
            case .createAuthChallenge:
                return ScriptedTriggers.respond(e, ["publicChallengeParameters": .object(["q": .string("colour?")]),
                                                    "privateChallengeParameters": .object(["a": .string("blue")])])
            case .verifyAuthChallengeResponse:
                guard case .object(let p)? = req["privateChallengeParameters"] else { throw CognitoError.lambdaInvalidResponse }
                return ScriptedTriggers.respond(e, ["answerCorrect": .bool(req["challengeAnswer"] == p["a"])])
            default:
                return .object(e)
            }
        }
        let server = try await TestServer.make(triggers: triggers)
        try await server.run { c in
            let (pool, client, _) = try await c.poolAndClient(pool: ["LambdaConfig": lambda], client: ["ExplicitAuthFlows": ["ALLOW_CUSTOM_AUTH"]])
            try await c.user(pool, "eve")
            let start = try await c.ok("InitiateAuth", ["ClientId": client, "AuthFlow": "CUSTOM_AUTH", "AuthParameters": ["USERNAME": "eve"]])
            #expect(start["ChallengeName"] as? String == "CUSTOM_CHALLENGE")
            #expect(start["ChallengeParameters"] as? [String: String] == ["q": "colour?", "USERNAME": "eve"])
            let session = try #require(start["Session"] as? String)
            #expect(!session.contains("blue"), "private parameters travel sealed")
            let wrong = try await c.ok("RespondToAuthChallenge", ["ClientId": client, "ChallengeName": "CUSTOM_CHALLENGE", "Session": session,
                                                                  "ChallengeResponses": ["USERNAME": "eve", "ANSWER": "red"]])
            #expect(wrong["ChallengeName"] as? String == "CUSTOM_CHALLENGE")
            let right = try await c.ok("RespondToAuthChallenge", ["ClientId": client, "ChallengeName": "CUSTOM_CHALLENGE", "Session": wrong["Session"] as! String,
                                                                  "ChallengeResponses": ["USERNAME": "eve", "ANSWER": "blue"]])
            #expect((right["AuthenticationResult"] as? [String: Any])?["AccessToken"] != nil)
            #expect(triggers.events(.defineAuthChallenge).count == 3)
        }
    }

    /// Confirming on the hosted pages signs the new user in: through the authentication triggers,
    /// so that a PreAuthentication refusal holds for new accounts too.
    @Test func theSignInAfterAHostedSignUpRunsTheAuthenticationTriggers() async throws {
        let triggers = ScriptedTriggers()
        let server = try await TestServer.make(triggers: triggers)
        try await server.run { c in
            let hooks = ["PreAuthentication": "https://hooks.test/preauth", "PostAuthentication": "https://hooks.test/postauth"]
            let app = try await c.oauthPool(pool: ["LambdaConfig": hooks])
            func signUp(_ name: String) async throws -> WebReply {
                var b = Browser(c)
                let form = try await b.get("/signup?" + app.authorizeQuery())
                let confirm = try await b.submit(form, ["username": name, "password": "Passw0rd!", "email": "\(name)@example.com", "nickname": name])
                let code = try #require(c.latestCode(server, pool: app.pool))
                return try await b.submit(confirm, ["code": code])
            }
            let done = try await signUp("ivy")
            #expect(done.location?.hasPrefix(OAuthApp.callback + "?code=") == true, "\(done.status) \(done.body.prefix(300))")
            #expect(triggers.events(.preAuthentication).last?["userName"] == .string("ivy"))
            #expect(triggers.events(.postAuthentication).last?["userName"] == .string("ivy"))

            triggers.set { name, e in
                if name == .preAuthentication { throw CognitoError.lambdaRejected(name, message: "closed") }
                return .object(e)
            }
            let refused = try await signUp("joe")
            #expect(refused.location == nil)
            #expect(refused.body.contains("PreAuthentication failed with error closed."), "\(refused.body.prefix(300))")
        }
    }


    /// CUSTOM_WITH_SRP: a proof made with an expired temporary password is refused as it is on
    /// USER_SRP_AUTH, even when DefineAuthChallenge would issue tokens after it.
    @Test func anExpiredTemporaryPasswordDoesNotPassACustomSRPStep() async throws {
        let clock = ManualClock()
        let triggers = ScriptedTriggers { name, e in
            guard name == .defineAuthChallenge, case .object(let r)? = e["request"], case .array(let session)? = r["session"],
                  case .object(let last)? = session.last else { return .object(e) }
            if last["challengeName"] == .string("SRP_A") {
                return ScriptedTriggers.respond(e, ["challengeName": .string("PASSWORD_VERIFIER"), "issueTokens": .bool(false), "failAuthentication": .bool(false)])
            }
            return ScriptedTriggers.respond(e, ["issueTokens": .bool(true), "failAuthentication": .bool(false)])
        }
        let server = try await TestServer.make(triggers: triggers, clock: clock)
        try await server.run { c in
            let (pool, client, _) = try await c.poolAndClient(pool: ["LambdaConfig": lambda], client: ["ExplicitAuthFlows": ["ALLOW_CUSTOM_AUTH"]])
            _ = try await c.ok("AdminCreateUser", ["UserPoolId": pool, "Username": "tia", "TemporaryPassword": "Temp-Passw0rd!", "MessageAction": "SUPPRESS"])
            func customSRP(offset: Double) async throws -> TestServer.Client.Reply {
                let a = OpenSSLRandom().bytes(count: 128)
                let start = try await c.ok("InitiateAuth", ["ClientId": client, "AuthFlow": "CUSTOM_AUTH", "AuthParameters": [
                    "USERNAME": "tia", "SRP_A": Hex.encode(SRPMath.clientPublic(a: a)), "CHALLENGE_NAME": "SRP_A",
                ]])
                #expect(start["ChallengeName"] as? String == "PASSWORD_VERIFIER")
                let p = try #require(start["ChallengeParameters"] as? [String: String])
                let timestamp = CognitoTimestamp.format(Date().addingTimeInterval(offset))
                let block = try #require(p["SECRET_BLOCK"])
                let signature = try SRPMath.clientSignature(
                    a: a, B: Hex.decode(p["SRP_B"]!)!, salt: Hex.decode(p["SALT"]!)!, poolName: String(pool.split(separator: "_")[1]),
                    userId: p["USER_ID_FOR_SRP"]!, password: "Temp-Passw0rd!", secretBlock: Base64.decode(block)!, timestamp: timestamp
                )
                return try await c.call("RespondToAuthChallenge", [
                    "ClientId": client, "ChallengeName": "PASSWORD_VERIFIER", "Session": start["Session"] as Any,
                    "ChallengeResponses": ["USERNAME": p["USER_ID_FOR_SRP"]!, "PASSWORD_CLAIM_SECRET_BLOCK": block, "TIMESTAMP": timestamp,
                                           "PASSWORD_CLAIM_SIGNATURE": Base64.encode(signature)],
                ])
            }
            clock.advance(8 * 86400)
            let expired = try await customSRP(offset: 8 * 86400)
            #expect(expired.message == "Temporary password has expired and must be reset by an administrator.")
            #expect(expired["AuthenticationResult"] == nil)
        }
    }

}
