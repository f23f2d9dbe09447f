import CognitoModel
import Foundation

/// The Cognito use cases, one method per operation, spread over `Cognate+*.swift` files by area.
/// Each takes the operation's wire input and returns its wire output; nothing here does I/O
/// except through the ports in `Dependencies`.
public struct Cognate: Sendable {
    public let deps: Dependencies
    let keyCache: SigningKeyCache
    let verifiedTokens: VerifiedTokenCache
    let srpEphemerals: SRPEphemeralStock

    public init(_ deps: Dependencies) {
        self.deps = deps
        self.keyCache = SigningKeyCache()
        self.verifiedTokens = VerifiedTokenCache()
        self.srpEphemerals = SRPEphemeralStock(batch: deps.config.srpEphemeralBatch)
    }

    var store: any CognateStorage { deps.store }
    var now: Double { deps.time.now().timeIntervalSince1970 }
}

/// Everything the use cases need from outside, passed in once.
public struct Dependencies: Sendable {
    public var store: any CognateStorage
    public var random: any RandomSource
    public var time: any TimeSource
    public var digests: any Digests
    /// Seals secrets at rest (signing keys, verifiers, client secrets) under the master key.
    public var atRest: any SecretBox
    /// Seals challenge state (Session, SECRET_BLOCK) under the key all nodes of a deployment share.
    public var sessions: any SecretBox
    /// Keys the hashes of one-time codes, so a stolen database does not give them away.
    public var codeHashKey: [UInt8]
    /// Keys the FeedbackToken of sign-in events (UpdateAuthEventFeedback).
    public var feedbackKey: [UInt8]
    public var signing: any TokenSigning
    public var srp: any SRPEngine
    /// TOTP codes (software-token MFA).
    public var otp: any OneTimePasswords
    public var delivery: any MessageDelivery
    /// Carries trigger events to the pool's functions (webhooks).
    public var triggers: any Triggers
    /// Where modexps and RSA operations run.
    public var compute: any ComputeExecutor
    public var config: CoreConfig

    public init(
        store: any CognateStorage, random: any RandomSource, time: any TimeSource, digests: any Digests,
        atRest: any SecretBox, sessions: any SecretBox, codeHashKey: [UInt8], feedbackKey: [UInt8], signing: any TokenSigning,
        srp: any SRPEngine, otp: any OneTimePasswords, delivery: any MessageDelivery, compute: any ComputeExecutor = InlineCompute(), config: CoreConfig,
        triggers: any Triggers = NoTriggers()
    ) {
        self.store = store
        self.random = random
        self.time = time
        self.digests = digests
        self.atRest = atRest
        self.sessions = sessions
        self.codeHashKey = codeHashKey
        self.feedbackKey = feedbackKey
        self.signing = signing
        self.srp = srp
        self.otp = otp
        self.delivery = delivery
        self.triggers = triggers
        self.compute = compute
        self.config = config
    }
}

public struct CoreConfig: Sendable {
    /// The server's public base URL (no trailing slash): token issuer base and link base.
    public var publicURL: String
    /// Use Cognito's issuer form `https://cognito-idp.{region}.amazonaws.com/{poolId}` instead.
    public var cognitoIssuer: Bool
    public var accountId: String
    /// Allowed skew for SRP TIMESTAMP.
    public var srpTimestampTolerance: Double
    /// SRP server ephemerals (b, g^b) made ahead per batch (`SRPEphemeralStock`); 0 makes each
    /// at its challenge.
    public var srpEphemeralBatch: Int
    /// Seconds a node signs from its copy of a pool's keys before reading them again: how long
    /// after a rotated key activates this node may still sign with the one it supersedes. Must
    /// stay well below `Cognate.retirementMargin`.
    public var signingKeyRefresh: Double
    /// Seconds a node serves the JWKS from its copy of a pool's keys: how long after a rotation
    /// this node's JWKS may still lack the new key. A second: reading the keys on every JWKS
    /// request doubled its cost, and a rotation's delay is minutes to a day.
    public var jwksRefresh: Double

    public init(
        publicURL: String, cognitoIssuer: Bool = false, accountId: String = "000000000000", srpTimestampTolerance: Double = 15 * 60,
        srpEphemeralBatch: Int = 32, signingKeyRefresh: Double = 60, jwksRefresh: Double = 1
    ) {
        self.publicURL = publicURL
        self.cognitoIssuer = cognitoIssuer
        self.accountId = accountId
        self.srpTimestampTolerance = srpTimestampTolerance
        self.srpEphemeralBatch = srpEphemeralBatch
        self.signingKeyRefresh = signingKeyRefresh
        self.jwksRefresh = jwksRefresh
    }

    public func issuer(for pool: UserPool) -> String {
        cognitoIssuer ? "https://cognito-idp.\(pool.region).amazonaws.com/\(pool.id)" : "\(publicURL)/\(pool.id)"
    }
}

/// Per-request facts the transport knows.
public struct CallContext: Sendable {
    /// The region of the request (from the SigV4 credential scope, else the server default).
    public var region: String
    public var requestId: String
    /// The address the request came from (the connection's peer), for sign-in history.
    public var sourceIP: String?
    public var userAgent: String?

    public init(region: String, requestId: String, sourceIP: String? = nil, userAgent: String? = nil) {
        self.region = region
        self.requestId = requestId
        self.sourceIP = sourceIP
        self.userAgent = userAgent
    }
}
