import CognitoModel

extension Cognate {
    static let idAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    public func createUserPool(_ input: CreateUserPoolRequest, _ ctx: CallContext) async throws -> CreateUserPoolResponse {
        if !(input.usernameAttributes ?? []).isEmpty && !(input.aliasAttributes ?? []).isEmpty {
            throw CognitoError.invalidParameter("Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.")
        }
        let id = ctx.region + "_" + deps.random.string(count: 9, alphabet: Self.idAlphabet)
        let t = now
        var type = UserPoolType(id: id, name: input.poolName)
        type.creationDate = t
        type.lastModifiedDate = t
        type.arn = "arn:aws:cognito-idp:\(ctx.region):\(deps.config.accountId):userpool/\(id)"
        type.schemaAttributes = try Self.schema(merging: input.schema ?? [], into: PoolDefaults.standardSchema)
        type.aliasAttributes = input.aliasAttributes
        type.usernameAttributes = input.usernameAttributes
        type.usernameConfiguration = input.usernameConfiguration
        type.userPoolTags = input.userPoolTags
        type.userPoolTier = input.userPoolTier ?? "ESSENTIALS"
        Self.apply(mutable: MutablePoolSettings(input), to: &type)
        let pool = UserPool(type: type, region: ctx.region)
        try Self.checkMFAMode(pool)

        try await store.createPool(pool, keys: try await newSigningKeys(poolId: id, at: t))
        return CreateUserPoolResponse(userPool: describe(pool, users: 0))
    }

    public func describeUserPool(_ input: DescribeUserPoolRequest, _ ctx: CallContext) async throws -> DescribeUserPoolResponse {
        let pool = try await requirePool(input.userPoolId)
        var type = describe(pool, users: try await store.userCount(poolId: pool.id))
        (type.domain, type.customDomain) = try await domainNames(pool)
        return DescribeUserPoolResponse(userPool: type)
    }

    public func updateUserPool(_ input: UpdateUserPoolRequest, _ ctx: CallContext) async throws -> UpdateUserPoolResponse {
        _ = try await requirePool(input.userPoolId)
        let t = now
        _ = try await mapMissing(input.userPoolId) {
            try await store.updatePool(id: input.userPoolId) { pool in
                // Cognito resets every mutable setting the request leaves out.
                Self.apply(mutable: MutablePoolSettings(input), to: &pool.type)
                if let name = input.poolName { pool.type.name = name }
                if let tags = input.userPoolTags { pool.type.userPoolTags = tags }
                if let tier = input.userPoolTier { pool.type.userPoolTier = tier }
                try Self.checkMFAMode(pool)
                pool.type.lastModifiedDate = t
            }
        }
        return UpdateUserPoolResponse()
    }

    public func deleteUserPool(_ input: DeleteUserPoolRequest, _ ctx: CallContext) async throws -> EmptyResponse {
        let pool = try await requirePool(input.userPoolId)
        if pool.deletionProtected {
            throw CognitoError.invalidParameter("The user pool \(pool.id) cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.")
        }
        try await store.deletePool(id: pool.id)
        keyCache.drop(pool.id)
        return EmptyResponse()
    }

    public func listUserPools(_ input: ListUserPoolsRequest, _ ctx: CallContext) async throws -> ListUserPoolsResponse {
        let after = try input.nextToken.map { try PageToken.decode($0, kind: "pools") }
        let pools = try await store.listPools(after: after, limit: input.maxResults + 1)
        let page = Array(pools.prefix(input.maxResults))
        let next = pools.count > input.maxResults ? page.last.map { PageToken.encode($0.id, kind: "pools") } : nil
        return ListUserPoolsResponse(
            userPools: page.map {
                UserPoolDescriptionType(
                    id: $0.id, name: $0.name, lambdaConfig: $0.type.lambdaConfig ?? LambdaConfigType(), status: "Enabled",
                    lastModifiedDate: $0.type.lastModifiedDate, creationDate: $0.type.creationDate
                )
            },
            nextToken: next
        )
    }

