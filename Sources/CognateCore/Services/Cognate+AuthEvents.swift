import CognitoModel
import Foundation

/// Sign-in history (AdminListUserAuthEvents) and feedback on it, in pools whose
/// UserPoolAddOns.AdvancedSecurityMode is AUDIT or ENFORCED, as Cognito keeps it only with its
/// threat protection on. Each sign-in attempt is one event: it starts when the password is
/// checked, travels sealed in the sign-in's challenges (`ChallengeState.event`), and each step
/// appends the challenge it answered and sets the outcome (InProgress, then Pass or Fail). A pool
/// without the add-on pays nothing: no event is made and nothing more is written.
///
/// No risk is assessed: every event says `RiskDecision: NoRisk`, without a RiskLevel, as Cognito
/// reports a sign-in it found no risk in.
extension Cognate {
    static let maxAuthEventsPage = 60
    static let addOnNotEnabled = CognitoError(.userPoolAddOnNotEnabled, "User pool add-on is not enabled.")
    static let authEventNotFound = CognitoError(.resourceNotFound, "Auth event not found.")
    static let invalidFeedbackToken = CognitoError(.notAuthorized, "Invalid feedback token.")

    // MARK: - Operations

    public func adminListUserAuthEvents(_ input: AdminListUserAuthEventsRequest, _ ctx: CallContext) async throws -> AdminListUserAuthEventsResponse {
        let pool = try await requirePool(input.userPoolId)
        guard auditsSignIns(pool) else { throw Self.addOnNotEnabled }
        let user = try await requireUser(pool, input.username)
        // MaxResults 0, or none, means 60 (the model's documentation).
        let n = input.maxResults.map { $0 == 0 ? Self.maxAuthEventsPage : $0 } ?? Self.maxAuthEventsPage
        let after = try input.nextToken.map { try Self.authEventCursor($0) }
        let found = try await store.authEvents(poolId: pool.id, username: user.username, after: after, limit: n + 1)
        let page = Array(found.prefix(n))
        let next = found.count > n ? page.last.map(Self.authEventToken) : nil
        return AdminListUserAuthEventsResponse(authEvents: page.map(\.wire), nextToken: next)
    }

    public func adminUpdateAuthEventFeedback(
        _ input: AdminUpdateAuthEventFeedbackRequest, _ ctx: CallContext
    ) async throws -> AdminUpdateAuthEventFeedbackResponse {
        let pool = try await requirePool(input.userPoolId)
        guard auditsSignIns(pool) else { throw Self.addOnNotEnabled }
        let user = try await requireUser(pool, input.username)
        try await giveFeedback(input.feedbackValue, provider: "Admin", eventId: input.eventId, user: user, pool: pool)
        return AdminUpdateAuthEventFeedbackResponse()
    }

    /// The user's own feedback, from the links of a notification: no credentials but the token of
    /// the event, which only this server can make (`authEventFeedbackToken`).
    public func updateAuthEventFeedback(_ input: UpdateAuthEventFeedbackRequest, _ ctx: CallContext) async throws -> UpdateAuthEventFeedbackResponse {
        let pool = try await requirePool(input.userPoolId)
        guard auditsSignIns(pool) else { throw Self.addOnNotEnabled }
        let user = try await requireUser(pool, input.username)
        let expected = Array(authEventFeedbackToken(poolId: pool.id, username: user.username, eventId: input.eventId).utf8)
        guard constantTimeEquals(expected, Array(input.feedbackToken.utf8)) else { throw Self.invalidFeedbackToken }
        try await giveFeedback(input.feedbackValue, provider: "User", eventId: input.eventId, user: user, pool: pool)
        return UpdateAuthEventFeedbackResponse()
    }

    /// The FeedbackToken of one event: a keyed hash of pool, user and event, so that it cannot be
    /// made without the server's key nor used on another event. Cognito puts it in the links of
    /// its risk notifications ({one-click-link-valid}, {one-click-link-invalid}).
    public func authEventFeedbackToken(poolId: String, username: String, eventId: String) -> String {
        Base64.urlEncode(deps.digests.hmacSHA256(key: deps.feedbackKey, data: Array("auth-event-feedback\n\(poolId)\n\(username)\n\(eventId)".utf8)))
    }

    private func giveFeedback(_ value: String, provider: String, eventId: String, user: User, pool: UserPool) async throws {
        let feedback = AuthEventFeedback(value: value, provider: provider, date: now)
        do {
            _ = try await store.updateAuthEvent(poolId: pool.id, username: user.username, eventId: eventId) { $0.feedback = feedback }
        } catch StoreConflict.notFound {
            throw Self.authEventNotFound
        }
    }

    // MARK: - Recording

    /// Whether the pool keeps sign-in history: threat protection in audit or full-function mode.
    func auditsSignIns(_ pool: UserPool) -> Bool {
        switch pool.type.userPoolAddOns?.advancedSecurityMode {
        case "AUDIT", "ENFORCED": true
        default: false
        }
    }

