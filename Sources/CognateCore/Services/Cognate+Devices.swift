import CognitoModel
import Foundation

/// Remembered devices (pools with a DeviceConfiguration): the device operations, the device a
/// sign-in is bound to (NewDeviceMetadata, the `device_key` claim, refresh tokens), and
/// DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER, which let a remembered device stand in for MFA.
/// The device's secret is proven with Cognito's SRP, the device group key in place of the pool
/// name and the device key in place of the user (amazon-cognito-identity-js, pycognito).
extension Cognate {
    static let deviceNotFound = CognitoError(.resourceNotFound, "Device does not exist.")
    static let deviceAAD = Array("cognate-device-v1".utf8)
    static let maxDevicesPage = 60

    // MARK: - Operations

    public func confirmDevice(_ input: ConfirmDeviceRequest, _ ctx: CallContext) async throws -> ConfirmDeviceResponse {
        let (user, pool, _) = try await authenticate(input.accessToken)
        guard let config = input.deviceSecretVerifierConfig, let verifierText = config.passwordVerifier, let saltText = config.salt,
              let verifier = Base64.decode(verifierText), let salt = Base64.decode(saltText), !Hex.stripLeadingZeros(verifier).isEmpty, !salt.isEmpty
        else { throw CognitoError.invalidParameter("DeviceSecretVerifierConfig needs a PasswordVerifier and a Salt (base64).") }
        let sealed = try deps.atRest.seal(verifier, aad: Self.deviceAAD + Array("\(pool.id)\n\(input.deviceKey)".utf8))
        // Remembered at once unless the pool leaves that to the user (DeviceOnlyRememberedOnUserPrompt).
        let onPrompt = pool.type.deviceConfiguration?.deviceOnlyRememberedOnUserPrompt == true
        let t = now
        try await mapDevice {
            try await store.updateDevice(poolId: pool.id, username: user.username, key: input.deviceKey) { d in
                if d.confirmed { throw CognitoError(.deviceKeyExists, "The device is confirmed already.") }
                d.salt = salt
                d.sealedVerifier = sealed
                d.confirmed = true
                d.remembered = !onPrompt
                d.name = input.deviceName
                d.modifiedAt = t
            }
        }
        return ConfirmDeviceResponse(userConfirmationNecessary: onPrompt)
    }

    public func getDevice(_ input: GetDeviceRequest, _ ctx: CallContext) async throws -> GetDeviceResponse {
        guard let token = input.accessToken else { throw CognitoError.invalidParameter("Missing required parameter AccessToken") }
        let (user, pool, _) = try await authenticate(token)
        return GetDeviceResponse(device: try await requireDevice(user, pool, input.deviceKey).wire)
    }

    public func adminGetDevice(_ input: AdminGetDeviceRequest, _ ctx: CallContext) async throws -> AdminGetDeviceResponse {
        let pool = try await requirePool(input.userPoolId)
        let user = try await requireUser(pool, input.username)
        return AdminGetDeviceResponse(device: try await requireDevice(user, pool, input.deviceKey).wire)
    }

    public func listDevices(_ input: ListDevicesRequest, _ ctx: CallContext) async throws -> ListDevicesResponse {
        let (user, pool, _) = try await authenticate(input.accessToken)
        let (devices, next) = try await devicePage(user, pool, limit: input.limit, token: input.paginationToken)
        return ListDevicesResponse(devices: devices, paginationToken: next)
    }

    public func adminListDevices(_ input: AdminListDevicesRequest, _ ctx: CallContext) async throws -> AdminListDevicesResponse {
        let pool = try await requirePool(input.userPoolId)
        let user = try await requireUser(pool, input.username)
        let (devices, next) = try await devicePage(user, pool, limit: input.limit, token: input.paginationToken)
        return AdminListDevicesResponse(devices: devices, paginationToken: next)
    }

    public func updateDeviceStatus(_ input: UpdateDeviceStatusRequest, _ ctx: CallContext) async throws -> UpdateDeviceStatusResponse {
        let (user, pool, _) = try await authenticate(input.accessToken)
        try await setRemembered(user, pool, input.deviceKey, input.deviceRememberedStatus)
        return UpdateDeviceStatusResponse()
    }

    public func adminUpdateDeviceStatus(_ input: AdminUpdateDeviceStatusRequest, _ ctx: CallContext) async throws -> AdminUpdateDeviceStatusResponse {
        let pool = try await requirePool(input.userPoolId)
        let user = try await requireUser(pool, input.username)
        try await setRemembered(user, pool, input.deviceKey, input.deviceRememberedStatus)
        return AdminUpdateDeviceStatusResponse()
    }

    /// A forgotten device's refresh tokens stop working (`refreshAuth` asks for the device).
    public func forgetDevice(_ input: ForgetDeviceRequest, _ ctx: CallContext) async throws -> EmptyResponse {
        guard let token = input.accessToken else { throw CognitoError.invalidParameter("Missing required parameter AccessToken") }
        let (user, pool, _) = try await authenticate(token)
        guard try await store.deleteDevice(poolId: pool.id, username: user.username, key: input.deviceKey) else { throw Self.deviceNotFound }
        return EmptyResponse()
    }

