import CognitoModel

/// What SetUserPoolMfaConfig configures beyond the `UserPoolType` members (MfaConfiguration,
/// SmsAuthenticationMessage, SmsConfiguration), which DescribeUserPool returns as they are.
public struct PoolMFASettings: Codable, Sendable, Equatable {
    /// SMS_MFA on. nil: a pool from before SetUserPoolMfaConfig existed here, or one made by
    /// CreateUserPool, where MFA ON or OPTIONAL with an SmsConfiguration means SMS.
    public var sms: Bool?
    public var softwareToken: Bool
    /// EMAIL_OTP on, with its message; nil when off.
    public var email: EmailMfaConfigType?
    public var webAuthn: WebAuthnConfigurationType?

    public init(sms: Bool? = nil, softwareToken: Bool = false, email: EmailMfaConfigType? = nil, webAuthn: WebAuthnConfigurationType? = nil) {
        self.sms = sms
        self.softwareToken = softwareToken
        self.email = email
        self.webAuthn = webAuthn
    }
}

public enum MFAMode: String, Sendable {
    case off = "OFF", on = "ON", optional = "OPTIONAL"
}

extension UserPool {
    public var mfaMode: MFAMode { type.mfaConfiguration.flatMap(MFAMode.init(rawValue:)) ?? .off }

    /// The factors the pool offers, in Cognito's order.
    public var mfaFactors: [MFAFactor] {
        guard mfaMode != .off else { return [] }
        var out: [MFAFactor] = []
        if mfa?.sms ?? (type.smsConfiguration != nil) { out.append(.sms) }
        if mfa?.softwareToken == true { out.append(.softwareToken) }
        if mfa?.email != nil { out.append(.email) }
        return out
    }

    /// The SMS_MFA message: the pool's SmsAuthenticationMessage, else Cognito's default.
    public var smsAuthenticationMessage: String {
        type.smsAuthenticationMessage ?? "Your authentication code is {####}. "
    }
}
