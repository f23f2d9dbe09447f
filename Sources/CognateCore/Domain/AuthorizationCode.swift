/// An OAuth 2.0 authorization code, kept only as its keyed hash. It is bound to everything the
/// /authorize request fixed, and `redeemedWith` records the token family its one redemption
/// produced, so that a replay can revoke it (RFC 6749 §4.1.2).
public struct AuthorizationCode: Codable, Sendable, Equatable {
    public var codeHash: [UInt8]
    public var poolId: String
    public var clientId: String
    public var username: String
    public var redirectURI: String
    public var scopes: [String]
    public var nonce: String?
    public var codeChallenge: String?
    /// `S256` or `plain` when a challenge was sent.
    public var codeChallengeMethod: String?
    public var authTime: Double
    public var expiresAt: Double
    /// The origin_jti of the tokens the first redemption issued; nil until then.
    public var redeemedWith: String?
    /// Set when the code is presented again after its redemption. The first redemption checks
    /// it once its tokens are stored, so a replay racing it still revokes them (the replay's own
    /// revocation may run before they exist).
    public var replayed: Bool?

    public init(
        codeHash: [UInt8], poolId: String, clientId: String, username: String, redirectURI: String, scopes: [String],
        nonce: String?, codeChallenge: String?, codeChallengeMethod: String?, authTime: Double, expiresAt: Double, redeemedWith: String? = nil
    ) {
        self.codeHash = codeHash
        self.poolId = poolId
        self.clientId = clientId
        self.username = username
        self.redirectURI = redirectURI
        self.scopes = scopes
        self.nonce = nonce
        self.codeChallenge = codeChallenge
        self.codeChallengeMethod = codeChallengeMethod
        self.authTime = authTime
        self.expiresAt = expiresAt
        self.redeemedWith = redeemedWith
    }
}

/// A signed-in browser on the hosted UI: the cookie carries a random id, the store only its hash,
/// so signing out ends the session on every node.
public struct HostedSession: Codable, Sendable, Equatable {
    public var idHash: [UInt8]
    public var poolId: String
    public var username: String
    public var authTime: Double
    public var expiresAt: Double

    public init(idHash: [UInt8], poolId: String, username: String, authTime: Double, expiresAt: Double) {
        self.idHash = idHash
        self.poolId = poolId
        self.username = username
        self.authTime = authTime
        self.expiresAt = expiresAt
    }
}
