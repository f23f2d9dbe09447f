import CognitoModel

/// The pool's MFA settings: SetUserPoolMfaConfig / GetUserPoolMfaConfig, and the rule
/// CreateUserPool and UpdateUserPool share.
extension Cognate {
    public func getUserPoolMfaConfig(_ input: GetUserPoolMfaConfigRequest, _ ctx: CallContext) async throws -> GetUserPoolMfaConfigResponse {
        let c = Self.mfaConfig(try await requirePool(input.userPoolId))
        return GetUserPoolMfaConfigResponse(
            smsMfaConfiguration: c.sms, softwareTokenMfaConfiguration: c.softwareToken, emailMfaConfiguration: c.email,
            mfaConfiguration: c.mode, webAuthnConfiguration: c.webAuthn
        )
    }

    public func setUserPoolMfaConfig(_ input: SetUserPoolMfaConfigRequest, _ ctx: CallContext) async throws -> SetUserPoolMfaConfigResponse {
        let current = try await requirePool(input.userPoolId)
        let mode = input.mfaConfiguration ?? current.mfaMode.rawValue
        let configuresFactor = input.smsMfaConfiguration != nil || input.softwareTokenMfaConfiguration?.enabled == true || input.emailMfaConfiguration != nil
        if mode == MFAMode.off.rawValue && configuresFactor {
            throw CognitoError.invalidParameter("Invalid MFA configuration given, can't turn off MFA and configure an MFA together.")
        }
        if input.emailMfaConfiguration != nil {
            if current.type.userPoolTier == "LITE" {
                throw CognitoError(.featureUnavailableInTier, "Email MFA is not available in the LITE feature plan. Choose the ESSENTIALS or PLUS plan.")
            }
            // As Cognito: the default sender's daily quota is too small for sign-in codes.
            guard current.type.emailConfiguration?.emailSendingAccount == "DEVELOPER" else {
                throw CognitoError.invalidParameter("Email MFA requires the user pool to send email with Amazon SES: set EmailConfiguration.EmailSendingAccount to DEVELOPER.")
            }
        }
        if let sms = input.smsMfaConfiguration, sms.smsConfiguration == nil, current.type.smsConfiguration == nil {
            throw CognitoError.invalidParameter("SMS configuration is required to enable SMS MFA: give SmsMfaConfiguration.SmsConfiguration.")
        }
        let t = now
        let pool = try await mapMissing(input.userPoolId) {
            try await store.updatePool(id: input.userPoolId) { pool in
                var settings = pool.mfa ?? PoolMFASettings(sms: pool.mfaFactors.contains(.sms))
                if mode == MFAMode.off.rawValue {
                    // OFF configures no factor: what was on is off, so turning MFA on again asks for them anew.
                    settings = PoolMFASettings(sms: false, webAuthn: settings.webAuthn)
                }
                if let sms = input.smsMfaConfiguration {
                    settings.sms = true
                    if let message = sms.smsAuthenticationMessage { pool.type.smsAuthenticationMessage = message }
                    if let config = sms.smsConfiguration { pool.type.smsConfiguration = config }
                }
                if let totp = input.softwareTokenMfaConfiguration { settings.softwareToken = totp.enabled ?? false }
                if let email = input.emailMfaConfiguration { settings.email = email }
                if let webAuthn = input.webAuthnConfiguration { settings.webAuthn = webAuthn }
                pool.mfa = settings
                pool.type.mfaConfiguration = mode
                try Self.checkMFAMode(pool, setting: true)
                pool.type.lastModifiedDate = t
            }
        }
        let c = Self.mfaConfig(pool)
        return SetUserPoolMfaConfigResponse(
            smsMfaConfiguration: c.sms, softwareTokenMfaConfiguration: c.softwareToken, emailMfaConfiguration: c.email,
            mfaConfiguration: c.mode, webAuthnConfiguration: c.webAuthn
        )
    }

    /// MFA ON or OPTIONAL needs a factor. CreateUserPool and UpdateUserPool configure only SMS
    /// (an SmsConfiguration); SetUserPoolMfaConfig any of them.
    static func checkMFAMode(_ pool: UserPool, setting: Bool = false) throws {
        guard pool.mfaMode != .off, pool.mfaFactors.isEmpty else { return }
        if setting {
            throw CognitoError.invalidParameter("Invalid MFA Configuration given. SMS MFA, Email MFA, or Software Token MFA must be enabled.")
        }
        throw CognitoError.invalidParameter("SMS configuration and Auto verification for phone_number are required when MFA is required/optional")
    }

    /// What Get/SetUserPoolMfaConfig answer: the factors that are on, with their settings.
    static func mfaConfig(_ pool: UserPool) -> (
        mode: String, sms: SmsMfaConfigType?, softwareToken: SoftwareTokenMfaConfigType, email: EmailMfaConfigType?, webAuthn: WebAuthnConfigurationType?
    ) {
        let factors = pool.mfaFactors
        let sms = factors.contains(.sms)
            ? SmsMfaConfigType(smsAuthenticationMessage: pool.type.smsAuthenticationMessage, smsConfiguration: pool.type.smsConfiguration) : nil
        return (pool.mfaMode.rawValue, sms, SoftwareTokenMfaConfigType(enabled: factors.contains(.softwareToken)),
                factors.contains(.email) ? pool.mfa?.email : nil, pool.mfa?.webAuthn)
    }
}
