import CognitoModel

/// What Cognito fills in when CreateUserPool leaves a setting out.
public enum PoolDefaults {
    public static let passwordPolicy = PasswordPolicyType(
        minimumLength: 8, requireUppercase: true, requireLowercase: true, requireNumbers: true,
        requireSymbols: true, passwordHistorySize: 0, temporaryPasswordValidityDays: 7
    )

    public static let adminCreateUserConfig = AdminCreateUserConfigType(
        allowAdminCreateUserOnly: false, unusedAccountValidityDays: 7
    )

    public static let verificationMessageTemplate = VerificationMessageTemplateType(
        defaultEmailOption: "CONFIRM_WITH_CODE"
    )

    static func string(_ name: String, mutable: Bool = true, required: Bool = false, min: String = "0", max: String = "2048") -> SchemaAttributeType {
        SchemaAttributeType(
            name: name, attributeDataType: "String", developerOnlyAttribute: false, mutable: mutable,
            required: required, stringAttributeConstraints: StringAttributeConstraintsType(minLength: min, maxLength: max)
        )
    }

    /// The standard attributes every pool has, in Cognito's order.
    public static let standardSchema: [SchemaAttributeType] = [
        string("sub", mutable: false, required: true, min: "1"),
        string("name"), string("given_name"), string("family_name"), string("middle_name"),
        string("nickname"), string("preferred_username"), string("profile"), string("picture"),
        string("website"), string("email"),
        SchemaAttributeType(name: "email_verified", attributeDataType: "Boolean", developerOnlyAttribute: false, mutable: true, required: false),
        string("gender"), string("birthdate", min: "10", max: "10"), string("zoneinfo"), string("locale"),
        string("phone_number"),
        SchemaAttributeType(name: "phone_number_verified", attributeDataType: "Boolean", developerOnlyAttribute: false, mutable: true, required: false),
        string("address"),
        SchemaAttributeType(
            name: "updated_at", attributeDataType: "Number", developerOnlyAttribute: false, mutable: true, required: false,
            numberAttributeConstraints: NumberAttributeConstraintsType(minValue: "0")
        ),
        string("identities"),
    ]

    public static let standardAttributeNames: Set<String> = Set(standardSchema.compactMap(\.name))

    /// Client defaults (contract §2.1).
    public static let explicitAuthFlows = ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"]
    public static let accessTokenValidityMinutes = 60
    public static let refreshTokenValidityDays = 30
}
