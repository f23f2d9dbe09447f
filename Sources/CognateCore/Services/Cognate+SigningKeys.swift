/// The pools' signing keys: creation, rotation (`cognate keys rotate`, `keys list`), and the
/// copy each process keeps of them (`SigningKeyCache`) for signing, verification and the JWKS.
///
/// Several nodes share one database, and a rotation written by one of them (or by the CLI) is
/// seen by the others through the database alone:
/// - the JWKS reads the keys when its copy is over `CoreConfig.jwksRefresh` (a second) old, so
///   a new key is published by every node within a second of being stored;
/// - a token naming a kid this process does not know re-reads them before it is refused;
/// - signing uses a copy at most `CoreConfig.signingKeyRefresh` old, so a node may go on
///   signing with the superseded key that long after its successor activates. That is why a
///   superseded key retires `retirementMargin` later than its last token could expire.
/// The delay before a new key signs is for the JWKS's readers outside: they may hold an old
/// copy for as long as they cache it (docs/keys.md).
extension Cognate {
    /// Added to the longest token lifetime before a superseded key retires: more than a node's
    /// signing copy may lag (`signingKeyRefresh`, a minute) plus clock skew between nodes.
    public static let retirementMargin: Double = 300

    /// The lifetime a superseded key is kept for when the pool's clients give less (or there is
    /// none yet): Cognito's default for access and ID tokens, an hour.
    static let minimumTokenSeconds = 3600

    /// A new ID key and access key for the pool, sealed under the master key.
    func newSigningKeys(poolId: String, at t: Double) async throws -> [StoredSigningKey] {
        var keys: [StoredSigningKey] = []
        for purpose in [KeyPurpose.idToken, .accessToken] {
            let signing = deps.signing
            let generated = try await deps.compute.run { try signing.generateKey() }
            let sealed = try deps.atRest.seal(generated.privateKeyDER, aad: Self.keyAAD(poolId))
            keys.append(StoredSigningKey(poolId: poolId, purpose: purpose, publicKey: generated.publicKey, sealedPrivateKey: sealed, createdAt: t))
        }
        return keys
    }

    /// `cognate keys rotate`: a new ID and access key, published at once and signing from
    /// `delay` seconds on. The keys they supersede retire once every token those can still
    /// sign has expired: the pool's longest ID or access token lifetime after the new keys
    /// activate, plus `retirementMargin`.
    public func rotateSigningKeys(poolId: String, delay: Double) async throws -> [SigningKeyInfo] {
        guard delay >= 0, delay.isFinite else { throw CognitoError.invalidParameter("The delay must be zero or more seconds.") }
        let pool = try await requirePool(poolId)
        let t = now
        let grace = Double(try await longestTokenSeconds(poolId: pool.id)) + Self.retirementMargin
        let fresh = try await newSigningKeys(poolId: pool.id, at: t)
        // Retired keys are purged here, and by a read that finds some (`readSigningKeys`):
        // nothing else runs on a schedule, and until then a retired key is only ignored.
        let keys = try await mapMissing(pool.id) {
            try await store.updateSigningKeys(poolId: pool.id) { keys in
                var ring = SigningKeyRing(keys)
                ring.rotate(adding: fresh, activatesAt: t + delay, grace: grace, now: t)
                keys = ring.keys
            }
        }
        try cacheSigningKeys(pool.id, keys, readAt: t)
        return SigningKeyRing(keys).info(at: t)
    }

    /// `cognate keys list`: every key of the pool with its times and state.
    public func signingKeyInfo(poolId: String) async throws -> [SigningKeyInfo] {
        let pool = try await requirePool(poolId)
        return try await readSigningKeys(pool.id).ring.info(at: now)
    }

    /// The public JWKS of a pool: every key not retired, pending ones included.
    public func jwks(poolId: String) async throws -> [PublicJWK] {
        guard let pool = try await store.pool(id: poolId) else { throw CognitoError.poolNotFound(poolId) }
        // From a copy at most `jwksRefresh` old (a second), unlike signing's minute: each node must
        // publish a key almost as soon as it is stored, well before any node signs with it. Only
        // new kids are unsealed.
        let t = now
        return try await signingKeys(pool.id, readWithin: deps.config.jwksRefresh, at: t).ring.published(at: t).map(\.publicKey)
    }