    /// A new sign-in's event, or nil in a pool that keeps no history (then nothing is recorded).
    func signInEvent(_ pool: UserPool, _ origin: SignInOrigin) -> SignInEvent? {
        guard auditsSignIns(pool) else { return nil }
        return SignInEvent(id: deps.random.uuid(), createdAt: now, ipAddress: origin.ipAddress, deviceName: DeviceName.from(userAgent: origin.userAgent))
    }

    /// `event`'s step: the challenge it answered (if any) and the outcome so far.
    func eventStep(_ event: SignInEvent?, _ user: User, _ challenge: AuthEventChallenge?, _ response: String) -> AuthEventStep? {
        guard let event else { return nil }
        let start = AuthEventRecord(
            poolId: user.poolId, username: user.username, eventId: event.id, createdAt: event.createdAt,
            ipAddress: event.ipAddress, deviceName: event.deviceName
        )
        return AuthEventStep(start: start, challenge: challenge, response: response)
    }

    /// Records a step of `event` on its own (the tokens' write carries the last one, `finishTokens`).
    func recordStep(_ event: SignInEvent?, _ user: User, _ challenge: AuthEventChallenge?, _ response: String) async throws {
        guard let step = eventStep(event, user, challenge, response) else { return }
        try await store.recordAuthEventStep(step)
    }

    // MARK: - Pages

    static func authEventToken(_ event: AuthEventRecord) -> String {
        PageToken.encode("\(event.createdAt)\n\(event.eventId)", kind: "authEvents")
    }

    static func authEventCursor(_ token: String) throws -> AuthEventCursor {
        let key = try PageToken.decode(token, kind: "authEvents")
        let parts = key.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let at = Double(parts[0]), at.isFinite else { throw CognitoError.invalidParameter("Invalid pagination token.") }
        return AuthEventCursor(createdAt: at, eventId: String(parts[1]))
    }
}

/// Where a sign-in came from, as the request says: the address it came from (or the one a
/// server-side caller names in ContextData) and its User-Agent.
struct SignInOrigin: Sendable {
    var ipAddress: String?
    var userAgent: String?
}

extension SignInOrigin {
    /// A public call (InitiateAuth, RespondToAuthChallenge): the connection's address, or the one
    /// UserContextData names when the app client lets its callers propagate it (Cognito accepts
    /// it only with EnablePropagateAdditionalUserContextData, which needs a client secret).
    init(_ ctx: CallContext, _ sent: UserContextDataType?, client: AppClient) {
        let propagated = client.type.enablePropagateAdditionalUserContextData == true ? sent?.ipAddress : nil
        self.init(ipAddress: propagated ?? ctx.sourceIP, userAgent: ctx.userAgent)
    }

    /// A server-side call (AdminInitiateAuth, AdminRespondToAuthChallenge): the user's address and
    /// headers as ContextData relays them, else the caller's own.
    init(_ ctx: CallContext, _ sent: ContextDataType?) {
        let agent = sent?.httpHeaders.first { $0.headerName?.lowercased() == "user-agent" }?.headerValue
        self.init(ipAddress: sent?.ipAddress ?? ctx.sourceIP, userAgent: agent ?? ctx.userAgent)
    }
}

/// A sign-in's event while its challenges are answered: what the first step recorded of it.
struct SignInEvent: Sendable, Equatable {
    var id: String
    var createdAt: Double
    var ipAddress: String?
    var deviceName: String?

    var json: JSONValue {
        var o: [String: JSONValue] = ["id": .string(id), "at": .number(createdAt)]
        if let ipAddress { o["ip"] = .string(ipAddress) }
        if let deviceName { o["device"] = .string(deviceName) }
        return .object(o)
    }

    init(id: String, createdAt: Double, ipAddress: String?, deviceName: String?) {
        self.id = id
        self.createdAt = createdAt
        self.ipAddress = ipAddress
        self.deviceName = deviceName
    }

    init?(json: JSONValue) {
        guard case .object(let o) = json, let id = o["id"]?.stringValue, let at = o["at"]?.doubleValue else { return nil }
        self.init(id: id, createdAt: at, ipAddress: o["ip"]?.stringValue, deviceName: o["device"]?.stringValue)
    }
}

extension AuthEventRecord {
    /// AuthEventType as AdminListUserAuthEvents returns it. City and Country (from the address)
    /// and Timezone (from the encoded device data) are not known here and left out.
    var wire: AuthEventType {
        let context = ipAddress == nil && deviceName == nil ? nil : EventContextDataType(ipAddress: ipAddress, deviceName: deviceName)
        return AuthEventType(
            eventId: eventId, eventType: eventType, creationDate: createdAt, eventResponse: response,
            eventRisk: EventRiskType(riskDecision: "NoRisk", compromisedCredentialsDetected: false),
            challengeResponses: challenges.map { ChallengeResponseType(challengeName: $0.name, challengeResponse: $0.success ? "Success" : "Failure") },
            eventContextData: context,
            eventFeedback: feedback.map { EventFeedbackType(feedbackValue: $0.value, provider: $0.provider, feedbackDate: $0.date) }
        )
    }
}
