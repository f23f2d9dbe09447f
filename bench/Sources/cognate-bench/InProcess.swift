import ArgumentParser
import CognateCore
import CognateCrypto
import CognateHTTP
import Foundation
import Logging
import Synchronization

/// The server's work below HTTP: the same dispatcher table the server uses (decode, validate,
/// handler, encode) on a file-backed SQLite store, timed in-process with process CPU time. The
/// difference to a scenario's server CPU per request in `run` is what HTTP, the sockets and the
/// thread wake-ups cost.
struct InProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inproc", abstract: "Time operations through the dispatcher table, without HTTP.")

    @Option(help: "Iterations of the cheap operations.") var iterations = 3000
    @Option(help: "Comma-separated labels to time (default: all).") var only: String?

    func run() async throws {
        let dir = NSTemporaryDirectory() + "cognate-inproc-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var config = ServerConfiguration()
        config.dataDirectory = dir
        config.masterKey = String(repeating: "ab", count: 32)
        let opened = try await Bootstrap.open(config, logger: Logger(label: "bench"))
        let cognate = Cognate(try opened.dependencies(delivery: NoDelivery()))
        let handlers = ActionRegistry.cognate.handlers(cognate)
        let ctx = CallContext(region: "us-east-1", requestId: "bench")

        func call(_ op: String, _ body: [String: Any]) async throws -> [String: Any] {
            let out = try await handlers[op]!(try JSONSerialization.data(withJSONObject: body), ctx)
            return try JSONSerialization.jsonObject(with: out) as? [String: Any] ?? [:]
        }
        let pool = try await call("CreateUserPool", ["PoolName": "inproc"])["UserPool"] as! [String: Any]
        let poolId = pool["Id"] as! String
        let client = try await call("CreateUserPoolClient", [
            "UserPoolId": poolId, "ClientName": "c", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ])["UserPoolClient"] as! [String: Any]
        let clientId = client["ClientId"] as! String
        _ = try await call("AdminCreateUser", ["UserPoolId": poolId, "Username": "user0000001", "MessageAction": "SUPPRESS",
                                                "UserAttributes": [["Name": "email", "Value": "u1@example.com"]]])
        _ = try await call("AdminSetUserPassword", ["UserPoolId": poolId, "Username": "user0000001", "Password": "Bench#Pass1", "Permanent": true])
        let auth = try await call("InitiateAuth", ["ClientId": clientId, "AuthFlow": "USER_PASSWORD_AUTH",
                                                   "AuthParameters": ["USERNAME": "user0000001", "PASSWORD": "Bench#Pass1"]])["AuthenticationResult"] as! [String: Any]
        let access = auth["AccessToken"] as! String, refresh = auth["RefreshToken"] as! String

        func body(_ o: [String: Any]) throws -> Data { try JSONSerialization.data(withJSONObject: o) }
        let selected = only.map { Set($0.split(separator: ",").map(String.init)) }
        func time(_ label: String, _ n: Int, _ op: String, _ input: Data) async throws {
            if let selected, !selected.contains(label) { return }
            let h = handlers[op]!
            for _ in 0..<max(2, n / 10) { _ = try await h(input, ctx) }
            let start = ProcStats.processCPUNanos()
            for _ in 0..<n { _ = try await h(input, ctx) }
            let per = Double(ProcStats.processCPUNanos() - start) / 1e9 / Double(n)
            print(String(format: "%-28@ %9.1f µs", label, per * 1e6))
        }
        try await time("GetUser", iterations, "GetUser", body(["AccessToken": access]))
        try await time("AdminGetUser", iterations, "AdminGetUser", body(["UserPoolId": poolId, "Username": "user0000001"]))
        try await time("ListUsers (1 user)", iterations, "ListUsers", body(["UserPoolId": poolId, "Limit": 60]))
        try await time("REFRESH_TOKEN_AUTH", iterations / 10, "InitiateAuth",
                       body(["ClientId": clientId, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": ["REFRESH_TOKEN": refresh]]))
        try await time("USER_PASSWORD_AUTH", iterations / 20, "InitiateAuth",
                       body(["ClientId": clientId, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": ["USERNAME": "user0000001", "PASSWORD": "Bench#Pass1"]]))
        if selected?.contains("USER_PASSWORD_AUTH (AUDIT pool)") ?? true {
            // The same sign-in in a pool that keeps sign-in history: the event is written with the refresh token.
            let audited = (try await call("CreateUserPool", ["PoolName": "inproc-audit", "UserPoolAddOns": ["AdvancedSecurityMode": "AUDIT"]])["UserPool"]
                as! [String: Any])["Id"] as! String
            let auditClient = (try await call("CreateUserPoolClient", [
                "UserPoolId": audited, "ClientName": "c", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            ])["UserPoolClient"] as! [String: Any])["ClientId"] as! String
            _ = try await call("AdminCreateUser", ["UserPoolId": audited, "Username": "audited", "MessageAction": "SUPPRESS"])
            _ = try await call("AdminSetUserPassword", ["UserPoolId": audited, "Username": "audited", "Password": "Bench#Pass1", "Permanent": true])
            try await time("USER_PASSWORD_AUTH (AUDIT pool)", iterations / 20, "InitiateAuth",
                           body(["ClientId": auditClient, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": ["USERNAME": "audited", "PASSWORD": "Bench#Pass1"]]))
        }
        if selected?.contains("USER_SRP_AUTH") ?? true {
            try await srpSignIns(iterations / 20, handlers: handlers, ctx: ctx, poolId: poolId, clientId: clientId)
        }
        if selected?.contains("SOFTWARE_TOKEN_MFA") ?? true {
            try await softwareTokenSignIns(iterations / 20, opened: opened, ctx: ctx)
        }
    }
}

/// A clock that moves one TOTP step (30 s) each time it is told to: a user's code is good once,
/// so back-to-back MFA sign-ins of one user need a new step each.
final class SteppingClock: TimeSource {
    private let t = Mutex<Date>(Date())
    func now() -> Date { t.withLock { $0 } }
    func step() { t.withLock { $0 = $0.addingTimeInterval(30) } }
}

extension InProcessCommand {
    /// USER_PASSWORD_AUTH followed by SOFTWARE_TOKEN_MFA, on a pool with MFA OPTIONAL and a user
    /// with a verified software token, beside USER_PASSWORD_AUTH alone on the same server: what
    /// the second factor adds. The client's TOTP code is computed outside the timed CPU.
    func softwareTokenSignIns(_ n: Int, opened: Bootstrap.Opened, ctx: CallContext) async throws {
        let clock = SteppingClock()
        var deps = try opened.dependencies(delivery: NoDelivery())
        deps.time = clock
        let handlers = ActionRegistry.cognate.handlers(Cognate(deps))
        func call(_ op: String, _ body: [String: Any]) async throws -> [String: Any] {
            let out = try await handlers[op]!(try JSONSerialization.data(withJSONObject: body), ctx)
            return try JSONSerialization.jsonObject(with: out) as? [String: Any] ?? [:]
        }
        let poolId = (try await call("CreateUserPool", ["PoolName": "inproc-mfa"])["UserPool"] as! [String: Any])["Id"] as! String
        _ = try await call("SetUserPoolMfaConfig", ["UserPoolId": poolId, "MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": ["Enabled": true]])
        let clientId = (try await call("CreateUserPoolClient", [
            "UserPoolId": poolId, "ClientName": "c", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ])["UserPoolClient"] as! [String: Any])["ClientId"] as! String
        for name in ["plain", "mfa"] {
            _ = try await call("AdminCreateUser", ["UserPoolId": poolId, "Username": name, "MessageAction": "SUPPRESS"])
            _ = try await call("AdminSetUserPassword", ["UserPoolId": poolId, "Username": name, "Password": "Bench#Pass1", "Permanent": true])
        }
        let signIn = ["ClientId": clientId, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": ["USERNAME": "mfa", "PASSWORD": "Bench#Pass1"]] as [String: Any]
        let access = ((try await call("InitiateAuth", signIn))["AuthenticationResult"] as! [String: Any])["AccessToken"] as! String
        let secret = Base32.decode((try await call("AssociateSoftwareToken", ["AccessToken": access]))["SecretCode"] as! String)!
        let otp = OpenSSLOneTimePasswords()
        func code() -> String { otp.hotp(secret: secret, counter: UInt64(clock.now().timeIntervalSince1970 / 30), digits: 6) }
        _ = try await call("VerifySoftwareToken", ["AccessToken": access, "UserCode": code()])

        var clientNanos: UInt64 = 0
        func once() async throws {
            clock.step()
            let challenge = try await call("InitiateAuth", signIn)
            let clientStart = ProcStats.threadCPUNanos()
            guard challenge["ChallengeName"] as? String == "SOFTWARE_TOKEN_MFA", let session = challenge["Session"] as? String else {
                throw CheckFailure("no SOFTWARE_TOKEN_MFA challenge: \(challenge)")
            }
            let answer = try JSONSerialization.data(withJSONObject: [
                "ClientId": clientId, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": session,
                "ChallengeResponses": ["USERNAME": "mfa", "SOFTWARE_TOKEN_MFA_CODE": code()],
            ])
            clientNanos += ProcStats.threadCPUNanos() - clientStart
            let out = try JSONSerialization.jsonObject(with: try await handlers["RespondToAuthChallenge"]!(answer, ctx)) as? [String: Any] ?? [:]
            guard out["AuthenticationResult"] != nil else { throw CheckFailure("SOFTWARE_TOKEN_MFA answer \(out)") }
        }
        func plain() async throws {
            clock.step()
            let out = try await call("InitiateAuth", ["ClientId": clientId, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": ["USERNAME": "plain", "PASSWORD": "Bench#Pass1"]])
            guard out["AuthenticationResult"] != nil else { throw CheckFailure("password sign-in \(out)") }
        }
        for _ in 0..<max(2, n / 10) { try await once(); try await plain() }
        var start = ProcStats.processCPUNanos()
        for _ in 0..<n { try await plain() }
        let password = Double(ProcStats.processCPUNanos() - start) / 1e9 / Double(n)
        clientNanos = 0
        start = ProcStats.processCPUNanos()
        for _ in 0..<n { try await once() }
        let mfa = Double(ProcStats.processCPUNanos() - start - clientNanos) / 1e9 / Double(n)
        print(String(format: "%-28@ %9.1f µs", "USER_PASSWORD_AUTH (MFA pool)", password * 1e6))
        print(String(format: "%-28@ %9.1f µs (both calls; %.2f× the password sign-in)", "+ SOFTWARE_TOKEN_MFA", mfa * 1e6, mfa / password))
    }
}

extension InProcessCommand {
    /// Full SRP sign-ins (challenge + answer) through the table. The client's math runs on this
    /// thread between the two calls; its thread CPU is taken out of the process CPU, so what is
    /// left is the server's, compute-pool trips and the ephemeral stock's batches included.
    func srpSignIns(_ n: Int, handlers: [String: @Sendable (Data, CallContext) async throws -> Data], ctx: CallContext, poolId: String, clientId: String) async throws {
        let poolName = String(poolId.split(separator: "_").last ?? "")
        let a = OpenSSLRandom().bytes(count: 32)
        let bigA = SRPMath.clientPublic(a: a)
        var clientNanos: UInt64 = 0
        func once() async throws {
            let start = try JSONSerialization.jsonObject(with: try await handlers["InitiateAuth"]!(try JSONSerialization.data(withJSONObject: [
                "ClientId": clientId, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": ["USERNAME": "user0000001", "SRP_A": Hex.encode(bigA)],
            ]), ctx)) as? [String: Any] ?? [:]
            let clientStart = ProcStats.threadCPUNanos()
            guard let p = start["ChallengeParameters"] as? [String: String],
                  let responses = SRPClient.responses(to: p, a: a, bigA: bigA, poolName: poolName, password: "Bench#Pass1")
            else { throw CheckFailure("SRP challenge \(start)") }
            let answer = try JSONSerialization.data(withJSONObject: [
                "ClientId": clientId, "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": responses,
            ])
            clientNanos += ProcStats.threadCPUNanos() - clientStart
            let out = try JSONSerialization.jsonObject(with: try await handlers["RespondToAuthChallenge"]!(answer, ctx)) as? [String: Any] ?? [:]
            guard out["AuthenticationResult"] != nil else { throw CheckFailure("SRP answer \(out)") }
        }
        for _ in 0..<max(2, n / 10) { try await once() }
        clientNanos = 0
        let start = ProcStats.processCPUNanos()
        let wall = ContinuousClock.now
        for _ in 0..<n { try await once() }
        let per = Double(ProcStats.processCPUNanos() - start - clientNanos) / 1e9 / Double(n)
        let elapsed = ContinuousClock.now - wall
        let perWall = (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) / Double(n)
        print(String(format: "%-28@ %9.1f µs (client %.1f µs, wall %.1f µs)", "USER_SRP_AUTH (both calls)", per * 1e6,
                     Double(clientNanos) / 1e3 / Double(n), perWall * 1e6))
    }
}

/// Messages go nowhere: no operation timed here sends any.
struct NoDelivery: MessageDelivery {
    func enqueue(_ message: OutboundMessage) async throws {}
}
