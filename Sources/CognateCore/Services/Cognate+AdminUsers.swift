import CognitoModel

/// Administrative user management (signed operations).
extension Cognate {
    public func adminCreateUser(_ input: AdminCreateUserRequest, _ ctx: CallContext) async throws -> AdminCreateUserResponse {
        let pool = try await requirePool(input.userPoolId)
        if input.messageAction == "RESEND" {
            let user = try await requireUser(pool, input.username)
            guard user.status == .forceChangePassword else {
                throw CognitoError(.unsupportedUserState, "Resend not possible. \(user.username) status is not FORCE_CHANGE_PASSWORD.")
            }
            let password = input.temporaryPassword ?? generatePassword(pool: pool)
            try checkPolicy(password, pool: pool)
            let record = try await passwordRecord(password, pool: pool, username: user.username, temporary: true)
            let messages = try await composeInvitations(user, password: password, pool: pool, mediums: input.desiredDeliveryMediums, clientMetadata: input.clientMetadata)
            let updated = try await updateUser(pool, user) { $0.password = record }
            for m in messages { try await deps.delivery.enqueue(m) }
            return AdminCreateUserResponse(user: updated.listed())
        }
        var attributes = try checkAttributes(input.userAttributes ?? [], pool: pool, creating: true)
        let sub = deps.random.uuid()
        let username = try newUsername(input.username, pool: pool, sub: sub, attributes: &attributes)
        let password = input.temporaryPassword ?? generatePassword(pool: pool)
        try checkPolicy(password, pool: pool)
        let t = now
        var user = User(
            poolId: pool.id, username: username, sub: sub, attributes: attributes, status: .forceChangePassword, enabled: true,
            createdAt: t, modifiedAt: t, password: try await passwordRecord(password, pool: pool, username: username, temporary: true)
        )
        Self.reindex(&user, pool: pool)
        // The answer may only refuse: auto-confirm and auto-verify don't apply to admin-created users.
        _ = try await runTrigger(
            .preSignUp, pool: pool, source: "PreSignUp_AdminCreateUser", userName: username, clientId: nil,
            request: [
                "userAttributes": triggerAttributes(user, pool: pool), "validationData": Self.validationMap(input.validationData),
                "clientMetadata": Self.stringMap(input.clientMetadata),
            ],
            response: ["autoConfirmUser": .bool(false), "autoVerifyEmail": .bool(false), "autoVerifyPhone": .bool(false)]
        )
        let messages = input.messageAction == "SUPPRESS" ? [] :
            try await composeInvitations(user, password: password, pool: pool, mediums: input.desiredDeliveryMediums, clientMetadata: input.clientMetadata)
        try await insertUser(user, pool: pool, existsMessage: "User account already exists", messages: messages)
        return AdminCreateUserResponse(user: user.listed())
    }

    /// The invitation: AdminCreateUserConfig.InviteMessageTemplate or Cognito's default text (or
    /// the CustomMessage trigger's), to the requested mediums or else the first the user has.
    func composeInvitations(_ user: User, password: String, pool: UserPool, mediums: [String]?, clientMetadata: [String: String]?) async throws -> [OutboundMessage] {
        let template = pool.type.adminCreateUserConfig?.inviteMessageTemplate
        var out: [OutboundMessage] = []
        for medium in mediums ?? ["EMAIL", "SMS"] {
            let attr = medium == "EMAIL" ? "email" : "phone_number"
            guard let destination = user.attributes[attr], !destination.isEmpty else { continue }
            var subject = medium == "EMAIL" ? (template?.emailSubject ?? "Your temporary password") : nil
            var body = (medium == "EMAIL" ? template?.emailMessage : template?.smsMessage) ?? "Your username is {username} and temporary password is {####}. "
            let sender = customSender(for: medium, pool)
            if sender == nil, let custom = try await customMessage(
                user: user, pool: pool, kind: "AdminCreateUser", medium: medium, clientId: nil, clientMetadata: clientMetadata, invitation: true
            ) {
                if let text = custom.body, text.contains("{####}") { body = text }
                if let s = custom.subject, medium == "EMAIL" { subject = s }
            }
            body = body.replacingOccurrences(of: "{username}", with: user.username).replacingOccurrences(of: "{####}", with: password)
            out.append(OutboundMessage(
                poolId: pool.id, username: user.username, destination: destination, deliveryMedium: medium, attributeName: attr,
                kind: "AdminCreateUser", code: password, subject: subject, message: body, createdAt: now,
                customSender: sender.map { senderCall($0, user: user, pool: pool, kind: "AdminCreateUser", code: password, clientId: nil, clientMetadata: clientMetadata) },
                from: medium == "EMAIL" ? Self.emailFrom(pool) : nil,
                replyTo: medium == "EMAIL" ? pool.type.emailConfiguration?.replyToEmailAddress : nil
            ))
            if mediums == nil { break }
        }
        return out
    }

