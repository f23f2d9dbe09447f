/// A device a user signed in from, in a pool that tracks devices (DeviceConfiguration). Made
/// with the tokens of a sign-in (NewDeviceMetadata); ConfirmDevice gives it the SRP verifier of
/// the secret only the device holds, and a remembered device may then stand in for MFA
/// (DEVICE_SRP_AUTH). Refresh tokens of a sign-in on a device are bound to it.
public struct Device: Codable, Sendable, Equatable {
    public var poolId: String
    public var username: String
    /// `region_uuid`, as Cognito's DeviceKey.
    public var key: String
    /// The SRP "pool name" of the device's verifier (DeviceGroupKey).
    public var groupKey: String
    public var name: String?
    /// ConfirmDevice's salt and verifier (sealed under the master key); empty until then.
    @StoredBytes public var salt: [UInt8]
    @StoredBytes public var sealedVerifier: [UInt8]
    public var confirmed: Bool
    /// DeviceRememberedStatus: `remembered` or `not_remembered`.
    public var remembered: Bool
    public var createdAt: Double
    public var modifiedAt: Double
    public var lastAuthenticatedAt: Double?

    public init(
        poolId: String, username: String, key: String, groupKey: String, name: String? = nil, salt: [UInt8] = [], sealedVerifier: [UInt8] = [],
        confirmed: Bool = false, remembered: Bool = false, createdAt: Double, modifiedAt: Double, lastAuthenticatedAt: Double? = nil
    ) {
        self.poolId = poolId
        self.username = username
        self.key = key
        self.groupKey = groupKey
        self.name = name
        self.salt = salt
        self.sealedVerifier = sealedVerifier
        self.confirmed = confirmed
        self.remembered = remembered
        self.createdAt = createdAt
        self.modifiedAt = modifiedAt
        self.lastAuthenticatedAt = lastAuthenticatedAt
    }
}
