/// A pool's signing keys over time: which one signs each kind of token, which are published,
/// and which may go. Pure rules over the stored keys, so every node that reads the same rows
/// at the same time decides the same.
///
/// A rotation adds one ID and one access key as the next generation, signing from
/// `activatesAt`; they are published from the moment they are stored. The newest generation
/// whose activation has passed signs. Every older key of the same use is then superseded and
/// retires (leaves the JWKS and is deleted) `grace` after its successor activates: long
/// enough for the last token it signed to expire.
public struct SigningKeyRing: Sendable, Equatable {
    public var keys: [StoredSigningKey]

    public init(_ keys: [StoredSigningKey]) { self.keys = keys }

    public enum State: String, Sendable, Codable {
        /// Published, not signing yet.
        case pending
        /// Signing its kind of token.
        case active
        /// Superseded: published until the tokens it signed have expired.
        case retiring
        /// Past its retirement: neither published nor accepted, deleted at the next purge.
        case retired
    }

    /// The key that signs `purpose` tokens at `t`.
    public func signingKey(_ purpose: KeyPurpose, at t: Double) -> StoredSigningKey? {
        keys.filter { $0.purpose == purpose && Self.activation($0) <= t && !Self.isRetired($0, at: t) }.max(by: Self.older)
    }

    /// What the JWKS lists and tokens are verified with at `t`: every key not retired, pending
    /// ones too, since every verifier must know a key before any node signs with it.
    public func published(at t: Double) -> [StoredSigningKey] {
        keys.filter { !Self.isRetired($0, at: t) }
    }

    public func state(of key: StoredSigningKey, at t: Double) -> State {
        if Self.isRetired(key, at: t) { return .retired }
        // A key that a newer, activated one has overtaken never signs again, even one still
        // waiting for its own activation (a rotation with a shorter delay came after it).
        if let signer = signingKey(key.purpose, at: t), Self.older(key, signer) { return .retiring }
        return Self.activation(key) > t ? .pending : .active
    }

    /// Adds `new` (one key per use) as the next generation, signing from `activatesAt`. Every
    /// older key of their uses retires `grace` after that, unless it retires sooner already.
    /// Retired keys are dropped.
    public mutating func rotate(adding new: [StoredSigningKey], activatesAt: Double, grace: Double, now: Double) {
        purge(at: now)
        let generation = (keys.map { $0.generation ?? 0 }.max() ?? -1) + 1
        let uses = Set(new.map(\.purpose))
        let retiresAt = activatesAt + grace
        for i in keys.indices where uses.contains(keys[i].purpose) {
            keys[i].retiresAt = min(keys[i].retiresAt ?? retiresAt, retiresAt)
        }
        keys += new.map { key in
            var key = key
            key.generation = generation
            key.activatesAt = activatesAt
            key.retiresAt = nil
            return key
        }
    }

    /// Drops the keys retired at `t`; true when there were any.
    @discardableResult
    public mutating func purge(at t: Double) -> Bool {
        let before = keys.count
        keys.removeAll { Self.isRetired($0, at: t) }
        return keys.count != before
    }

    public func hasRetired(at t: Double) -> Bool { keys.contains { Self.isRetired($0, at: t) } }

    /// `cognate keys list`: newest generation first, ID key before access key.
    public func info(at t: Double) -> [SigningKeyInfo] {
        keys.sorted { a, b in
            if Self.older(b, a) { return true }
            if Self.older(a, b) { return false }
            return a.purpose == .idToken && b.purpose == .accessToken
        }.map { key in
            SigningKeyInfo(
                kid: key.kid, use: key.purpose, generation: key.generation ?? 0, createdAt: key.createdAt,
                activatesAt: Self.activation(key), retiresAt: key.retiresAt, state: state(of: key, at: t)
            )
        }
    }

    static func activation(_ key: StoredSigningKey) -> Double { key.activatesAt ?? key.createdAt }

    static func isRetired(_ key: StoredSigningKey, at t: Double) -> Bool { key.retiresAt.map { $0 <= t } ?? false }

    /// Rotation order: by generation, then (within one, which only the first keys share) creation.
    static func older(_ a: StoredSigningKey, _ b: StoredSigningKey) -> Bool {
        ((a.generation ?? 0), a.createdAt) < ((b.generation ?? 0), b.createdAt)
    }
}

/// One key as `cognate keys list` shows it (epoch seconds).
public struct SigningKeyInfo: Sendable, Equatable, Codable {
    public var kid: String
    public var use: KeyPurpose
    public var generation: Int
    public var createdAt: Double
    public var activatesAt: Double
    public var retiresAt: Double?
    public var state: SigningKeyRing.State

    public init(kid: String, use: KeyPurpose, generation: Int, createdAt: Double, activatesAt: Double, retiresAt: Double?, state: SigningKeyRing.State) {
        self.kid = kid
        self.use = use
        self.generation = generation
        self.createdAt = createdAt
        self.activatesAt = activatesAt
        self.retiresAt = retiresAt
        self.state = state
    }
}
