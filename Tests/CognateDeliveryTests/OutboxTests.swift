import CognateCore
import CognateDelivery
import CognateStore
import Logging
import Synchronization
import Testing

/// The outbox over a real (in-memory) SQL store, with scripted transports and a clock the test moves.
@Suite struct OutboxTests {
    let store: SQLStore
    let time = FakeTime()
    let email = ScriptedTransport()
    let sms = ScriptedTransport()
    let doorbell = Doorbell()

    init() throws { store = try SQLStore(path: ":memory:") }

    func pipeline(triggers: any Triggers = NoTriggers(), giveUpAfter: Double = 86400) -> (OutboxDelivery, OutboxDrain) {
        let delivery = OutboxDelivery(store: store, box: TagBox(), random: CountingRandom(), time: time, doorbell: doorbell)
        let drain = OutboxDrain(
            store: store, box: TagBox(), time: time, routes: .init(email: email, sms: sms, triggers: triggers),
            retry: RetryPolicy(firstDelay: 1, maxDelay: 8, giveUpAfter: giveUpAfter), doorbell: doorbell, logger: Logger(label: "test")
        )
        return (delivery, drain)
    }

    @Test func sendsByMediumAndRemovesWhatWasSent() async throws {
        let (delivery, drain) = pipeline()
        try await delivery.enqueue(message("a@example.com"))
        try await delivery.enqueue(message("+15550001", medium: "SMS"))
        #expect(await drain.drainOnce())
        #expect(email.sent == ["a@example.com"])
        #expect(sms.sent == ["+15550001"])
        #expect(try await store.nextOutboxDue() == nil)
        #expect(await drain.drainOnce() == false)
    }

    @Test func transientFailuresAreRetriedWithBackoff() async throws {
        let (delivery, drain) = pipeline()
        email.failNext(.transient("421 try later"), .transient("connection refused"))
        try await delivery.enqueue(message("b@example.com"))
        await drain.drainOnce()
        #expect(email.sent.isEmpty)
        let firstRetry = try #require(try await store.nextOutboxDue())
        #expect(firstRetry == time.now().timeIntervalSince1970 + 1)
        #expect(await drain.drainOnce() == false, "not due yet")
        time.advance(1)
        await drain.drainOnce()
        #expect(try await store.nextOutboxDue() == time.now().timeIntervalSince1970 + 2, "the second wait doubles")
        time.advance(2)
        await drain.drainOnce()
        #expect(email.sent == ["b@example.com"])
        #expect(try await store.nextOutboxDue() == nil)
    }

    @Test func permanentFailuresAndOldMessagesStopBeingTried() async throws {
        let (delivery, drain) = pipeline(giveUpAfter: 10)
        email.failNext(.permanent("550 no such user"))
        try await delivery.enqueue(message("c@example.com"))
        await drain.drainOnce()
        #expect(try await store.nextOutboxDue() == nil)

        email.failNext(.transient("down"), .transient("down"))
        try await delivery.enqueue(message("d@example.com"))
        await drain.drainOnce()
        time.advance(11)
        await drain.drainOnce()
        #expect(try await store.nextOutboxDue() == nil, "given up after giveUpAfter")
        #expect(email.sent.isEmpty)
    }

    @Test func aClaimIsExclusiveUntilItsLeaseRunsOut() async throws {
        let (delivery, _) = pipeline()
        try await delivery.enqueue(message("e@example.com"))
        let now = time.now().timeIntervalSince1970
        let first = try await store.claimOutbox(now: now, lease: 60, limit: 10)
        #expect(first.count == 1)
        #expect(try await store.claimOutbox(now: now, lease: 60, limit: 10).isEmpty, "another node gets nothing")
        #expect(try await store.claimOutbox(now: now + 61, lease: 60, limit: 10).map(\.id) == first.map(\.id), "a dead node's claim expires")
    }

    @Test func concurrentClaimsNeverShareAMessage() async throws {
        let (delivery, _) = pipeline()
        for i in 0..<40 { try await delivery.enqueue(message("n\(i)@example.com")) }
        let now = time.now().timeIntervalSince1970
        let store = self.store
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<8 { group.addTask { try await store.claimOutbox(now: now, lease: 60, limit: 7).map(\.id) } }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(claimed.count == 40)
        #expect(Set(claimed).count == 40)
    }

    @Test func payloadsAreSealedToTheirRow() async throws {
        let (delivery, _) = pipeline()
        try await delivery.enqueue(message("f@example.com"))
        let entry = try #require(try await store.claimOutbox(now: time.now().timeIntervalSince1970, lease: 60, limit: 1).first)
        #expect(throws: CryptoFailure.self) { try TagBox().open(entry.payload, aad: Array("outbox:other".utf8)) }
        #expect(!entry.payload.isEmpty)
    }

    @Test func customSendersGoThroughTheirTrigger() async throws {
        let failures = Mutex(1)
        let triggers = RecordingTriggers { name in
            if failures.withLock({ n in defer { n -= 1 }; return n > 0 }) { throw CognitoError.lambdaUnreachable(name, reason: "HTTP 503") }
            return .object([:])
        }
        let (delivery, drain) = pipeline(triggers: triggers)
        let call = CustomSenderCall(trigger: .customEmailSender, target: "https://sender.example/hook", event: .object(["version": .string("1")]))
        try await delivery.enqueue(message("g@example.com", sender: call))
        await drain.drainOnce()
        time.advance(1)
        await drain.drainOnce()
        #expect(triggers.calls.withLock { $0.map { $0.1 } } == ["https://sender.example/hook", "https://sender.example/hook"])
        #expect(email.sent.isEmpty, "a custom sender replaces SMTP")
        #expect(try await store.nextOutboxDue() == nil)
    }
}
