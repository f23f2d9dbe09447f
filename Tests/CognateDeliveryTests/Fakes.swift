import CognateCore
import CognateDelivery
import Foundation
import Synchronization

final class FakeTime: TimeSource {
    private let t = Mutex<Double>(1_800_000_000)
    func now() -> Date { Date(timeIntervalSince1970: t.withLock { $0 }) }
    func advance(_ seconds: Double) { t.withLock { $0 += seconds } }
}

final class CountingRandom: RandomSource {
    let counter = Atomic<Int>(0)
    func bytes(count: Int) -> [UInt8] {
        let n = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        return (0..<count).map { UInt8(truncatingIfNeeded: n &+ $0 &* 31) }
    }
}

/// Not encryption: the aad is prepended and checked, which is what the outbox relies on.
struct TagBox: SecretBox {
    func seal(_ plaintext: [UInt8], aad: [UInt8]) throws -> [UInt8] { [UInt8(aad.count)] + aad + plaintext }
    func open(_ box: [UInt8], aad: [UInt8]) throws -> [UInt8] {
        guard let n = box.first, box.count > Int(n), Array(box[1...Int(n)]) == aad else { throw CryptoFailure.authenticationFailed }
        return Array(box[(Int(n) + 1)...])
    }
}

/// A transport that fails as told, and records what it sent.
final class ScriptedTransport: EmailTransport, SMSTransport {
    private let state = Mutex<(sent: [String], failures: [DeliveryFailure])>(([], []))
    func failNext(_ failures: DeliveryFailure...) { state.withLock { $0.failures += failures } }
    var sent: [String] { state.withLock { $0.sent } }

    func send(_ message: OutboundMessage, id: String) async throws {
        try state.withLock { s in
            if !s.failures.isEmpty { throw s.failures.removeFirst() }
            s.sent.append(message.destination)
        }
    }
}

final class RecordingTriggers: Triggers {
    let calls = Mutex<[(TriggerName, String, JSONValue)]>([])
    let answer: @Sendable (TriggerName) throws -> JSONValue
    init(answer: @escaping @Sendable (TriggerName) throws -> JSONValue) { self.answer = answer }
    func invoke(_ trigger: TriggerName, target: String, event: JSONValue) async throws -> JSONValue {
        calls.withLock { $0.append((trigger, target, event)) }
        return try answer(trigger)
    }
}

func message(_ to: String, medium: String = "EMAIL", sender: CustomSenderCall? = nil) -> OutboundMessage {
    OutboundMessage(
        poolId: "us-east-1_test", username: "u", destination: to, deliveryMedium: medium, attributeName: medium == "SMS" ? "phone_number" : "email",
        kind: "SignUp", code: "123456", subject: "s", message: "m", createdAt: 0, customSender: sender
    )
}
