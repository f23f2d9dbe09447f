/// One entry of a user's sign-in history (AdminListUserAuthEvents), kept in pools whose
/// UserPoolAddOns.AdvancedSecurityMode is AUDIT or ENFORCED. A sign-in that takes several steps
/// (SRP, a second factor) is one event: each step appends its challenge and sets the outcome.
public struct AuthEventRecord: Codable, Sendable, Equatable {
    public var poolId: String
    public var username: String
    public var eventId: String
    /// Cognito's EventType: `SignIn`.
    public var eventType: String
    public var createdAt: Double
    /// `Pass`, `Fail` or `InProgress`.
    public var response: String
    public var challenges: [AuthEventChallenge]
    public var ipAddress: String?
    public var deviceName: String?
    public var feedback: AuthEventFeedback?

    public init(
        poolId: String, username: String, eventId: String, eventType: String = "SignIn", createdAt: Double, response: String = "InProgress",
        challenges: [AuthEventChallenge] = [], ipAddress: String? = nil, deviceName: String? = nil, feedback: AuthEventFeedback? = nil
    ) {
        self.poolId = poolId
        self.username = username
        self.eventId = eventId
        self.eventType = eventType
        self.createdAt = createdAt
        self.response = response
        self.challenges = challenges
        self.ipAddress = ipAddress
        self.deviceName = deviceName
        self.feedback = feedback
    }
}

/// A challenge of a sign-in and how it went: `Password` or `Mfa`, `Success` or `Failure`.
public struct AuthEventChallenge: Codable, Sendable, Equatable {
    public var name: String
    public var success: Bool

    public init(name: String, success: Bool) {
        self.name = name
        self.success = success
    }

    public static func password(_ success: Bool) -> AuthEventChallenge { AuthEventChallenge(name: "Password", success: success) }
    public static func mfa(_ success: Bool) -> AuthEventChallenge { AuthEventChallenge(name: "Mfa", success: success) }
}

/// Feedback given on an event: `Valid` or `Invalid`, by `Admin` (AdminUpdateAuthEventFeedback)
/// or `User` (UpdateAuthEventFeedback, with the token of the event).
public struct AuthEventFeedback: Codable, Sendable, Equatable {
    public var value: String
    public var provider: String
    public var date: Double

    public init(value: String, provider: String, date: Double) {
        self.value = value
        self.provider = provider
        self.date = date
    }
}

/// One step of a sign-in for its event, written in one transaction: the event as it starts
/// (used when there is none yet), the challenge the step answered, if any, and the outcome so far.
public struct AuthEventStep: Sendable, Equatable {
    public var start: AuthEventRecord
    public var challenge: AuthEventChallenge?
    public var response: String

    public init(start: AuthEventRecord, challenge: AuthEventChallenge?, response: String) {
        self.start = start
        self.challenge = challenge
        self.response = response
    }

    /// The stored event after this step (`stored`, or the start of one).
    public func applied(to stored: AuthEventRecord?) -> AuthEventRecord {
        var event = stored ?? start
        if let challenge { event.challenges.append(challenge) }
        event.response = response
        return event
    }
}

/// Where a page of a user's events (newest first) ended.
public struct AuthEventCursor: Sendable, Equatable {
    public var createdAt: Double
    public var eventId: String

    public init(createdAt: Double, eventId: String) {
        self.createdAt = createdAt
        self.eventId = eventId
    }
}
