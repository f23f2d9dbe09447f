import CognitoModel

/// A user's MFA choices: SetUserMFAPreference and AdminSetUserMFAPreference, the legacy
/// SetUserSettings and AdminSetUserSettings (SMS only), and how GetUser and AdminGetUser report them.
extension Cognate {
    public func setUserMFAPreference(_ input: SetUserMFAPreferenceRequest, _ ctx: CallContext) async throws -> SetUserMFAPreferenceResponse {
        let (user, pool, _) = try await authenticate(input.accessToken)
        try await setMFAPreference(user, pool: pool, sms: input.smsMfaSettings.map(Self.setting), totp: input.softwareTokenMfaSettings.map(Self.setting),
                                   email: input.emailMfaSettings.map(Self.setting), webAuthn: input.webAuthnMfaSettings)
        return SetUserMFAPreferenceResponse()
    }

    public func adminSetUserMFAPreference(_ input: AdminSetUserMFAPreferenceRequest, _ ctx: CallContext) async throws -> AdminSetUserMFAPreferenceResponse {
        let pool = try await requirePool(input.userPoolId)
        let user = try await requireUser(pool, input.username)
        try await setMFAPreference(user, pool: pool, sms: input.smsMfaSettings.map(Self.setting), totp: input.softwareTokenMfaSettings.map(Self.setting),
                                   email: input.emailMfaSettings.map(Self.setting), webAuthn: input.webAuthnMfaSettings)
        return AdminSetUserMFAPreferenceResponse()
    }

    public func setUserSettings(_ input: SetUserSettingsRequest, _ ctx: CallContext) async throws -> SetUserSettingsResponse {
        let (user, pool, _) = try await authenticate(input.accessToken)
        try await setMFAOptions(input.mfaOptions, user: user, pool: pool)
        return SetUserSettingsResponse()
    }

    public func adminSetUserSettings(_ input: AdminSetUserSettingsRequest, _ ctx: CallContext) async throws -> AdminSetUserSettingsResponse {
        let pool = try await requirePool(input.userPoolId)
        let user = try await requireUser(pool, input.username)
        try await setMFAOptions(input.mfaOptions, user: user, pool: pool)
        return AdminSetUserSettingsResponse()
    }

    typealias FactorSetting = (enabled: Bool?, preferred: Bool?)
    static func setting(_ s: SMSMfaSettingsType) -> FactorSetting { (s.enabled, s.preferredMfa) }
    static func setting(_ s: SoftwareTokenMfaSettingsType) -> FactorSetting { (s.enabled, s.preferredMfa) }
    static func setting(_ s: EmailMfaSettingsType) -> FactorSetting { (s.enabled, s.preferredMfa) }

    /// Cognito's rules: a factor is turned on only when it can reach the user (a verified
    /// software token, a phone number, an e-mail address); one factor at most is preferred, and
    /// only one that is on; turning a factor off drops its preference.
    func setMFAPreference(
        _ user: User, pool: UserPool, sms: FactorSetting?, totp: FactorSetting?, email: FactorSetting?, webAuthn: WebAuthnMfaSettingsType?
    ) async throws {
        if webAuthn?.enabled == true {
            throw CognitoError.invalidParameter("WebAuthn MFA requires passkeys, which this user pool does not offer.")
        }
        let settings: [(MFAFactor, FactorSetting)] = [(.sms, sms), (.softwareToken, totp), (.email, email)].compactMap { f, s in s.map { (f, $0) } }
        if settings.filter({ $0.1.preferred == true }).count > 1 {
            throw CognitoError.invalidParameter("Only one MFA method can be set as preferred.")
        }
        if email?.enabled == true, pool.type.userPoolTier == "LITE" {
            throw CognitoError(.featureUnavailableInTier, "Email MFA is not available in the LITE feature plan. Choose the ESSENTIALS or PLUS plan.")
        }
        try await updateUser(pool, user) { u in
            var mfa = u.mfa ?? UserMFA()
            for (factor, s) in settings {
                if let on = s.enabled {
                    if on && !Self.reaches(factor, u) {
                        throw CognitoError.invalidParameter("User does not have delivery config set to turn on \(factor.rawValue)")
                    }
                    mfa.set(factor, enabled: on)
                }
                if s.preferred == true {
                    guard mfa.enabled.contains(factor) else {
                        throw CognitoError.invalidParameter("User does not have delivery config set to turn on \(factor.rawValue)")
                    }
                    mfa.preferred = factor
                } else if s.preferred == false, mfa.preferred == factor {
                    mfa.preferred = nil
                }
            }
            u.mfa = mfa.isEmpty ? nil : mfa
        }
    }

    /// The legacy MFAOptions: SMS to phone_number, or nothing.
    func setMFAOptions(_ options: [MFAOptionType], user: User, pool: UserPool) async throws {
        for o in options where o.deliveryMedium != "SMS" || (o.attributeName ?? "phone_number") != "phone_number" {
            throw CognitoError.invalidParameter("Only SMS to phone_number is supported in MFAOptions.")
        }
        let on = !options.isEmpty
        try await updateUser(pool, user) { u in
            if on && !Self.reaches(.sms, u) {
                throw CognitoError.invalidParameter("User does not have delivery config set to turn on SMS_MFA")
            }
            var mfa = u.mfa ?? UserMFA()
            mfa.legacySMS = on
            u.mfa = mfa.isEmpty ? nil : mfa
        }
    }

    /// GetUser's and AdminGetUser's MFA members: absent for a user with nothing set up.
    static func mfaReport(_ user: User) -> (options: [MFAOptionType]?, preferred: String?, list: [String]?) {
        guard let mfa = user.mfa else { return (nil, nil, nil) }
        return (
            mfa.legacySMS ? [MFAOptionType(deliveryMedium: "SMS", attributeName: "phone_number")] : nil,
            mfa.preferred?.rawValue,
            mfa.enabled.isEmpty ? nil : mfa.enabled.map(\.rawValue)
        )
    }
}