    /// The key that signs `purpose` tokens now, from a copy at most `signingKeyRefresh` old.
    func signingKey(_ purpose: KeyPurpose, _ pool: UserPool) async throws -> SigningKeyCache.Entry {
        let t = now
        let current = try await signingKeys(pool.id, readWithin: deps.config.signingKeyRefresh, at: t)
        guard let key = current.ring.signingKey(purpose, at: t), let entry = current.entry(kid: key.kid) else {
            throw CognitoError(.internalError, "The user pool has no signing key.")
        }
        return entry
    }

    /// The key a token names, if it is the pool's, of that use and not retired. A kid this
    /// process knows costs no round trip; an unknown one re-reads the keys first, since another
    /// node may have rotated them.
    func verificationKey(kid: String, _ purpose: KeyPurpose, _ pool: UserPool) async throws -> StoredSigningKey? {
        let t = now
        var entry = keyCache.get(pool.id)?.entry(kid: kid)
        if entry == nil { entry = try await readSigningKeys(pool.id).entry(kid: kid) }
        guard let entry else { return nil }
        guard entry.key.purpose == purpose, !SigningKeyRing.isRetired(entry.key, at: t) else { return nil }
        return entry.key
    }

    /// This process's copy of the pool's keys if it was read less than `window` seconds ago,
    /// else a fresh read.
    func signingKeys(_ poolId: String, readWithin window: Double, at t: Double) async throws -> SigningKeyCache.Snapshot {
        if let held = keyCache.get(poolId), (0..<window).contains(t - held.readAt) { return held }
        return try await readSigningKeys(poolId)
    }

    /// Reads the pool's keys into this process's copy, unsealing only kids it has not seen.
    /// Finding retired keys purges them (see `rotateSigningKeys`).
    @discardableResult
    func readSigningKeys(_ poolId: String) async throws -> SigningKeyCache.Snapshot {
        let t = now
        let keys = try await store.signingKeys(poolId: poolId)
        let snapshot = try cacheSigningKeys(poolId, keys, readAt: t)
        if snapshot.ring.hasRetired(at: t) {
            // Every node that reads them may try: the first deletes them, the others find nothing
            // to do. A failure changes nothing but the next read trying again.
            _ = try? await store.updateSigningKeys(poolId: poolId) { keys in
                var ring = SigningKeyRing(keys)
                ring.purge(at: t)
                keys = ring.keys
            }
        }
        return snapshot
    }

    @discardableResult
    func cacheSigningKeys(_ poolId: String, _ keys: [StoredSigningKey], readAt t: Double) throws -> SigningKeyCache.Snapshot {
        let held = keyCache.get(poolId)
        let entries = try keys.map { key in
            // A kid's private key never changes; only its times do.
            if let known = held?.entry(kid: key.kid) { return SigningKeyCache.Entry(key: key, privateDER: known.privateDER) }
            return SigningKeyCache.Entry(key: key, privateDER: try deps.atRest.open(key.sealedPrivateKey, aad: Self.keyAAD(poolId)))
        }
        let snapshot = SigningKeyCache.Snapshot(entries: entries, readAt: t)
        keyCache.put(poolId, snapshot)
        return snapshot
    }

    /// The longest ID or access token lifetime of the pool's clients, at least an hour.
    func longestTokenSeconds(poolId: String) async throws -> Int {
        var longest = Self.minimumTokenSeconds
        var after: String?
        while true {
            let page = try await store.listClients(poolId: poolId, after: after, limit: 100)
            for client in page { longest = max(longest, client.accessTokenSeconds, client.idTokenSeconds) }
            guard page.count == 100, let last = page.last else { return longest }
            after = last.id
        }
    }

    /// What a pool's sealed private keys are bound to (also checked at start-up, `Bootstrap`).
    public static func keyAAD(_ poolId: String) -> [UInt8] { Array("key:\(poolId)".utf8) }
}