    public func adminGetUser(_ input: AdminGetUserRequest, _ ctx: CallContext) async throws -> AdminGetUserResponse {
        let pool = try await requirePool(input.userPoolId)
        let user = try await requireUser(pool, input.username)
        let mfa = Self.mfaReport(user)
        return AdminGetUserResponse(
            username: user.username, userAttributes: user.attributeList(), userCreateDate: user.createdAt,
            userLastModifiedDate: user.modifiedAt, enabled: user.enabled, userStatus: user.status.rawValue,
            mfaOptions: mfa.options, preferredMfaSetting: mfa.preferred, userMFASettingList: mfa.list
        )
    }

    public func adminConfirmSignUp(_ input: AdminConfirmSignUpRequest, _ ctx: CallContext) async throws -> AdminConfirmSignUpResponse {
        let pool = try await requirePool(input.userPoolId)
        let user = try await requireUser(pool, input.username)
        if user.status != .unconfirmed {
            throw CognitoError(.notAuthorized, "User cannot be confirmed. Current status is \(user.status.rawValue)")
        }
        // Unlike ConfirmSignUp, no attribute becomes verified.
        let confirmed = try await updateUser(pool, user) { $0.status = .confirmed }
        try await postConfirmation(confirmed, pool: pool, source: "PostConfirmation_ConfirmSignUp", clientId: nil, clientMetadata: input.clientMetadata) {
            try await self.updateUser(pool, user) { $0.status = user.status }
        }
        try await store.deleteCode(poolId: pool.id, username: user.username, purpose: .signUp)
        return AdminConfirmSignUpResponse()
    }

    public func adminDeleteUser(_ input: AdminDeleteUserRequest, _ ctx: CallContext) async throws -> EmptyResponse {
        let pool = try await requirePool(input.userPoolId)
        let user = try await requireUser(pool, input.username)
        try await store.deleteUser(poolId: pool.id, username: user.username)
        return EmptyResponse()
    }

    public func adminDisableUser(_ input: AdminDisableUserRequest, _ ctx: CallContext) async throws -> AdminDisableUserResponse {
        let pool = try await requirePool(input.userPoolId)
        let user = try await requireUser(pool, input.username)
        try await updateUser(pool, user) { $0.enabled = false }
        try await store.revokeAll(poolId: pool.id, username: user.username)
        return AdminDisableUserResponse()
    }

    public func adminEnableUser(_ input: AdminEnableUserRequest, _ ctx: CallContext) async throws -> AdminEnableUserResponse {
        let pool = try await requirePool(input.userPoolId)
        let user = try await requireUser(pool, input.username)
        try await updateUser(pool, user) { $0.enabled = true }
        return AdminEnableUserResponse()
    }

    public func adminUpdateUserAttributes(_ input: AdminUpdateUserAttributesRequest, _ ctx: CallContext) async throws -> AdminUpdateUserAttributesResponse {
        let pool = try await requirePool(input.userPoolId)
        let user = try await requireUser(pool, input.username)
        let changes = try checkAttributes(input.userAttributes, pool: pool, creating: false)
        try checkUsernameAttributeChange(changes, user: user, pool: pool)
        let updated = try await updateUser(pool, user) { u in
            Self.applyAttributeChanges(changes, to: &u, explicitVerification: true)
        }
        try await sendVerificationForChanges(changes, before: user, after: updated, pool: pool, clientId: nil, clientMetadata: input.clientMetadata)
        return AdminUpdateUserAttributesResponse()
    }

    public func adminDeleteUserAttributes(_ input: AdminDeleteUserAttributesRequest, _ ctx: CallContext) async throws -> AdminDeleteUserAttributesResponse {
        let pool = try await requirePool(input.userPoolId)
        let user = try await requireUser(pool, input.username)
        try checkDeletable(input.userAttributeNames, pool: pool)
        try await updateUser(pool, user) { u in
            for name in input.userAttributeNames { u.attributes.removeValue(forKey: name) }
        }
        return AdminDeleteUserAttributesResponse()
    }