    public func adminForgetDevice(_ input: AdminForgetDeviceRequest, _ ctx: CallContext) async throws -> EmptyResponse {
        let pool = try await requirePool(input.userPoolId)
        let user = try await requireUser(pool, input.username)
        guard try await store.deleteDevice(poolId: pool.id, username: user.username, key: input.deviceKey) else { throw Self.deviceNotFound }
        return EmptyResponse()
    }

    func requireDevice(_ user: User, _ pool: UserPool, _ key: String) async throws -> Device {
        guard let d = try await store.device(poolId: pool.id, username: user.username, key: key) else { throw Self.deviceNotFound }
        return d
    }

    func mapDevice<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch StoreConflict.notFound { throw Self.deviceNotFound }
    }

    func setRemembered(_ user: User, _ pool: UserPool, _ key: String, _ status: String?) async throws {
        let t = now
        try await mapDevice {
            try await store.updateDevice(poolId: pool.id, username: user.username, key: key) { d in
                d.remembered = status == "remembered"
                d.modifiedAt = t
            }
        }
    }

    func devicePage(_ user: User, _ pool: UserPool, limit: Int?, token: String?) async throws -> ([DeviceType], String?) {
        let n = min(max(limit ?? Self.maxDevicesPage, 1), Self.maxDevicesPage)
        let after = try token.map { try PageToken.decode($0, kind: "devices") }
        let found = try await store.devices(poolId: pool.id, username: user.username, after: after, limit: n + 1)
        let page = Array(found.prefix(n))
        return (page.map(\.wire), found.count > n ? page.last.map { PageToken.encode($0.key, kind: "devices") } : nil)
    }

    // MARK: - Sign-in

    /// The device a sign-in names (DEVICE_KEY), if the pool tracks devices; a key the user has
    /// no device for is refused before anything is spent, so SDKs can retry without it.
    func signInDevice(_ user: User, pool: UserPool, key: String?) async throws -> Device? {
        guard pool.type.deviceConfiguration != nil, let key, !key.isEmpty else { return nil }
        guard let device = try await store.device(poolId: pool.id, username: user.username, key: key) else { throw Self.deviceNotFound }
        return device
    }

    /// The device the tokens of a sign-in go with: the one it named, or a new one
    /// (NewDeviceMetadata) when the pool tracks devices.
    func deviceGrant(_ user: User, pool: UserPool, key: String?) async throws -> DeviceGrant? {
        guard pool.type.deviceConfiguration != nil else { return nil }
        let t = now
        if let device = try await signInDevice(user, pool: pool, key: key) {
            _ = try? await store.updateDevice(poolId: pool.id, username: user.username, key: device.key) { $0.lastAuthenticatedAt = t }
            return DeviceGrant(key: device.key, metadata: nil)
        }
        let device = Device(
            poolId: pool.id, username: user.username, key: "\(pool.region)_\(deps.random.uuid())",
            groupKey: "-" + deps.random.string(count: 9, alphabet: Self.idAlphabet), createdAt: t, modifiedAt: t, lastAuthenticatedAt: t
        )
        try await store.putDevice(device)
        return DeviceGrant(key: device.key, metadata: NewDeviceMetadataType(deviceKey: device.key, deviceGroupKey: device.groupKey))
    }

    /// Whether a remembered device answers in place of MFA: the pool lets it
    /// (ChallengeRequiredOnNewDevice), the device is confirmed and remembered, and MFA may follow.
    func deviceStandsInForMFA(_ device: Device?, user: User, pool: UserPool) -> Bool {
        guard let device, device.confirmed, device.remembered, pool.type.deviceConfiguration?.challengeRequiredOnNewDevice == true else { return false }
        return mfaMayFollow(user, pool)
    }

    func deviceChallenge(_ p: PendingSignIn, device: Device) throws -> AuthStep {
        var state = p.state("DEVICE_SRP_AUTH", self)
        state.deviceKey = device.key
        return AuthStep(challengeName: "DEVICE_SRP_AUTH", session: try seal(state), challengeParameters: ["USERNAME": p.user.username, "DEVICE_KEY": device.key])
    }

    /// DEVICE_SRP_AUTH: the device's A; answered with DEVICE_PASSWORD_VERIFIER's salt, B and SECRET_BLOCK.
    func answerDeviceSRP(_ responses: [String: String], session: String?, client: AppClient, pool: UserPool) async throws -> AuthStep {
        let (pending, user) = try await openPending("DEVICE_SRP_AUTH", responses, session: session, client: client, pool: pool)
        let key = try Self.param(responses, "DEVICE_KEY")
        let a = try Self.srpA(try Self.param(responses, "SRP_A"))
        guard key == pending.deviceKey, let device = try await signInDevice(user, pool: pool, key: key), device.confirmed else { throw Self.deviceNotFound }
        let v = try deps.atRest.open(device.sealedVerifier, aad: Self.deviceAAD + Array("\(pool.id)\n\(device.key)".utf8))
        try await spend(pending, failure: Self.sessionUsed)
        let ephemeral = try await srpEphemerals.take(deps)
        let bigB = try deps.srp.serverPublic(verifier: v, ephemeral: ephemeral.power)
        var state = pending
        state.kind = "DEVICE_PASSWORD_VERIFIER"
        state.nonce = deps.random.uuid()
        state.srpA = Hex.encode(Hex.stripLeadingZeros(a))
        state.srpB = Hex.encode(bigB)
        state.srpSecret = Hex.encode(ephemeral.secret)
        let sealed = try seal(state)
        return AuthStep(
            challengeName: "DEVICE_PASSWORD_VERIFIER", session: sealed,
            challengeParameters: ["SALT": Hex.encode(device.salt), "SRP_B": Hex.encode(bigB), "SECRET_BLOCK": sealed, "USERNAME": user.username, "DEVICE_KEY": device.key]
        )
    }

    /// DEVICE_PASSWORD_VERIFIER: the device's proof, checked as a password proof is; then tokens
    /// (or, in a CUSTOM_WITH_SRP sign-in, DefineAuthChallenge). A wrong proof counts toward the lockout.
    func answerDevicePassword(_ responses: [String: String], client: AppClient, pool: UserPool, clientMetadata: [String: String]?) async throws -> AuthStep {
        let name = try Self.param(responses, "USERNAME")
        let block = try Self.param(responses, "PASSWORD_CLAIM_SECRET_BLOCK")
        let timestamp = try Self.param(responses, "TIMESTAMP")
        let claim = try Self.param(responses, "PASSWORD_CLAIM_SIGNATURE")
        let state = try open(block, kind: "DEVICE_PASSWORD_VERIFIER", client: client, failure: .incorrectCredentials)
        try checkSecretHash(client, usernames: [name, state.username], given: responses["SECRET_HASH"])
        guard case .date(let when) = CognitoTimestamp.read(timestamp) else { throw CognitoError.incorrectCredentials }
        guard abs(when.timeIntervalSince1970 - now) <= deps.config.srpTimestampTolerance,
              let user = try await findUser(pool, name), user.username == state.username, user.enabled,
              let device = try await signInDevice(user, pool: pool, key: state.deviceKey), device.confirmed,
              let a = state.srpA.flatMap(Hex.decode), let bigB = state.srpB.flatMap(Hex.decode), let b = state.srpSecret.flatMap(Hex.decode),
              let given = Base64.decode(claim), let blockBytes = Base64.decode(block)
        else { throw CognitoError.incorrectCredentials }
        let failures = try await checkLockout(user)
        let v = try deps.atRest.open(device.sealedVerifier, aad: Self.deviceAAD + Array("\(pool.id)\n\(device.key)".utf8))
        let srp = deps.srp, groupKey = device.groupKey, deviceKey = device.key
        let expected = try? await deps.compute.run {
            try srp.expectedSignature(clientPublic: a, serverPublic: bigB, serverSecret: b, verifier: v, poolName: groupKey, userId: deviceKey,
                                      secretBlock: blockBytes, timestamp: timestamp)
        }
        guard let expected, constantTimeEquals(expected, given) else {
            try await signInFailed(user)
            throw CognitoError.incorrectCredentials
        }
        try await signInSucceeded(user, failures: failures)
        let answered = Spend(marker: marker(state), failure: .incorrectCredentials)
        if let custom = state.customSession {
            try await spend(answered)
            let session = custom + ["DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"].map { CustomChallengeResult(challengeName: $0, challengeResult: true) }
            return try await defineNext(user, session: session, srpA: nil, client: client, pool: pool, clientMetadata: clientMetadata)
        }
        return try await completeSignIn(
            user, client: client, pool: pool, source: state.tokenSource ?? "TokenGeneration_Authentication", clientMetadata: clientMetadata,
            answered: answered, deviceKey: device.key, event: state.event
        )
    }
}

/// The device a sign-in's tokens go with; `metadata` for one made by this sign-in.
struct DeviceGrant: Sendable {
    var key: String
    var metadata: NewDeviceMetadataType?
}

extension Device {
    /// DeviceType as Cognito lists a device's attributes.
    var wire: DeviceType {
        var attributes = [AttributeType(name: "device_status", value: "valid")]
        if let name { attributes.append(AttributeType(name: "device_name", value: name)) }
        attributes.append(AttributeType(name: "dev:device_remembered_status", value: remembered ? "remembered" : "not_remembered"))
        return DeviceType(deviceKey: key, deviceAttributes: attributes, deviceCreateDate: createdAt, deviceLastModifiedDate: modifiedAt,
                          deviceLastAuthenticatedDate: lastAuthenticatedAt)
    }
}