    public func addCustomAttributes(_ input: AddCustomAttributesRequest, _ ctx: CallContext) async throws -> AddCustomAttributesResponse {
        _ = try await requirePool(input.userPoolId)
        let t = now
        _ = try await mapMissing(input.userPoolId) {
            try await store.updatePool(id: input.userPoolId) { pool in
                var schema = pool.type.schemaAttributes ?? []
                for attr in input.customAttributes {
                    guard let raw = attr.name else { throw CognitoError.invalidParameter("Attribute name is required.") }
                    let name = "custom:" + raw
                    if schema.contains(where: { $0.name == name }) {
                        throw CognitoError.invalidParameter("custom:\(raw): Existing attribute already has name \(name).")
                    }
                    if attr.required == true {
                        throw CognitoError.invalidParameter("Required custom attributes are not supported currently.")
                    }
                    schema.append(Self.customAttribute(attr, name: name))
                }
                pool.type.schemaAttributes = schema
                pool.type.lastModifiedDate = t
            }
        }
        return AddCustomAttributesResponse()
    }

    // MARK: - Helpers

    func requirePool(_ id: String) async throws -> UserPool {
        guard let pool = try await store.pool(id: id) else { throw CognitoError.poolNotFound(id) }
        return pool
    }

    /// Turns the store's `notFound` for a pool that vanished mid-request into Cognito's error.
    func mapMissing<T>(_ poolId: String, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch StoreConflict.notFound { throw CognitoError.poolNotFound(poolId) }
    }

    func describe(_ pool: UserPool, users: Int) -> UserPoolType {
        var t = pool.type
        t.estimatedNumberOfUsers = users
        return t
    }

    /// Merges a CreateUserPool schema into the standard attributes: standard names override
    /// their defaults, anything else becomes `custom:<name>`.
    static func schema(merging requested: [SchemaAttributeType], into standard: [SchemaAttributeType]) throws -> [SchemaAttributeType] {
        var result = standard
        for attr in requested {
            guard let name = attr.name else { throw CognitoError.invalidParameter("Attribute name is required.") }
            if let i = result.firstIndex(where: { $0.name == name }) {
                if let dataType = attr.attributeDataType, dataType != result[i].attributeDataType {
                    throw CognitoError.invalidParameter("You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute \(name)")
                }
                if let m = attr.mutable { result[i].mutable = m }
                if let r = attr.required { result[i].required = r }
                if let c = attr.stringAttributeConstraints { result[i].stringAttributeConstraints = c }
            } else {
                let full = name.hasPrefix("custom:") ? name : "custom:" + name
                if attr.required == true {
                    throw CognitoError.invalidParameter("Required custom attributes are not supported currently.")
                }
                result.append(customAttribute(attr, name: full))
            }
        }
        return result
    }

    static func customAttribute(_ attr: SchemaAttributeType, name: String) -> SchemaAttributeType {
        var a = attr
        a.name = name
        a.attributeDataType = attr.attributeDataType ?? "String"
        a.developerOnlyAttribute = attr.developerOnlyAttribute ?? false
        a.mutable = attr.mutable ?? true
        a.required = false
        if a.attributeDataType == "String" && a.stringAttributeConstraints == nil {
            a.stringAttributeConstraints = StringAttributeConstraintsType()
        }
        if a.attributeDataType == "Number" && a.numberAttributeConstraints == nil {
            a.numberAttributeConstraints = NumberAttributeConstraintsType()
        }
        return a
    }

