import CognateCore
import CognitoModel
import Testing

// MARK: - Domains, resource servers, branding, authorization codes, hosted sessions

extension StoreConformance {
    static func domain(_ name: String, pool: String) -> PoolDomain {
        PoolDomain(domain: name, poolId: pool, customDomainConfig: nil, managedLoginVersion: 1, createdAt: 1_700_000_000)
    }

    static func authCode(_ hash: [UInt8], pool: String = "p1", user: String = "alice") -> AuthorizationCode {
        AuthorizationCode(
            codeHash: hash, poolId: pool, clientId: "c1", username: user, redirectURI: "https://app.example/cb", scopes: ["openid"],
            nonce: "n", codeChallenge: nil, codeChallengeMethod: nil, authTime: 1_700_000_000, expiresAt: 1_700_000_300
        )
    }

    @Test("domains are unique across pools and listed per pool", arguments: Backend.all)
    func domains(_ backend: Backend) async throws {
        try await backend.run { store in
            try await store.createDomain(Self.domain("photos", pool: "p1"))
            try await store.createDomain(Self.domain("login.photos.example", pool: "p1"))
            await #expect(throws: StoreConflict.alreadyExists) { try await store.createDomain(Self.domain("photos", pool: "p2")) }
            #expect(try await store.domain("photos")?.poolId == "p1")
            #expect(try await store.domain("nosuch") == nil)
            #expect(try await store.domains(poolId: "p1").map(\.domain) == ["login.photos.example", "photos"])
            let updated = try await store.updateDomain("photos") { $0.managedLoginVersion = 2 }
            #expect(updated.managedLoginVersion == 2)
            #expect(try await store.domain("photos")?.managedLoginVersion == 2)
            await #expect(throws: StoreConflict.notFound) { try await store.updateDomain("nosuch") { _ in } }
            try await store.deleteDomain("photos")
            #expect(try await store.domain("photos") == nil)
            try await store.createDomain(Self.domain("photos", pool: "p2"))
            #expect(try await store.domain("photos")?.poolId == "p2")
        }
    }

