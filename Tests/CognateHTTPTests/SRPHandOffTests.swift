import CognateCore
import CognateCrypto
import Foundation
import Synchronization
import Testing

/// Counts hand-offs to the compute executor (each is a trip to NIO's pool and back).
final class CountingCompute: ComputeExecutor {
    let inner: any ComputeExecutor
    let runs = Atomic<Int>(0)
    let finished = Atomic<Int>(0)
    init(_ inner: any ComputeExecutor) { self.inner = inner }
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        runs.add(1, ordering: .relaxed)
        defer { finished.add(1, ordering: .relaxed) }
        return try await inner.run(work)
    }
}

/// An SRP sign-in's crypto takes as few trips to the compute pool as it can: the challenge's g^b
/// comes made ahead from a stock filled in batches, and a correct proof's tokens are signed in
/// the same trip that checks the proof.
@Suite("SRP hand-offs to the compute pool")
struct SRPHandOffTests {
    struct Counted: Sendable {
        let server: TestServer
        let compute: CountingCompute
        let signer: CountingSigner
        let srp: CountingSRP
    }

    static func server(triggers: ScriptedTriggers? = nil, srpEphemeralBatch: Int? = nil) async throws -> Counted {
        let parts = Mutex<(CountingCompute?, CountingSigner?, CountingSRP?)>((nil, nil, nil))
        let server = try await TestServer.make(
            triggers: triggers,
            signing: { inner in
                let s = CountingSigner(inner)
                parts.withLock { $0.1 = s }
                return s
            },
            srp: { inner in
                let s = CountingSRP(inner)
                parts.withLock { $0.2 = s }
                return s
            },
            compute: { inner in
                let s = CountingCompute(inner)
                parts.withLock { $0.0 = s }
                return s
            },
            srpEphemeralBatch: srpEphemeralBatch
        )
        let (compute, signer, srp) = parts.withLock { $0 }
        return Counted(server: server, compute: try #require(compute), signer: try #require(signer), srp: try #require(srp))
    }

    /// `body`'s outcome, or nil if it has not finished in time: a challenge left waiting for a
    /// batch never resumes, so the test must not await it (nor a task group holding it).
    static func within<T: Sendable>(seconds: Int, _ body: @escaping @Sendable () async throws -> T) async -> Result<T, any Error>? {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        Task {
            let r: Result<T, any Error>
            do { r = .success(try await body()) } catch { r = .failure(error) }
            outcome.withLock { [r] in $0 = r }
        }
        for _ in 0..<(seconds * 100) {
            if let r = outcome.withLock({ $0 }) { return r }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Trips to the compute pool and signatures made while `body` runs.
    static func counting<T>(_ s: Counted, _ body: () async throws -> T) async rethrows -> (runs: Int, signatures: Int, value: T) {
        let runs = s.compute.runs.load(ordering: .relaxed), signatures = s.signer.signatures.load(ordering: .relaxed)
        let value = try await body()
        return (s.compute.runs.load(ordering: .relaxed) - runs, s.signer.signatures.load(ordering: .relaxed) - signatures, value)
    }

    @Test func aCorrectProofIsCheckedAndItsTokensSignedInOneTrip() async throws {
        // Ephemerals made at each challenge, so that no refill in the background is counted.
        let s = try await Self.server(srpEphemeralBatch: 0)
        try await s.server.run { c in
            let (pool, client, _) = try await c.poolAndClient()
            try await c.user(pool, "erin")
            let start = try await Self.counting(s) {
                try await SignInTests.srpAnswer(c, pool: pool, client: client, username: "erin", password: "Passw0rd!")
            }
            #expect(start.runs == 1, "the challenge's g^b")
            let answer = try await Self.counting(s) { try await c.call("RespondToAuthChallenge", start.value) }
            #expect(answer.value.status == .ok)
            #expect(answer.runs == 1, "the proof and both signatures in one trip")
            #expect(answer.signatures == 2)
            let result = try #require(answer.value["AuthenticationResult"] as? [String: Any])
            #expect(decodeJWT(try #require(result["IdToken"] as? String))["cognito:username"] as? String == "erin")
            #expect(decodeJWT(try #require(result["AccessToken"] as? String))["token_use"] as? String == "access")
            let refresh = try #require(result["RefreshToken"] as? String)
            let refreshed = try await c.call("InitiateAuth", ["ClientId": client, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": ["REFRESH_TOKEN": refresh]])
            #expect(refreshed.status == .ok, "the family was stored with the tokens")
            let replay = try await c.call("RespondToAuthChallenge", start.value)
            #expect(replay.errorType == "NotAuthorizedException", "the answered challenge was spent")

            let wrong = try await SignInTests.srpAnswer(c, pool: pool, client: client, username: "erin", password: "Passw0rd?")
            let refused = try await Self.counting(s) { try await c.call("RespondToAuthChallenge", wrong) }
            #expect(refused.value.message == "Incorrect username or password.")
            #expect(refused.runs == 1)
            #expect(refused.signatures == 0, "nothing is signed for a wrong proof")
        }
    }

    @Test func aPreTokenGenerationTriggerRunsBeforeTheTokensAreSigned() async throws {
        let triggers = ScriptedTriggers { name, e in
            guard name == .preTokenGeneration else { return .object(e) }
            return ScriptedTriggers.respond(e, ["claimsOverrideDetails": .object(["claimsToAddOrOverride": .object(["plan": .string("pro")])])])
        }
        let s = try await Self.server(triggers: triggers, srpEphemeralBatch: 0)
        try await s.server.run { c in
            let (pool, client, _) = try await c.poolAndClient(pool: ["LambdaConfig": ["PreTokenGeneration": "https://hooks.test/token"]])
            try await c.user(pool, "fay")
            let answer = try await SignInTests.srpAnswer(c, pool: pool, client: client, username: "fay", password: "Passw0rd!")
            let r = try await Self.counting(s) { try await c.call("RespondToAuthChallenge", answer) }
            #expect(r.value.status == .ok)
            #expect(r.runs == 2, "the proof, then the signatures after the trigger")
            let result = try #require(r.value["AuthenticationResult"] as? [String: Any])
            #expect(decodeJWT(try #require(result["IdToken"] as? String))["plan"] as? String == "pro")
            #expect(triggers.events(.preTokenGeneration).count == 1)
        }
    }

    @Test func challengesTakeTheirEphemeralsFromAStockFilledInBatches() async throws {
        let s = try await Self.server(srpEphemeralBatch: 8)
        try await s.server.run { c in
            let (pool, client, _) = try await c.poolAndClient()
            try await c.user(pool, "gus")
            func initiate() async throws -> String {
                let a = SRPMath.clientPublic(a: OpenSSLRandom().bytes(count: 32))
                let r = try await c.ok("InitiateAuth", ["ClientId": client, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": ["USERNAME": "gus", "SRP_A": Hex.encode(a)]])
                return try #require((r["ChallengeParameters"] as? [String: String])?["SRP_B"])
            }
            func made(_ n: Int) async throws {
                // Refills run in the background: wait until the batch is made and stocked
                // (a batch stocks its pairs before its run finishes).
                func settled() -> Bool {
                    s.srp.ephemerals.load(ordering: .relaxed) >= n && s.compute.finished.load(ordering: .relaxed) == s.compute.runs.load(ordering: .relaxed)
                }
                for _ in 0..<500 where !settled() { try await Task.sleep(for: .milliseconds(10)) }
                #expect(s.srp.ephemerals.load(ordering: .relaxed) == n)
            }
            // The first challenge finds the stock empty: it starts a batch and takes its pair
            // from it, making none of its own.
            let before = s.compute.runs.load(ordering: .relaxed)
            var seen = Set([try await initiate()])
            try await made(8)
            #expect(s.compute.runs.load(ordering: .relaxed) - before == 1)
            let runs = s.compute.runs.load(ordering: .relaxed)
            for _ in 0..<5 { seen.insert(try await initiate()) }
            // Five challenges from the stock; the first of them started one batch, no more.
            try await made(8 + 8)
            #expect(s.compute.runs.load(ordering: .relaxed) - runs == 1)
            #expect(seen.count == 6, "every challenge has its own b")
            // A challenge from the stock is answered as any other.
            let signedIn = try await SignInTests.srpSignIn(c, pool: pool, client: client, username: "gus", password: "Passw0rd!")
            #expect(signedIn.status == .ok)
        }
    }

    /// Many challenges at once against an empty stock (connections starting together) wait for
    /// batches instead of each making its own pair: every trip to the pool is a whole batch.
    @Test(.timeLimit(.minutes(1))) func aBurstOfChallengesWaitsForBatches() async throws {
        let s = try await Self.server(srpEphemeralBatch: 4)
        try await s.server.run { c in
            let (pool, client, _) = try await c.poolAndClient()
            try await c.user(pool, "hal")
            let before = s.compute.runs.load(ordering: .relaxed)
            let burst = await Self.within(seconds: 20) { try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        let a = SRPMath.clientPublic(a: OpenSSLRandom().bytes(count: 32))
                        let r = try await c.ok("InitiateAuth", ["ClientId": client, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": ["USERNAME": "hal", "SRP_A": Hex.encode(a)]])
                        return try #require((r["ChallengeParameters"] as? [String: String])?["SRP_B"])
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            } }
            let bs = try #require(try burst?.get(), "challenges were left waiting for a batch")
            #expect(bs.count == 10, "every challenge has its own b")
            for _ in 0..<500 where s.compute.finished.load(ordering: .relaxed) != s.compute.runs.load(ordering: .relaxed) {
                try await Task.sleep(for: .milliseconds(10))
            }
            let runs = s.compute.runs.load(ordering: .relaxed) - before, made = s.srp.ephemerals.load(ordering: .relaxed)
            #expect(made == runs * 4, "\(runs) trips made \(made) pairs: none made alone")
            #expect(made >= 12)
        }
    }

    /// A batch that fails leaves no challenge waiting: each then makes its own pair.
    @Test(.timeLimit(.minutes(1))) func aFailedBatchSendsItsWaitersToMakeTheirOwn() async throws {
        let made = Mutex<FailingRun?>(nil)
        let server = try await TestServer.make(compute: { inner in
            let f = FailingRun(inner)
            made.withLock { $0 = f }
            return f
        }, srpEphemeralBatch: 4)
        let compute = try #require(made.withLock { $0 })
        try await server.run { c in
            let (pool, client, _) = try await c.poolAndClient()
            try await c.user(pool, "ida")
            // The challenge's batch is the next trip to the pool, and it fails.
            compute.armed.store(true, ordering: .relaxed)
            let outcome = await Self.within(seconds: 20) {
                try await SignInTests.srpSignIn(c, pool: pool, client: client, username: "ida", password: "Passw0rd!")
            }
            let signedIn = try #require(try outcome?.get(), "the challenge was left waiting for a failed batch")
            let stillArmed = compute.armed.load(ordering: .relaxed)
            #expect(!stillArmed, "a batch failed")
            #expect(signedIn.status == .ok)
        }
    }
}

/// A compute executor that refuses its next run once armed, as a pool shutting down does.
final class FailingRun: ComputeExecutor {
    struct Refused: Error {}
    let inner: any ComputeExecutor
    let armed = Atomic<Bool>(false)
    init(_ inner: any ComputeExecutor) { self.inner = inner }
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        if armed.exchange(false, ordering: .relaxed) { throw Refused() }
        return try await inner.run(work)
    }
}
