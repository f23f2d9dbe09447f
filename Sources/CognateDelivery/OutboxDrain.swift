import CognateCore
import Foundation
import Logging
import ServiceLifecycle

/// The background service that empties the outbox: it claims due messages (a lease, taken in one
/// transaction, so nodes sharing a database never send the same message), sends each one by its
/// route — custom sender trigger, SMTP or log, SMS webhook or log — and then removes it, retries
/// it later with backoff, or marks it failed. Messages survive restarts: they stay in the table
/// until sent.
public struct OutboxDrain: Service {
    let store: any OutboxStore
    let box: any SecretBox
    let time: any TimeSource
    let routes: Routes
    let retry: RetryPolicy
    let doorbell: Doorbell
    let logger: Logger
    /// How often other nodes' messages and due retries are looked for when nothing rings.
    let pollInterval: Double
    let lease: Double
    let batchSize = 16

    /// Where each kind of message goes.
    public struct Routes: Sendable {
        public var email: any EmailTransport
        public var sms: any SMSTransport
        public var triggers: any Triggers
        public init(email: any EmailTransport, sms: any SMSTransport, triggers: any Triggers) {
            self.email = email
            self.sms = sms
            self.triggers = triggers
        }
    }

    public init(
        store: any OutboxStore, box: any SecretBox, time: any TimeSource, routes: Routes, retry: RetryPolicy, doorbell: Doorbell,
        logger: Logger, pollInterval: Double = 1, lease: Double = 120
    ) {
        self.store = store
        self.box = box
        self.time = time
        self.routes = routes
        self.retry = retry
        self.doorbell = doorbell
        self.logger = logger
        self.pollInterval = pollInterval
        self.lease = lease
    }

    public func run() async throws {
        let doorbell = self.doorbell
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let busy = await drainOnce()
                if busy { continue }
                var wait = pollInterval
                if let due = try? await store.nextOutboxDue() { wait = min(wait, due - now) }
                await doorbell.wait(upTo: wait)
            }
        } onGracefulShutdown: {
            Task { await doorbell.ring() }
        }
    }

    var now: Double { time.now().timeIntervalSince1970 }

    /// Claims and sends one batch; true when there was anything to send.
    @discardableResult
    public func drainOnce() async -> Bool {
        let entries: [OutboxEntry]
        do {
            entries = try await store.claimOutbox(now: now, lease: lease, limit: batchSize)
        } catch {
            logger.error("outbox: cannot claim messages", metadata: ["error": "\(error)"])
            return false
        }
        await withTaskGroup(of: Void.self) { group in
            for entry in entries { group.addTask { await deliver(entry) } }
        }
        return !entries.isEmpty
    }

    func deliver(_ entry: OutboxEntry) async {
        let attempts = entry.attempts + 1
        do {
            let plain = try box.open(entry.payload, aad: OutboxDelivery.aad(entry.id))
            let message = try JSONDecoder().decode(OutboundMessage.self, from: Data(plain))
            do {
                try await send(message, id: entry.id)
                try await store.completeOutbox(id: entry.id)
                logger.debug("outbox: sent", metadata: ["id": "\(entry.id)", "kind": "\(message.kind)", "medium": "\(message.deliveryMedium)"])
            } catch DeliveryFailure.transient(let reason) {
                if now - entry.createdAt >= retry.giveUpAfter {
                    try await store.failOutbox(id: entry.id, attempts: attempts, error: reason)
                    logger.error("outbox: gave up", metadata: ["id": "\(entry.id)", "attempts": "\(attempts)", "error": "\(reason)"])
                } else {
                    let delay = retry.delay(afterAttempts: attempts)
                    try await store.rescheduleOutbox(id: entry.id, at: now + delay, attempts: attempts, error: reason)
                    logger.warning("outbox: will retry", metadata: ["id": "\(entry.id)", "attempts": "\(attempts)", "in": "\(delay)s", "error": "\(reason)"])
                }
            } catch DeliveryFailure.permanent(let reason) {
                try await store.failOutbox(id: entry.id, attempts: attempts, error: reason)
                logger.error("outbox: failed", metadata: ["id": "\(entry.id)", "error": "\(reason)"])
            }
        } catch {
            // The store or the payload itself: leave the claim to expire and be taken again.
            logger.error("outbox: cannot handle message", metadata: ["id": "\(entry.id)", "error": "\(error)"])
        }
    }

    /// Sends one message by its route; throws `DeliveryFailure`.
    func send(_ message: OutboundMessage, id: String) async throws {
        if let call = message.customSender {
            do {
                _ = try await routes.triggers.invoke(TriggerName(rawValue: call.trigger), target: call.target, event: call.event)
            } catch let e as CognitoError where e.code == .unexpectedLambda {
                throw DeliveryFailure.transient(e.message)
            } catch let e as CognitoError where e.code == .userLambdaValidation {
                throw DeliveryFailure.permanent(e.message)
            } catch let e as CognitoError where e.code == .invalidLambdaResponse {
                return  // the sender took the event; what it answered does not matter
            }
            return
        }
        if message.deliveryMedium == "SMS" {
            try await routes.sms.send(message, id: id)
        } else {
            try await routes.email.send(message, id: id)
        }
    }
}
