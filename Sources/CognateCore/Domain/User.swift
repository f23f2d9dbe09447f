import CognitoModel

/// A user of a pool. `username` is the immutable name Cognito calls `cognito:username` (a UUID
/// equal to `sub` in pools that sign in by email or phone).
public struct User: Codable, Sendable, Equatable {
    public var poolId: String
    public var username: String
    public var sub: String
    /// All attributes as strings, as Cognito stores them (`email_verified` is "true"/"false").
    public var attributes: [String: String]
    public var status: UserStatus
    public var enabled: Bool
    public var createdAt: Double
    public var modifiedAt: Double
    public var password: PasswordRecord?
    /// Keys the store indexes this user by; recomputed by the core on every write.
    public var index: UserIndex
    /// Second factors; nil for a user who never set one up.
    public var mfa: UserMFA?

    public init(
        poolId: String, username: String, sub: String, attributes: [String: String], status: UserStatus,
        enabled: Bool, createdAt: Double, modifiedAt: Double, password: PasswordRecord?, index: UserIndex = UserIndex(), mfa: UserMFA? = nil
    ) {
        self.poolId = poolId
        self.username = username
        self.sub = sub
        self.attributes = attributes
        self.status = status
        self.enabled = enabled
        self.createdAt = createdAt
        self.modifiedAt = modifiedAt
        self.password = password
        self.index = index
        self.mfa = mfa
    }

    public func attributeBool(_ name: String) -> Bool { attributes[name] == "true" }
}

public enum UserStatus: String, Codable, Sendable {
    case unconfirmed = "UNCONFIRMED"
    case confirmed = "CONFIRMED"
    case forceChangePassword = "FORCE_CHANGE_PASSWORD"
    case resetRequired = "RESET_REQUIRED"
    case externalProvider = "EXTERNAL_PROVIDER"
}

/// The password as Cognito keeps it: an SRP verifier (sealed at rest) and its salt, so both
/// USER_PASSWORD_AUTH and USER_SRP_AUTH sign the same user in.
public struct PasswordRecord: Codable, Sendable, Equatable {
    @StoredBytes public var salt: [UInt8]
    @StoredBytes public var sealedVerifier: [UInt8]
    public var setAt: Double
    /// Set for temporary passwords (AdminCreateUser, AdminSetUserPassword Permanent=false).
    public var expiresAt: Double?

    public init(salt: [UInt8], sealedVerifier: [UInt8], setAt: Double, expiresAt: Double?) {
        self.salt = salt
        self.sealedVerifier = sealedVerifier
        self.setAt = setAt
        self.expiresAt = expiresAt
    }
}

/// Lookup keys for a user. Unique per pool: `usernameKey` always; `aliasKeys` for the sign-in
/// aliases that are active (verified email/phone, preferred_username); `searchKeys` feed ListUsers.
public struct UserIndex: Codable, Sendable, Equatable {
    public var usernameKey: String = ""
    public var aliasKeys: [AliasKey] = []
    public var searchKeys: [SearchKey] = []
    public init() {}
}

public struct AliasKey: Codable, Sendable, Equatable, Hashable {
    public var attribute: String
    public var value: String
    public init(attribute: String, value: String) {
        self.attribute = attribute
        self.value = value
    }
}

public struct SearchKey: Codable, Sendable, Equatable, Hashable {
    public var attribute: String
    public var value: String
    public init(attribute: String, value: String) {
        self.attribute = attribute
        self.value = value
    }
}
