import CognitoModel

/// A one-time code (sign-up confirmation, password reset, attribute verification), kept only as
/// a keyed hash. A new code for the same purpose replaces the old one.
public struct VerificationCode: Codable, Sendable, Equatable {
    public var poolId: String
    public var username: String
    public var purpose: CodePurpose
    @StoredBytes public var codeHash: [UInt8]
    public var expiresAt: Double
    public var failedAttempts: Int
    /// When codes for this purpose were sent in the last hour, this one's included (the re-issue
    /// limit); nil in rows written before it was kept.
    public var sentAt: [Double]?

    public init(poolId: String, username: String, purpose: CodePurpose, codeHash: [UInt8], expiresAt: Double, failedAttempts: Int = 0, sentAt: [Double]? = nil) {
        self.poolId = poolId
        self.username = username
        self.purpose = purpose
        self.codeHash = codeHash
        self.expiresAt = expiresAt
        self.failedAttempts = failedAttempts
        self.sentAt = sentAt
    }
}

public struct CodePurpose: RawRepresentable, Codable, Sendable, Hashable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let signUp = CodePurpose(rawValue: "signUp")
    public static let forgotPassword = CodePurpose(rawValue: "forgotPassword")
    /// An SMS_MFA or EMAIL_OTP code; it lives in its challenge's sealed session, not the store.
    public static let signInCode = CodePurpose(rawValue: "signIn")
    public static func verifyAttribute(_ name: String) -> CodePurpose { CodePurpose(rawValue: "verify:" + name) }
    /// The attribute a verification code is for; nil for the other purposes.
    public var verifiedAttribute: String? { rawValue.hasPrefix("verify:") ? String(rawValue.dropFirst("verify:".count)) : nil }
}

/// A refresh token family: the token itself is stored only as its SHA-256. `originJti` is the
/// `origin_jti` of every access and ID token minted from it, so revoking the family revokes them.
public struct RefreshTokenRecord: Codable, Sendable, Equatable {
    public var originJti: String
    @StoredBytes public var tokenHash: [UInt8]
    public var poolId: String
    public var clientId: String
    public var username: String
    public var authTime: Double
    public var issuedAt: Double
    public var expiresAt: Double
    public var revoked: Bool
    public var scopes: [String]
    /// Issued through the OAuth endpoints: tokens refreshed from it keep their OAuth form.
    public var hosted: Bool?
    /// Issued to a device (device tracking): refreshed only with that DEVICE_KEY.
    public var deviceKey: String?

    public init(originJti: String, tokenHash: [UInt8], poolId: String, clientId: String, username: String, authTime: Double, issuedAt: Double, expiresAt: Double, revoked: Bool = false, scopes: [String], hosted: Bool? = nil, deviceKey: String? = nil) {
        self.originJti = originJti
        self.tokenHash = tokenHash
        self.poolId = poolId
        self.clientId = clientId
        self.username = username
        self.authTime = authTime
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.revoked = revoked
        self.scopes = scopes
        self.hosted = hosted
        self.deviceKey = deviceKey
    }
}

/// A pool's RS256 key. The private key is sealed under the master key before it is stored.
/// Rotation (`SigningKeyRing`) adds keys that sign from a later time and schedules the ones
/// they supersede to retire; keys stored before rotation existed have none of those three
/// fields and read as generation 0, active since they were created, never retiring.
public struct StoredSigningKey: Codable, Sendable, Equatable {
    public var poolId: String
    public var purpose: KeyPurpose
    public var publicKey: PublicJWK
    @StoredBytes public var sealedPrivateKey: [UInt8]
    public var createdAt: Double
    /// The rotation that added the key: nil (0) for the pool's first keys, one more each time.
    public var generation: Int?
    /// When the key starts signing; nil: when it was created.
    public var activatesAt: Double?
    /// When the key leaves the JWKS and is deleted: set once a newer key supersedes it.
    public var retiresAt: Double?

    public init(
        poolId: String, purpose: KeyPurpose, publicKey: PublicJWK, sealedPrivateKey: [UInt8], createdAt: Double,
        generation: Int? = nil, activatesAt: Double? = nil, retiresAt: Double? = nil
    ) {
        self.poolId = poolId
        self.purpose = purpose
        self.publicKey = publicKey
        self.sealedPrivateKey = sealedPrivateKey
        self.createdAt = createdAt
        self.generation = generation
        self.activatesAt = activatesAt
        self.retiresAt = retiresAt
    }

    public var kid: String { publicKey.kid }
}

/// ID and access tokens are signed with different keys, as Cognito does.
public enum KeyPurpose: String, Codable, Sendable {
    case idToken = "id"
    case accessToken = "access"
}

/// A message for a user (code, link, invitation) as handed to the delivery port. When the pool has
/// a CustomEmailSender / CustomSMSSender trigger, `customSender` carries the trigger's event and
/// the message goes to it instead of SMTP or SMS.
public struct OutboundMessage: Codable, Sendable, Equatable {
    public var poolId: String
    public var username: String
    public var destination: String
    public var deliveryMedium: String
    public var attributeName: String
    public var kind: String
    public var code: String?
    public var subject: String?
    public var message: String
    public var createdAt: Double
    public var customSender: CustomSenderCall?
    /// E-mail only: the pool's sender (EmailConfiguration) and Reply-To; nil means the server's default.
    public var from: String?
    public var replyTo: String?

    public init(poolId: String, username: String, destination: String, deliveryMedium: String, attributeName: String, kind: String, code: String?, subject: String?, message: String, createdAt: Double, customSender: CustomSenderCall? = nil, from: String? = nil, replyTo: String? = nil) {
        self.poolId = poolId
        self.username = username
        self.destination = destination
        self.deliveryMedium = deliveryMedium
        self.attributeName = attributeName
        self.kind = kind
        self.code = code
        self.subject = subject
        self.message = message
        self.createdAt = createdAt
        self.customSender = customSender
        self.from = from
        self.replyTo = replyTo
    }
}

/// A custom sender invocation, made when the outbox drains the message.
public struct CustomSenderCall: Codable, Sendable, Equatable {
    public var trigger: String
    public var target: String
    public var event: JSONValue

    public init(trigger: TriggerName, target: String, event: JSONValue) {
        self.trigger = trigger.rawValue
        self.target = target
        self.event = event
    }
}
