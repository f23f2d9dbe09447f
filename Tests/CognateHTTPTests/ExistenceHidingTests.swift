import CognateCore
import CognateCrypto
import Foundation
import Synchronization
import Testing

/// Counts the SRP engine's modexp work, so a test can see that a refusal paid for it, or where g^b was made.
final class CountingSRP: SRPEngine {
    let inner: any SRPEngine
    let verifiers = Atomic<Int>(0)
    let signatures = Atomic<Int>(0)
    let ephemerals = Atomic<Int>(0)
    init(_ inner: any SRPEngine) { self.inner = inner }
    func verifier(poolName: String, userId: String, password: String, salt: [UInt8]) -> [UInt8] {
        verifiers.add(1, ordering: .relaxed)
        return inner.verifier(poolName: poolName, userId: userId, password: password, salt: salt)
    }
    func serverEphemeral(secret b: [UInt8]) throws -> [UInt8] {
        ephemerals.add(1, ordering: .relaxed)
        return try inner.serverEphemeral(secret: b)
    }
    func serverPublic(verifier: [UInt8], ephemeral gb: [UInt8]) throws -> [UInt8] { try inner.serverPublic(verifier: verifier, ephemeral: gb) }
    func expectedSignature(
        clientPublic a: [UInt8], serverPublic b: [UInt8], serverSecret: [UInt8], verifier: [UInt8],
        poolName: String, userId: String, secretBlock: [UInt8], timestamp: String
    ) throws -> [UInt8] {
        signatures.add(1, ordering: .relaxed)
        return try inner.expectedSignature(
            clientPublic: a, serverPublic: b, serverSecret: serverSecret, verifier: verifier, poolName: poolName,
            userId: userId, secretBlock: secretBlock, timestamp: timestamp)
    }
}

/// With PreventUserExistenceErrors, refusing an unknown user costs the modexps refusing a wrong
/// password costs (so timing does not tell them apart), and PreAuthentication hears of it.
@Suite("User-existence hiding")
struct ExistenceHidingTests {
    @Test func unknownUsersAreRefusedAfterTheSameCryptoAsWrongPasswords() async throws {
        let counter = Mutex<CountingSRP?>(nil)
        let server = try await TestServer.make(srp: { inner in
            let s = CountingSRP(inner)
            counter.withLock { $0 = s }
            return s
        })
        let srp = try #require(counter.withLock { $0 })
        try await server.run { c in
            let (pool, client, _) = try await c.poolAndClient(client: ["PreventUserExistenceErrors": "ENABLED"])
            try await c.user(pool, "rae")
            func verifiersFor(_ name: String) async throws -> Int {
                let before = srp.verifiers.load(ordering: .relaxed)
                let r = try await c.passwordSignIn(client, name, "Wr0ng-pass!")
                #expect(r.message == "Incorrect username or password.")
                return srp.verifiers.load(ordering: .relaxed) - before
            }
            #expect(try await verifiersFor("rae") == 1)
            #expect(try await verifiersFor("nobody") == 1)

            func signaturesFor(_ name: String) async throws -> Int {
                let before = srp.signatures.load(ordering: .relaxed)
                let r = try await SignInTests.srpSignIn(c, pool: pool, client: client, username: name, password: "Wr0ng-pass!")
                #expect(r.message == "Incorrect username or password.")
                return srp.signatures.load(ordering: .relaxed) - before
            }
            #expect(try await signaturesFor("rae") == 1)
            #expect(try await signaturesFor("nobody") == 1)
        }
    }

    @Test func preAuthenticationHearsOfAnUnknownUserOnSRPToo() async throws {
        let triggers = ScriptedTriggers()
        let server = try await TestServer.make(triggers: triggers)
        try await server.run { c in
            let (_, client, _) = try await c.poolAndClient(
                pool: ["LambdaConfig": ["PreAuthentication": "https://hooks.test/preauth"]], client: ["PreventUserExistenceErrors": "ENABLED"])
            let a = SRPMath.clientPublic(a: OpenSSLRandom().bytes(count: 128))
            _ = try await c.ok("InitiateAuth", ["ClientId": client, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": ["USERNAME": "nobody", "SRP_A": Hex.encode(a)]])
            let event = try #require(triggers.events(.preAuthentication).last)
            #expect(event["userName"] == .string("nobody"))
            if case .object(let request)? = event["request"] { #expect(request["userNotFound"] == .bool(true)) } else { Issue.record("no request") }
        }
    }

    /// A user who must reset the password is told so on SRP's first step, unless existence errors
    /// are prevented: then, as Cognito does for imported users, a made-up challenge that fails.
    @Test func aUserWhoMustResetGetsAMadeUpChallengeWhenExistenceIsHidden() async throws {
        try await TestServer.make().run { c in
            let (pool, open, _) = try await c.poolAndClient()
            let hidden = try await c.ok("CreateUserPoolClient", [
                "UserPoolId": pool, "ClientName": "hidden", "PreventUserExistenceErrors": "ENABLED",
                "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            ])
            let hiddenClient = try #require((hidden["UserPoolClient"] as? [String: Any])?["ClientId"] as? String)
            try await c.user(pool, "ria", attributes: [["Name": "email", "Value": "ria@example.com"], ["Name": "email_verified", "Value": "true"]])
            _ = try await c.ok("AdminResetUserPassword", ["UserPoolId": pool, "Username": "ria"])
            let a = SRPMath.clientPublic(a: OpenSSLRandom().bytes(count: 128))
            let told = try await c.call("InitiateAuth", ["ClientId": open, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": ["USERNAME": "ria", "SRP_A": Hex.encode(a)]])
            #expect(told.errorType == "PasswordResetRequiredException")
            let start = try await c.ok("InitiateAuth", ["ClientId": hiddenClient, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": ["USERNAME": "ria", "SRP_A": Hex.encode(a)]])
            #expect(start["ChallengeName"] as? String == "PASSWORD_VERIFIER")
            let userId = try #require((start["ChallengeParameters"] as? [String: String])?["USER_ID_FOR_SRP"])
            #expect(userId != "ria")
            let answer = try await SignInTests.srpSignIn(c, pool: pool, client: hiddenClient, username: "ria", password: "Passw0rd!")
            #expect(answer.message == "Incorrect username or password.")
        }
    }

}