    static func apply(mutable s: MutablePoolSettings, to type: inout UserPoolType) {
        var policy = s.policies ?? UserPoolPolicyType()
        var pw = PoolDefaults.passwordPolicy
        if let given = policy.passwordPolicy {
            pw.minimumLength = given.minimumLength ?? pw.minimumLength
            pw.requireUppercase = given.requireUppercase ?? false
            pw.requireLowercase = given.requireLowercase ?? false
            pw.requireNumbers = given.requireNumbers ?? false
            pw.requireSymbols = given.requireSymbols ?? false
            pw.passwordHistorySize = given.passwordHistorySize ?? 0
            pw.temporaryPasswordValidityDays = given.temporaryPasswordValidityDays ?? 7
        }
        policy.passwordPolicy = pw
        type.policies = policy
        type.deletionProtection = s.deletionProtection ?? "INACTIVE"
        type.lambdaConfig = s.lambdaConfig ?? LambdaConfigType()
        type.autoVerifiedAttributes = s.autoVerifiedAttributes
        var template = s.verificationMessageTemplate ?? PoolDefaults.verificationMessageTemplate
        if template.defaultEmailOption == nil { template.defaultEmailOption = "CONFIRM_WITH_CODE" }
        if template.emailMessage == nil { template.emailMessage = s.emailVerificationMessage }
        if template.emailSubject == nil { template.emailSubject = s.emailVerificationSubject }
        if template.smsMessage == nil { template.smsMessage = s.smsVerificationMessage }
        type.verificationMessageTemplate = template
        type.emailVerificationMessage = s.emailVerificationMessage ?? template.emailMessage
        type.emailVerificationSubject = s.emailVerificationSubject ?? template.emailSubject
        type.smsVerificationMessage = s.smsVerificationMessage ?? template.smsMessage
        type.smsAuthenticationMessage = s.smsAuthenticationMessage
        type.mfaConfiguration = s.mfaConfiguration ?? "OFF"
        type.userAttributeUpdateSettings = s.userAttributeUpdateSettings
        type.deviceConfiguration = s.deviceConfiguration
        type.emailConfiguration = s.emailConfiguration ?? EmailConfigurationType(emailSendingAccount: "COGNITO_DEFAULT")
        type.smsConfiguration = s.smsConfiguration
        var admin = s.adminCreateUserConfig ?? PoolDefaults.adminCreateUserConfig
        if admin.allowAdminCreateUserOnly == nil { admin.allowAdminCreateUserOnly = false }
        if admin.unusedAccountValidityDays == nil { admin.unusedAccountValidityDays = 7 }
        type.adminCreateUserConfig = admin
        type.userPoolAddOns = s.userPoolAddOns
        type.accountRecoverySetting = s.accountRecoverySetting
    }
}

/// The settings CreateUserPool and UpdateUserPool have in common.
struct MutablePoolSettings {
    var policies: UserPoolPolicyType?
    var deletionProtection: String?
    var lambdaConfig: LambdaConfigType?
    var autoVerifiedAttributes: [String]?
    var smsVerificationMessage: String?
    var emailVerificationMessage: String?
    var emailVerificationSubject: String?
    var verificationMessageTemplate: VerificationMessageTemplateType?
    var smsAuthenticationMessage: String?
    var mfaConfiguration: String?
    var userAttributeUpdateSettings: UserAttributeUpdateSettingsType?
    var deviceConfiguration: DeviceConfigurationType?
    var emailConfiguration: EmailConfigurationType?
    var smsConfiguration: SmsConfigurationType?
    var adminCreateUserConfig: AdminCreateUserConfigType?
    var userPoolAddOns: UserPoolAddOnsType?
    var accountRecoverySetting: AccountRecoverySettingType?

    init(_ r: CreateUserPoolRequest) {
        policies = r.policies; deletionProtection = r.deletionProtection; lambdaConfig = r.lambdaConfig
        autoVerifiedAttributes = r.autoVerifiedAttributes; smsVerificationMessage = r.smsVerificationMessage
        emailVerificationMessage = r.emailVerificationMessage; emailVerificationSubject = r.emailVerificationSubject
        verificationMessageTemplate = r.verificationMessageTemplate; smsAuthenticationMessage = r.smsAuthenticationMessage
        mfaConfiguration = r.mfaConfiguration; userAttributeUpdateSettings = r.userAttributeUpdateSettings
        deviceConfiguration = r.deviceConfiguration; emailConfiguration = r.emailConfiguration
        smsConfiguration = r.smsConfiguration; adminCreateUserConfig = r.adminCreateUserConfig
        userPoolAddOns = r.userPoolAddOns; accountRecoverySetting = r.accountRecoverySetting
    }

    init(_ r: UpdateUserPoolRequest) {
        policies = r.policies; deletionProtection = r.deletionProtection; lambdaConfig = r.lambdaConfig
        autoVerifiedAttributes = r.autoVerifiedAttributes; smsVerificationMessage = r.smsVerificationMessage
        emailVerificationMessage = r.emailVerificationMessage; emailVerificationSubject = r.emailVerificationSubject
        verificationMessageTemplate = r.verificationMessageTemplate; smsAuthenticationMessage = r.smsAuthenticationMessage
        mfaConfiguration = r.mfaConfiguration; userAttributeUpdateSettings = r.userAttributeUpdateSettings
        deviceConfiguration = r.deviceConfiguration; emailConfiguration = r.emailConfiguration
        smsConfiguration = r.smsConfiguration; adminCreateUserConfig = r.adminCreateUserConfig
        userPoolAddOns = r.userPoolAddOns; accountRecoverySetting = r.accountRecoverySetting
    }
}
