import ArgumentParser
import CognateCore
import CognateCrypto
import CognateHTTP
import Foundation
import Logging

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
    }
}

/// Messages go nowhere: no operation timed here sends any.
struct NoDelivery: MessageDelivery {
    func enqueue(_ message: OutboundMessage) async throws {}
}
