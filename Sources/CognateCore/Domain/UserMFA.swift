/// The second factors Cognito knows, by the names its API uses (UserMFASettingList,
/// PreferredMfaSetting, challenge names).
public enum MFAFactor: String, Codable, Sendable, CaseIterable {
    case sms = "SMS_MFA"
    case softwareToken = "SOFTWARE_TOKEN_MFA"
    case email = "EMAIL_OTP"
}

/// A user's second factors. Kept with the user, so a preference change or a spent TOTP step
/// is written in the same transaction as the user it belongs to.
public struct UserMFA: Codable, Sendable, Equatable {
    /// The TOTP factor, from AssociateSoftwareToken; usable once VerifySoftwareToken verified it.
    public var totp: TOTPFactor?
    /// The factors the user turned on (UserMFASettingList), in Cognito's order.
    public var enabled: [MFAFactor]
    public var preferred: MFAFactor?
    /// SetUserSettings' legacy MFAOptions (SMS to phone_number), reported as MFAOptions.
    public var legacySMS: Bool

    public init(totp: TOTPFactor? = nil, enabled: [MFAFactor] = [], preferred: MFAFactor? = nil, legacySMS: Bool = false) {
        self.totp = totp
        self.enabled = enabled
        self.preferred = preferred
        self.legacySMS = legacySMS
    }

    public var isEmpty: Bool { totp == nil && enabled.isEmpty && preferred == nil && !legacySMS }

    /// Turns `factor` on or off, keeping Cognito's order; turning it off also drops the preference.
    public mutating func set(_ factor: MFAFactor, enabled on: Bool) {
        if on {
            if !enabled.contains(factor) { enabled = MFAFactor.allCases.filter { $0 == factor || enabled.contains($0) } }
        } else {
            enabled.removeAll { $0 == factor }
            if preferred == factor { preferred = nil }
        }
    }
}

/// An authenticator app's shared secret (RFC 6238), sealed under the master key.
public struct TOTPFactor: Codable, Sendable, Equatable {
    @StoredBytes public var sealedSecret: [UInt8]
    public var verified: Bool
    /// VerifySoftwareToken's FriendlyDeviceName (FRIENDLY_DEVICE_NAME of the challenge).
    public var friendlyName: String?
    /// The newest time step a code was accepted for: a code (and any older one) is accepted once.
    public var lastStep: Int?

    public init(sealedSecret: [UInt8], verified: Bool = false, friendlyName: String? = nil, lastStep: Int? = nil) {
        self.sealedSecret = sealedSecret
        self.verified = verified
        self.friendlyName = friendlyName
        self.lastStep = lastStep
    }
}
