import CognateCore
import Logging
import Synchronization

/// Delivery to the log, and — only in development mode — to an in-memory outbox served at
/// `GET /_dev/outbox`, so tests and developers can read codes without a mail server.
public final class LogDelivery: MessageDelivery {
    let logger: Logger
    let outbox: DevOutbox?

    public init(logger: Logger, outbox: DevOutbox?) {
        self.logger = logger
        self.outbox = outbox
    }

    public func deliver(_ message: OutboundMessage) async {
        logger.info("message", metadata: [
            "pool": "\(message.poolId)", "user": "\(message.username)", "kind": "\(message.kind)",
            "medium": "\(message.deliveryMedium)", "to": "\(message.destination)",
        ])
        outbox?.append(message)
    }
}

public final class DevOutbox: Sendable {
    private let messages = Mutex<[OutboundMessage]>([])
    private let capacity: Int

    public init(capacity: Int = 10_000) { self.capacity = capacity }

    func append(_ m: OutboundMessage) {
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
