/// Accepts codes, links and invitations for delivery. `enqueue` only has to make the message
/// durable (CognateDelivery writes it to the outbox table, which a background service drains over
/// SMTP, the SMS webhook or a custom sender trigger); sending never blocks or fails the API call
/// that caused it. It throws only when the message could not be kept.
public protocol MessageDelivery: Sendable {
    func enqueue(_ message: OutboundMessage) async throws
    /// `messages` as outbox rows, for the caller to write in the same transaction as the change
    /// that sends them (a new user and its code), so that both are kept or neither is; the
    /// caller runs `committed` once that transaction has committed. A delivery without an
    /// outbox gives no rows, and sends the messages in `committed`.
    func stage(_ messages: [OutboundMessage]) throws -> StagedMessages
}

extension MessageDelivery {
    public func stage(_ messages: [OutboundMessage]) throws -> StagedMessages {
        StagedMessages(entries: []) { for m in messages { try await self.enqueue(m) } }
    }
}

/// Outbox rows to write with a change, and what to do once they are committed.
public struct StagedMessages: Sendable {
    public var entries: [OutboxEntry]
    public var committed: @Sendable () async throws -> Void

    public init(entries: [OutboxEntry], committed: @escaping @Sendable () async throws -> Void) {
        self.entries = entries
        self.committed = committed
    }
}

/// The outbox table: sealed messages waiting to be sent. Claiming happens in one transaction, so
/// when several nodes share a database each message is handed to exactly one of them; a claim is
/// a lease, and a node that dies while sending leaves the message to be claimed again when the
/// lease runs out.
public protocol OutboxStore: Sendable {
    func enqueueOutbox(_ entry: OutboxEntry) async throws
    /// Up to `limit` entries due at `now` (pending, or claimed with an expired lease), now claimed until `now + lease`.
    func claimOutbox(now: Double, lease: Double, limit: Int) async throws -> [OutboxEntry]
    /// Sent: the entry is removed.
    func completeOutbox(id: String) async throws
    /// A transient failure: pending again from `at`.
    func rescheduleOutbox(id: String, at: Double, attempts: Int, error: String) async throws
    /// A permanent failure: kept, with its error, and never claimed again.
    func failOutbox(id: String, attempts: Int, error: String) async throws
    /// The earliest time a pending entry falls due, if any (the drain sleeps until then).
    func nextOutboxDue() async throws -> Double?
}

public struct OutboxEntry: Sendable, Equatable {
    public var id: String
    public var poolId: String
    /// The `OutboundMessage` as JSON, sealed under the master key: it holds codes and temporary passwords.
    public var payload: [UInt8]
    public var createdAt: Double
    public var attempts: Int
    public var nextAttemptAt: Double
    public var lastError: String?

    public init(id: String, poolId: String, payload: [UInt8], createdAt: Double, attempts: Int = 0, nextAttemptAt: Double, lastError: String? = nil) {
        self.id = id
        self.poolId = poolId
        self.payload = payload
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
    }
}
