import CognateCore
import Logging
import Synchronization

/// Delivery straight to the log and the dev outbox, with no outbox table behind it: for in-process
/// tests. The server queues messages durably (CognateDelivery's `OutboxDelivery`) and records each
/// one in the dev outbox as it is queued.
public final class LogDelivery: MessageDelivery {
    let logger: Logger
    let outbox: DevOutbox?

    public init(logger: Logger, outbox: DevOutbox?) {
        self.logger = logger
        self.outbox = outbox
    }

    public func enqueue(_ message: OutboundMessage) async throws {
        logger.info("message", metadata: [
            "pool": "\(message.poolId)", "user": "\(message.username)", "kind": "\(message.kind)",
            "medium": "\(message.deliveryMedium)", "to": "\(message.destination)",
        ])
        outbox?.append(message)
    }
}

/// Every message as it was queued, in memory, served at `GET /_dev/outbox` in development mode so
/// tests and developers can read codes without a mail server.
public final class DevOutbox: Sendable {
    private let messages = Mutex<[OutboundMessage]>([])
    private let capacity: Int

    public init(capacity: Int = 10_000) { self.capacity = capacity }

    public func append(_ m: OutboundMessage) {
        messages.withLock {
            $0.append(m)
            if $0.count > capacity { $0.removeFirst($0.count - capacity) }
        }
    }

    public func list(poolId: String?, username: String?) -> [OutboundMessage] {
        messages.withLock { all in
            all.filter { (poolId == nil || $0.poolId == poolId) && (username == nil || $0.username == username) }
        }
    }
}
