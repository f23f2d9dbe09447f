import CognateCore
import CognateCrypto
import Foundation
import Testing

/// Signing-key rotation (`cognate keys rotate` calls `Cognate.rotateSigningKeys`) as the wire
/// sees it, with a clock moved by hand; "nodes" are servers over one database file.
@Suite struct KeyRotationTests {
    static func kid(_ token: String) -> String? { JWT.parse(token)?.kid }

    /// `count` servers on one SQLite file in a new folder, as nodes on one database, sharing `clock`.
    static func nodesOnOneFile(_ count: Int, clock: ManualClock) async throws -> (dir: URL, [TestServer]) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cognate-rotation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let database = dir.appendingPathComponent("cognate.sqlite").path
        var nodes: [TestServer] = []
        for _ in 0..<count { nodes.append(try await TestServer.make(database: database, dataDirectory: dir.path, clock: clock)) }
        return (dir, nodes)
    }

    static func jwksKids(_ c: TestServer.Client, _ pool: String) async throws -> Set<String> {
        let keys = try #require(try await c.get("/\(pool)/.well-known/jwks.json")["keys"] as? [[String: Any]])
        return Set(keys.compactMap { $0["kid"] as? String })
    }

    /// The token verifies against the pool's JWKS as a relying party checks it.
    static func verifiesAgainstJWKS(_ c: TestServer.Client, _ pool: String, _ token: String) async throws -> Bool {
        let keys = try #require(try await c.get("/\(pool)/.well-known/jwks.json")["keys"] as? [[String: Any]])
        let parsed = try #require(JWT.parse(token))
        guard let k = keys.first(where: { $0["kid"] as? String == parsed.kid }) else { return false }
        let jwk = PublicJWK(kid: parsed.kid, n: k["n"] as! String, e: k["e"] as! String)
        return OpenSSLTokenSigning(random: OpenSSLRandom()).verify(parsed.signature, message: parsed.signingInput, key: jwk)
    }

    static func tokens(_ c: TestServer.Client, _ client: String, _ name: String) async throws -> (access: String, id: String) {
        let r = try await c.passwordSignIn(client, name)
        let result = try #require(r["AuthenticationResult"] as? [String: Any])
        return (result["AccessToken"] as! String, result["IdToken"] as! String)
    }

    @Test func aRotatedKeyIsPublishedAtOnceSignsAfterTheDelayAndTheOldOneRetires() async throws {
        let clock = ManualClock()
        let server = try await TestServer.make(clock: clock)
        try await server.run { c in
            let (pool, client, _) = try await c.poolAndClient()
            try await c.user(pool, "alice")
            let before = try await Self.tokens(c, client, "alice")
            let oldKids = try await Self.jwksKids(c, pool)
            #expect(oldKids.count == 2)

            let rotated = try await server.cognate.rotateSigningKeys(poolId: pool, delay: 600)
            let newKids = Set(rotated.filter { $0.generation == 1 }.map(\.kid))
            #expect(newKids.count == 2)
            #expect(rotated.filter { $0.generation == 1 }.allSatisfy { $0.state == .pending })

            // Published at once; tokens are still signed with the old keys until the delay is over.
            #expect(try await Self.jwksKids(c, pool) == oldKids.union(newKids))
            let during = try await Self.tokens(c, client, "alice")
            #expect(oldKids.contains(try #require(Self.kid(during.access))))
            #expect(oldKids.contains(try #require(Self.kid(during.id))))

            clock.advance(600)
            let after = try await Self.tokens(c, client, "alice")
            #expect(newKids.contains(try #require(Self.kid(after.access))))
            #expect(newKids.contains(try #require(Self.kid(after.id))))
            #expect(try await Self.verifiesAgainstJWKS(c, pool, after.id))
            // Tokens of the old keys still work and verify: they are published until they expire.
            #expect(try await Self.verifiesAgainstJWKS(c, pool, before.id))
            _ = try await c.ok("GetUser", ["AccessToken": before.access])
            _ = try await c.ok("GetUser", ["AccessToken": during.access])

            // Retirement: an hour (the client's token lifetime) and the margin after activation.
            let info = try await server.cognate.signingKeyInfo(poolId: pool)
            let retiresAt = try #require(info.first { oldKids.contains($0.kid) }?.retiresAt)
            #expect(retiresAt == clock.now().timeIntervalSince1970 + 3600 + Cognate.retirementMargin)
            #expect(info.filter { oldKids.contains($0.kid) }.allSatisfy { $0.state == .retiring })
            clock.advance(3600 + Cognate.retirementMargin - 1)
            #expect(try await Self.jwksKids(c, pool).count == 4)
            clock.advance(1)
            #expect(try await Self.jwksKids(c, pool) == newKids)
            // The old token (verified before, so held in the verified-token cache) is refused for
            // its key, before its expiry is looked at.
            let refused = try await c.call("GetUser", ["AccessToken": before.access])
            #expect(refused.errorType == "NotAuthorizedException")
            #expect(refused.message == CognitoError.invalidAccessToken.message)
            _ = try await c.ok("GetUser", ["AccessToken": try await Self.tokens(c, client, "alice").access])
            // The read that found them retired purged them.
            #expect(try await server.cognate.signingKeyInfo(poolId: pool).map(\.kid).sorted() == newKids.sorted())
        }
    }

    @Test func otherNodesSeeARotationWithoutARestart() async throws {
        let clock = ManualClock()
        let (dir, nodes) = try await Self.nodesOnOneFile(3, clock: clock)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (a, b, late) = (nodes[0], nodes[1], nodes[2])

        let (pool, client, _) = try await a.run { c in try await c.poolAndClient() }
        try await a.run { c in try await c.user(pool, "bob") }
        // Nodes b and late sign and verify with the pool's first keys, and hold them.
        var kids: Set<String> = []
        for node in [b, late] {
            kids.insert(try await node.run { c in
                let t = try await Self.tokens(c, client, "bob")
                _ = try await c.ok("GetUser", ["AccessToken": t.access])
                return try #require(Self.kid(t.access))
            })
        }
        #expect(kids.count == 1)
        let oldKid = try #require(kids.first)

        // Rotated on node a with no delay: a signs with the new key at once.
        _ = try await a.cognate.rotateSigningKeys(poolId: pool, delay: 0)
        let fromA = try await a.run { c in try await Self.tokens(c, client, "bob") }
        let newKid = try #require(Self.kid(fromA.access))
        #expect(newKid != oldKid)

        // b has never seen that kid: it reads the keys again instead of refusing the token.
        try await b.run { c in
            _ = try await c.ok("GetUser", ["AccessToken": fromA.access])
            #expect(try await Self.jwksKids(c, pool).count == 4)
        }
        // late signs from its copy until that is `signingKeyRefresh` old, then with the new key.
        try await late.run { c in
            let stale = try await Self.tokens(c, client, "bob")
            #expect(Self.kid(stale.access) == oldKid)
            clock.advance(60)
            let fresh = try await Self.tokens(c, client, "bob")
            #expect(Self.kid(fresh.access) == newKid)
        }
    }

    @Test func aNewKeyIsInEveryNodesJWKSWithinASecond() async throws {
        let clock = ManualClock()
        let (dir, nodes) = try await Self.nodesOnOneFile(2, clock: clock)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (a, b) = (nodes[0], nodes[1])
        let pool = try await a.run { c in try await c.poolAndClient().pool }
        let first = try await b.run { c in try await Self.jwksKids(c, pool) }

        let rotated = try await a.cognate.rotateSigningKeys(poolId: pool, delay: 86400)
        // Within the second b serves its JWKS from its copy; past it, b lists the pending keys.
        #expect(try await b.run { c in try await Self.jwksKids(c, pool) } == first)
        clock.advance(1)
        let kids = try await b.run { c in try await Self.jwksKids(c, pool) }
        #expect(kids == first.union(rotated.map(\.kid)))
        #expect(try await b.cognate.signingKeyInfo(poolId: pool).filter { $0.state == .pending }.count == 2)
    }

    @Test func aSupersededKeyOutlivesThePoolsLongestTokenLifetime() async throws {
        let clock = ManualClock()
        let server = try await TestServer.make(clock: clock)
        try await server.run { c in
            let (pool, _, _) = try await c.poolAndClient(client: ["AccessTokenValidity": 1, "IdTokenValidity": 24, "TokenValidityUnits": ["AccessToken": "days", "IdToken": "hours"]])
            let info = try await server.cognate.rotateSigningKeys(poolId: pool, delay: 3600)
            let t = clock.now().timeIntervalSince1970
            #expect(info.filter { $0.generation == 0 }.map(\.retiresAt) == [t + 3600 + 86400 + Cognate.retirementMargin, t + 3600 + 86400 + Cognate.retirementMargin])
            #expect(info.filter { $0.generation == 1 }.allSatisfy { $0.retiresAt == nil && $0.activatesAt == t + 3600 })
        }
    }

    @Test func rotatingAnUnknownPoolIsResourceNotFound() async throws {
        let server = try await TestServer.make()
        await #expect(throws: CognitoError.poolNotFound("us-east-1_missing")) {
            _ = try await server.cognate.rotateSigningKeys(poolId: "us-east-1_missing", delay: 0)
        }
        await #expect(throws: CognitoError.poolNotFound("us-east-1_missing")) {
            _ = try await server.cognate.signingKeyInfo(poolId: "us-east-1_missing")
        }
    }
}