    @Test("resource servers round-trip, page by identifier and belong to their pool", arguments: Backend.all)
    func resourceServers(_ backend: Backend) async throws {
        try await backend.run { store in
            for id in ["b", "a", "c"] {
                try await store.createResourceServer(ResourceServerType(userPoolId: "p1", identifier: id, name: "n", scopes: [ResourceServerScopeType(scopeName: "read", scopeDescription: "r")]))
            }
            try await store.createResourceServer(ResourceServerType(userPoolId: "p2", identifier: "a", name: "other"))
            await #expect(throws: StoreConflict.alreadyExists) {
                try await store.createResourceServer(ResourceServerType(userPoolId: "p1", identifier: "a", name: "again"))
            }
            #expect(try await store.listResourceServers(poolId: "p1", after: nil, limit: 2).map(\.identifier) == ["a", "b"])
            #expect(try await store.listResourceServers(poolId: "p1", after: "b", limit: 2).map(\.identifier) == ["c"])
            let updated = try await store.updateResourceServer(poolId: "p1", identifier: "a") { $0.name = "renamed" }
            #expect(updated.name == "renamed")
            #expect(try await store.resourceServer(poolId: "p2", identifier: "a")?.name == "other")
            try await store.deleteResourceServer(poolId: "p1", identifier: "a")
            #expect(try await store.resourceServer(poolId: "p1", identifier: "a") == nil)
            #expect(try await store.resourceServer(poolId: "p2", identifier: "a") != nil)
        }
    }

    @Test("branding is kept per pool and client, and replaced on put", arguments: Backend.all)
    func branding(_ backend: Backend) async throws {
        try await backend.run { store in
            let all = UICustomization(poolId: "p1", clientId: "ALL", css: "a{}", image: [1, 2], imageType: "image/png", version: "v1", createdAt: 1, modifiedAt: 1)
            try await store.putUICustomization(all)
            var client = all
            client.clientId = "c1"
            client.css = "b{}"
            try await store.putUICustomization(client)
            #expect(try await store.uiCustomization(poolId: "p1", clientId: "ALL") == all)
            #expect(try await store.uiCustomization(poolId: "p1", clientId: "c1")?.css == "b{}")
            var again = all
            again.version = "v2"
            try await store.putUICustomization(again)
            #expect(try await store.uiCustomization(poolId: "p1", clientId: "ALL")?.version == "v2")
            #expect(try await store.uiCustomization(poolId: "p2", clientId: "ALL") == nil)
        }
    }

    @Test("an authorization code is redeemed once, even by 20 concurrent redemptions", arguments: Backend.all)
    func authorizationCodes(_ backend: Backend) async throws {
        try await backend.run { store in
            let code = Self.authCode([7, 7, 7])
            try await store.putAuthorizationCode(code)
            #expect(try await store.authorizationCode(hash: [7, 7, 7]) == code)
            #expect(try await store.authorizationCode(hash: [1]) == nil)
            #expect(try await store.redeemAuthorizationCode(hash: [1], originJti: "x") == nil)
            let results = await concurrently(20) { i in
                guard let before = try await store.redeemAuthorizationCode(hash: [7, 7, 7], originJti: "jti-\(i)") else { throw Refused() }
                if before.redeemedWith != nil { throw StoreConflict.alreadyExists }
            }
            let t = tally(results, expecting: .alreadyExists)
            #expect(t.successes == 1 && t.conflicts == 19, "\(t)")
            let spent = try #require(try await store.authorizationCode(hash: [7, 7, 7]))
            #expect(spent.redeemedWith?.hasPrefix("jti-") == true)
            #expect(spent.replayed == true, "the 19 later ones marked it replayed")
            // A later redemption sees the first one's family, unchanged.
            #expect(try await store.redeemAuthorizationCode(hash: [7, 7, 7], originJti: "late")?.redeemedWith == spent.redeemedWith)
            // One redemption alone does not mark a code replayed; the second does.
            try await store.putAuthorizationCode(Self.authCode([6]))
            #expect(try await store.redeemAuthorizationCode(hash: [6], originJti: "once")?.redeemedWith == nil)
            #expect(try await store.authorizationCode(hash: [6])?.replayed == nil)
            #expect(try await store.authorizationCode(hash: [6])?.redeemedWith == "once")
            #expect(try await store.redeemAuthorizationCode(hash: [6], originJti: "again")?.redeemedWith == "once")
            #expect(try await store.authorizationCode(hash: [6])?.replayed == true)
            #expect(try await store.authorizationCode(hash: [6])?.redeemedWith == "once")
        }
    }

    @Test("hosted sessions are found by hash and end on delete, with their user or pool", arguments: Backend.all)
    func hostedSessions(_ backend: Backend) async throws {
        try await backend.run { store in
            try await store.createPool(Fixture.pool("p1"), keys: [])
            try await store.createUser(Fixture.user("p1", "alice"))
            let s = HostedSession(idHash: [9, 9], poolId: "p1", username: "alice", authTime: 1, expiresAt: 3601)
            try await store.putHostedSession(s)
            try await store.putHostedSession(HostedSession(idHash: [8], poolId: "p1", username: "alice", authTime: 1, expiresAt: 3601))
            try await store.putAuthorizationCode(Self.authCode([5], pool: "p1", user: "alice"))
            #expect(try await store.hostedSession(idHash: [9, 9]) == s)
            try await store.deleteHostedSession(idHash: [9, 9])
            #expect(try await store.hostedSession(idHash: [9, 9]) == nil)
            #expect(try await store.hostedSession(idHash: [8]) != nil)
            try await store.deleteUser(poolId: "p1", username: "alice")
            #expect(try await store.hostedSession(idHash: [8]) == nil)
            #expect(try await store.authorizationCode(hash: [5]) == nil)

            try await store.createDomain(Self.domain("gone", pool: "p1"))
            try await store.putHostedSession(HostedSession(idHash: [4], poolId: "p1", username: "bob", authTime: 1, expiresAt: 3601))
            try await store.deletePool(id: "p1")
            #expect(try await store.domain("gone") == nil)
            #expect(try await store.hostedSession(idHash: [4]) == nil)
        }
    }
}
