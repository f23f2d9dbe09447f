import CognateCore
import Testing

/// The rotation rules over a pool's keys, with no store and no clock but the times given.
@Suite struct SigningKeyRingTests {
    static let created = 1_790_000_000.0
    static let hour = 3600.0

    static func key(_ kid: String, _ purpose: KeyPurpose, at t: Double = created) -> StoredSigningKey {
        StoredSigningKey(poolId: "p", purpose: purpose, publicKey: PublicJWK(kid: kid, n: "n", e: "AQAB"), sealedPrivateKey: [1], createdAt: t)
    }

    /// A pool's first pair, as CreateUserPool stores it.
    static var first: SigningKeyRing { SigningKeyRing([key("id-0", .idToken), key("access-0", .accessToken)]) }

    func states(_ ring: SigningKeyRing, at t: Double) -> [String: SigningKeyRing.State] {
        Dictionary(uniqueKeysWithValues: ring.keys.map { ($0.kid, ring.state(of: $0, at: t)) })
    }

    @Test func firstKeysSignFromCreationAndNeverRetire() {
        let ring = Self.first
        #expect(ring.signingKey(.idToken, at: Self.created)?.kid == "id-0")
        #expect(ring.signingKey(.accessToken, at: Self.created + 1e9)?.kid == "access-0")
        #expect(states(ring, at: Self.created + 1e9) == ["id-0": .active, "access-0": .active])
        #expect(ring.published(at: Self.created).count == 2)
    }

    @Test func aRotatedKeyIsPublishedAtOnceAndSignsAfterTheDelay() {
        var ring = Self.first
        let t = Self.created + 100 * Self.hour
        ring.rotate(adding: [Self.key("id-1", .idToken, at: t), Self.key("access-1", .accessToken, at: t)], activatesAt: t + 24 * Self.hour, grace: 2 * Self.hour, now: t)

        // Published at once, signing only after the delay.
        #expect(Set(ring.published(at: t).map(\.kid)) == ["id-0", "access-0", "id-1", "access-1"])
        #expect(ring.signingKey(.accessToken, at: t)?.kid == "access-0")
        #expect(ring.signingKey(.accessToken, at: t + 24 * Self.hour - 1)?.kid == "access-0")
        #expect(states(ring, at: t) == ["id-0": .active, "access-0": .active, "id-1": .pending, "access-1": .pending])
        #expect(ring.keys.first { $0.kid == "id-1" }?.generation == 1)

        // After the delay the new pair signs; the old one stays published for the grace.
        let activated = t + 24 * Self.hour
        #expect(ring.signingKey(.idToken, at: activated)?.kid == "id-1")
        #expect(ring.signingKey(.accessToken, at: activated)?.kid == "access-1")
        #expect(states(ring, at: activated) == ["id-0": .retiring, "access-0": .retiring, "id-1": .active, "access-1": .active])
        #expect(ring.published(at: activated + 2 * Self.hour - 1).count == 4)

        // Then it retires: gone from the JWKS, and purged.
        #expect(ring.keys.first { $0.kid == "access-0" }?.retiresAt == activated + 2 * Self.hour)
        #expect(Set(ring.published(at: activated + 2 * Self.hour).map(\.kid)) == ["id-1", "access-1"])
        #expect(states(ring, at: activated + 2 * Self.hour)["id-0"] == .retired)
        #expect(ring.hasRetired(at: activated + 2 * Self.hour))
        let purged = ring.purge(at: activated + 2 * Self.hour)
        #expect(purged)
        #expect(Set(ring.keys.map(\.kid)) == ["id-1", "access-1"])
        let again = ring.purge(at: activated + 1e9)
        #expect(!again)
    }

    @Test func aLaterRotationWithAShorterDelayOvertakesAPendingOne() {
        var ring = Self.first
        let t = Self.created + Self.hour
        ring.rotate(adding: [Self.key("id-1", .idToken, at: t), Self.key("access-1", .accessToken, at: t)], activatesAt: t + 24 * Self.hour, grace: Self.hour, now: t)
        let u = t + 60
        ring.rotate(adding: [Self.key("id-2", .idToken, at: u), Self.key("access-2", .accessToken, at: u)], activatesAt: u, grace: Self.hour, now: u)

        #expect(ring.signingKey(.idToken, at: u)?.kid == "id-2")
        // Generation 1 never signs, not even once its own activation has passed.
        #expect(ring.signingKey(.idToken, at: t + 24 * Self.hour)?.kid == "id-2")
        #expect(states(ring, at: u) == ["id-0": .retiring, "access-0": .retiring, "id-1": .retiring, "access-1": .retiring, "id-2": .active, "access-2": .active])
        // Both older generations retire a grace after generation 2 activates, the first one no later than before.
        for kid in ["id-0", "access-0", "id-1", "access-1"] {
            #expect(ring.keys.first { $0.kid == kid }?.retiresAt == u + Self.hour)
        }
    }

    @Test func aRetirementAlreadyScheduledIsNeverPostponed() {
        var ring = Self.first
        let t = Self.created
        ring.rotate(adding: [Self.key("id-1", .idToken, at: t)], activatesAt: t + 60, grace: Self.hour, now: t)
        ring.rotate(adding: [Self.key("id-2", .idToken, at: t)], activatesAt: t + 48 * Self.hour, grace: Self.hour, now: t)
        #expect(ring.keys.first { $0.kid == "id-0" }?.retiresAt == t + 60 + Self.hour)
        #expect(ring.keys.first { $0.kid == "id-1" }?.retiresAt == t + 48 * Self.hour + Self.hour)
        // A rotation of one use leaves the other's keys alone.
        #expect(ring.keys.first { $0.kid == "access-0" }?.retiresAt == nil)
        #expect(ring.signingKey(.idToken, at: t + 60)?.kid == "id-1")
    }

    @Test func aRotationPurgesWhatHasRetired() {
        var ring = Self.first
        let t = Self.created
        ring.rotate(adding: [Self.key("id-1", .idToken, at: t), Self.key("access-1", .accessToken, at: t)], activatesAt: t, grace: Self.hour, now: t)
        ring.rotate(adding: [Self.key("id-2", .idToken, at: t), Self.key("access-2", .accessToken, at: t)], activatesAt: t + 2 * Self.hour, grace: Self.hour, now: t + 2 * Self.hour)
        #expect(Set(ring.keys.map(\.kid)) == ["id-1", "access-1", "id-2", "access-2"])
        #expect(ring.keys.first { $0.kid == "id-2" }?.generation == 2)
    }

    @Test func infoListsNewestFirst() {
        var ring = Self.first
        let t = Self.created + 10
        ring.rotate(adding: [Self.key("access-1", .accessToken, at: t), Self.key("id-1", .idToken, at: t)], activatesAt: t + 60, grace: Self.hour, now: t)
        let info = ring.info(at: t)
        #expect(info.map(\.kid) == ["id-1", "access-1", "id-0", "access-0"])
        #expect(info[0] == SigningKeyInfo(kid: "id-1", use: .idToken, generation: 1, createdAt: t, activatesAt: t + 60, retiresAt: nil, state: .pending))
        #expect(info[2] == SigningKeyInfo(kid: "id-0", use: .idToken, generation: 0, createdAt: Self.created, activatesAt: Self.created, retiresAt: t + 60 + Self.hour, state: .active))
    }
}
