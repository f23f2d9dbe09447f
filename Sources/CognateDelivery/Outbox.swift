import CognateCore
import Foundation

/// The durable side of `MessageDelivery`: a message is sealed and written to the outbox table,
/// and the drain is woken. Sending happens later, in `OutboxDrain`.
public struct OutboxDelivery: MessageDelivery {
    let store: any OutboxStore
    let box: any SecretBox
    let random: any RandomSource
    let time: any TimeSource
    let doorbell: Doorbell
    let onEnqueue: @Sendable (OutboundMessage) -> Void

    public init(
        store: any OutboxStore, box: any SecretBox, random: any RandomSource, time: any TimeSource, doorbell: Doorbell,
        onEnqueue: @escaping @Sendable (OutboundMessage) -> Void = { _ in }
    ) {
        self.store = store
        self.box = box
        self.random = random
        self.time = time
        self.doorbell = doorbell
        self.onEnqueue = onEnqueue
    }

    public func enqueue(_ message: OutboundMessage) async throws {
        let staged = try stage([message])
        for entry in staged.entries { try await store.enqueueOutbox(entry) }
        try await staged.committed()
    }

    /// Sealed rows for the caller's transaction; once committed, the drain is woken.
    public func stage(_ messages: [OutboundMessage]) throws -> StagedMessages {
        let t = time.now().timeIntervalSince1970
        let entries = try messages.map { message in
            let id = random.uuid()
            let payload = try box.seal(Array(try JSONEncoder().encode(message)), aad: Self.aad(id))
            return OutboxEntry(id: id, poolId: message.poolId, payload: payload, createdAt: t, nextAttemptAt: t)
        }
        let onEnqueue = onEnqueue, doorbell = doorbell
        return StagedMessages(entries: entries) {
            for m in messages { onEnqueue(m) }
            if !messages.isEmpty { await doorbell.ring() }
        }
    }

    /// Binds a sealed payload to its row, so payloads can't be swapped between rows.
    static func aad(_ id: String) -> [UInt8] { Array("outbox:\(id)".utf8) }
}

/// Wakes the drain when this node enqueues, so a message leaves at once rather than at the next poll.
public actor Doorbell {
    private var rung = false
    private var waiter: CheckedContinuation<Void, Never>?

    public init() {}

    public func ring() {
        if let w = waiter {
            waiter = nil
            w.resume()
        } else {
            rung = true
        }
    }

    /// Returns when rung (or at once if rung since the last wait), or after `seconds`.
    func wait(upTo seconds: Double) async {
        if rung {
            rung = false
            return
        }
        let timer = Task {
            try? await Task.sleep(for: .seconds(max(seconds, 0.001)))
            if !Task.isCancelled { self.ring() }
        }
        await withCheckedContinuation { waiter = $0 }
        rung = false
        timer.cancel()
    }
}