    public func adminSetUserPassword(_ input: AdminSetUserPasswordRequest, _ ctx: CallContext) async throws -> AdminSetUserPasswordResponse {
        let pool = try await requirePool(input.userPoolId)
        let user = try await requireUser(pool, input.username)
        try checkPolicy(input.password, pool: pool)
        let permanent = input.permanent ?? false
        let record = try await passwordRecord(input.password, pool: pool, username: user.username, temporary: !permanent)
        try await updateUser(pool, user) { u in
            u.password = record
            u.status = permanent ? .confirmed : .forceChangePassword
        }
        return AdminSetUserPasswordResponse()
    }

    public func adminResetUserPassword(_ input: AdminResetUserPasswordRequest, _ ctx: CallContext) async throws -> AdminResetUserPasswordResponse {
        let pool = try await requirePool(input.userPoolId)
        let user = try await requireUser(pool, input.username)
        _ = try await sendRecoveryCode(user, pool: pool, kind: "AdminResetUserPassword", clientId: nil, clientMetadata: input.clientMetadata)
        try await updateUser(pool, user) { $0.status = .resetRequired }
        try await store.revokeAll(poolId: pool.id, username: user.username)
        return AdminResetUserPasswordResponse()
    }

    public func adminUserGlobalSignOut(_ input: AdminUserGlobalSignOutRequest, _ ctx: CallContext) async throws -> AdminUserGlobalSignOutResponse {
        let pool = try await requirePool(input.userPoolId)
        let user = try await requireUser(pool, input.username)
        try await store.revokeAll(poolId: pool.id, username: user.username)
        return AdminUserGlobalSignOutResponse()
    }

    // MARK: - Attribute changes

    /// In pools that sign in by email/phone, that attribute is the sign-in name and can't be emptied.
    func checkUsernameAttributeChange(_ changes: [String: String], user: User, pool: UserPool) throws {
        for attr in pool.usernameAttributes where changes[attr]?.isEmpty == true {
            throw CognitoError.invalidParameter("\(attr) cannot be empty, since it is the username of the user.")
        }
    }

    func checkDeletable(_ names: [String], pool: UserPool) throws {
        for name in names {
            if name == "sub" { throw CognitoError.invalidParameter("Cannot modify the non-mutable attribute sub") }
            guard let schema = pool.schemaAttribute(name) else {
                throw CognitoError.invalidParameter("Attributes did not conform to the schema: \(name): Attribute does not exist in the schema.\n")
            }
            if schema.required == true { throw CognitoError.invalidParameter("Attributes did not conform to the schema: \(name): The attribute is required\n") }
            if schema.mutable == false { throw CognitoError.invalidParameter("Cannot modify the non-mutable attribute \(name)") }
        }
    }

    /// A changed email or phone becomes unverified unless the same request verifies it (admins only).
    static func applyAttributeChanges(_ changes: [String: String], to user: inout User, explicitVerification: Bool) {
        for (name, value) in changes {
            if (name == "email_verified" || name == "phone_number_verified") && !explicitVerification { continue }
            let old = user.attributes[name]
            user.attributes[name] = value
            if (name == "email" || name == "phone_number") && old != value && changes[name + "_verified"] == nil {
                user.attributes[name + "_verified"] = "false"
            }
        }
    }

    /// Sends codes for changed, auto-verified email/phone values that are now unverified.
    @discardableResult
    func sendVerificationForChanges(
        _ changes: [String: String], before: User, after: User, pool: UserPool, clientId: String?, clientMetadata: [String: String]?
    ) async throws -> [CodeDeliveryDetailsType] {
        var details: [CodeDeliveryDetailsType] = []
        for attr in ["email", "phone_number"] where pool.autoVerifiedAttributes.contains(attr) {
            guard let value = changes[attr], before.attributes[attr] != value, !after.attributeBool(attr + "_verified") else { continue }
            let target: DeliveryTarget = (attribute: attr, medium: attr == "email" ? "EMAIL" : "SMS", destination: value)
            try await sendNewCode(after, purpose: .verifyAttribute(attr), to: target, pool: pool, kind: "UpdateUserAttribute", clientId: clientId, clientMetadata: clientMetadata)
            details.append(deliveryDetails(target))
        }
        return details
    }
}
