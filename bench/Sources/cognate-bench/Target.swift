import CognateCore
import CognateCrypto
import Foundation

/// A server under test and what the setup made in it: a pool, an app client, users with a known
/// password, and tokens for each worker slot. Immutable once set up, so workers share it freely.
final class Target: @unchecked Sendable {
    // `@unchecked`: every stored property is written during setup, before any worker starts,
    // and only read afterwards.
    let name: String
    let port: UInt16
    let pid: Int32
    /// Every node serving the target (one unless several share a database): worker `i` connects
    /// to `ports[i % count]`, as a load balancer pinning each connection would, while every
    /// request names the first node as its Host, the one name behind the balancer. CPU is the
    /// sum over `pids`.
    var ports: [UInt16]
    var pids: [Int32]
    /// The database server's main process, whose children's CPU is the database's share of an
    /// operation (PostgreSQL; nil on SQLite, whose work is inside the node's own CPU).
    var databasePid: Int32?
    /// Counts the statements the nodes send to the database, read at a window's edges.
    var statements: StatementCounter?
    var poolId = ""
    var clientId = ""
    var users: [String] = []
    var accessTokens: [String] = []
    var refreshTokens: [String] = []
    var jwks: [String: PublicJWK] = [:]
    var jwksBody: [UInt8] = []
    var notes: [String] = []
    /// Whether the server has /oauth2/token (then `oauth` holds the clients the setup made).
    var hasOAuth = false
    var oauth = OAuthSetup()

    static let password = "Bench#Pass1"
    static let wrongPassword = "Bench#Pass2"
    static let slots = 64

    init(name: String, port: UInt16, pid: Int32) {
        self.name = name
        self.port = port
        self.pid = pid
        self.ports = [port]
        self.pids = [pid]
    }

    /// moto answers USER_SRP_AUTH with random SALT/SRP_B and accepts any PASSWORD_CLAIM_SIGNATURE.
    var fakesSRP: Bool { name == "moto" }
    var poolName: String { String(poolId.split(separator: "_").last ?? "") }

    struct CallFailure: Error, CustomStringConvertible {
        var operation: String
        var status: Int
        var type: String
        var message: String
        var description: String { "\(operation): HTTP \(status) \(type) \(message)" }
    }

    /// One AWS JSON call that must succeed.
    @discardableResult
    func call(_ conn: HTTPConnection, _ op: String, _ body: [String: Any]) throws -> [String: Any] {
        let r = try conn.send(Requests.aws(op, body, port: port))
        let json = r.json
        guard r.status == 200 else {
            throw CallFailure(operation: op, status: r.status, type: json["__type"] as? String ?? "?", message: json["message"] as? String ?? "")
        }
        return json
    }

    /// One AWS JSON call that must fail with `type` (a wrong password, a forged token).
    func refused(_ conn: HTTPConnection, _ op: String, _ body: [String: Any], type: String) throws {
        let r = try conn.send(Requests.aws(op, body, port: port))
        let got = (r.json["__type"] as? String).map { String($0.split(separator: "#").last ?? "") } ?? ""
        guard r.status == 400, got == type else {
            throw CallFailure(operation: op, status: r.status, type: got, message: "expected \(type) (refusal)")
        }
    }

    // MARK: - Setup

    func setUp(userCount: Int, existing: (pool: String, client: String, users: [String])? = nil) throws {
        let conn = HTTPConnection(port: port)
        if let existing {
            (poolId, clientId, users) = existing
        } else {
            let pool = try call(conn, "CreateUserPool", [
                "PoolName": "bench-\(UUID().uuidString.prefix(8))",
                "Policies": ["PasswordPolicy": ["MinimumLength": 8, "RequireUppercase": true, "RequireLowercase": true, "RequireNumbers": true, "RequireSymbols": true]],
            ])
            poolId = (pool["UserPool"] as? [String: Any])?["Id"] as? String ?? ""
            let client = try call(conn, "CreateUserPoolClient", [
                "UserPoolId": poolId, "ClientName": "bench",
                "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"],
            ])
            clientId = (client["UserPoolClient"] as? [String: Any])?["ClientId"] as? String ?? ""
            users = (0..<userCount).map { String(format: "user%07d", $0) }
            try createUsers(users)
        }
        try setUpOAuth(conn)
        let reply = try conn.send(Requests.get("/\(poolId)/.well-known/jwks.json", port: port))
        guard reply.status == 200, let keys = reply.json["keys"] as? [[String: Any]], !keys.isEmpty else {
            throw CallFailure(operation: "JWKS", status: reply.status, type: "", message: "no keys")
        }
        jwksBody = reply.body
        for k in keys {
            if let kid = k["kid"] as? String, let n = k["n"] as? String, let e = k["e"] as? String {
                jwks[kid] = PublicJWK(kid: kid, n: n, e: e)
            }
        }
        let verifier = TokenChecker(target: self)
        for slot in 0..<Self.slots {
            let user = users[slot % users.count]
            let r = try call(conn, "InitiateAuth", [
                "ClientId": clientId, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": ["USERNAME": user, "PASSWORD": Self.password],
            ])
            let tokens = try verifier.check(r, username: user, refresh: true)
            accessTokens.append(tokens.access)
            refreshTokens.append(tokens.refresh ?? "")
        }
    }

    /// A resource server and two confidential clients (code flow; client_credentials), where
    /// the server has the token endpoint: an empty POST is then a 400, not a 404.
    private func setUpOAuth(_ conn: HTTPConnection) throws {
        let probe = try conn.send(Requests.form("/oauth2/token", [], port: port))
        hasOAuth = probe.status != 404 && probe.status != 405 && probe.status < 500
        guard hasOAuth else { return }
        try call(conn, "CreateResourceServer", [
            "UserPoolId": poolId, "Identifier": "bench", "Name": "bench", "Scopes": [["ScopeName": "read", "ScopeDescription": "read"]],
        ])
        let code = try call(conn, "CreateUserPoolClient", [
            "UserPoolId": poolId, "ClientName": "bench-web", "GenerateSecret": true, "AllowedOAuthFlowsUserPoolClient": true,
            "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid", "email"], "SupportedIdentityProviders": ["COGNITO"],
            "CallbackURLs": [Scenario.callback],
        ])["UserPoolClient"] as? [String: Any] ?? [:]
        let service = try call(conn, "CreateUserPoolClient", [
            "UserPoolId": poolId, "ClientName": "bench-service", "GenerateSecret": true, "AllowedOAuthFlowsUserPoolClient": true,
            "AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthScopes": ["bench/read"],
        ])["UserPoolClient"] as? [String: Any] ?? [:]
        oauth = OAuthSetup(
            codeClientId: code["ClientId"] as? String ?? "", codeClientSecret: code["ClientSecret"] as? String ?? "",
            serviceClientId: service["ClientId"] as? String ?? "", serviceClientSecret: service["ClientSecret"] as? String ?? "")
    }

    /// Users with a permanent password, created through the API on 8 connections.
    private func createUsers(_ names: [String]) throws {
        let lanes = 8
        let failures = LockedList<String>()
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            let conn = HTTPConnection(port: port)
            for i in stride(from: lane, to: names.count, by: lanes) {
                do {
                    try call(conn, "AdminCreateUser", [
                        "UserPoolId": poolId, "Username": names[i], "TemporaryPassword": "Temp#Pass1", "MessageAction": "SUPPRESS",
                        "UserAttributes": [["Name": "email", "Value": "\(names[i])@example.com"], ["Name": "email_verified", "Value": "true"]],
                    ])
                    try call(conn, "AdminSetUserPassword", ["UserPoolId": poolId, "Username": names[i], "Password": Self.password, "Permanent": true])
                } catch {
                    failures.append("\(error)")
                }
            }
        }
        if let first = failures.items.first { throw CallFailure(operation: "setup", status: 0, type: "", message: first) }
    }
}

/// Verifies the tokens of an AuthenticationResult against the target's JWKS and their claims.
struct TokenChecker {
    let target: Target
    let signing = OpenSSLTokenSigning(random: OpenSSLRandom())

    struct Failure: Error, CustomStringConvertible { var description: String }

    func check(_ reply: [String: Any], username: String, refresh: Bool) throws -> (access: String, refresh: String?) {
        guard let result = reply["AuthenticationResult"] as? [String: Any],
              let id = result["IdToken"] as? String, let access = result["AccessToken"] as? String
        else { throw Failure(description: "no tokens in \(reply.keys.sorted())") }
        let refreshToken = result["RefreshToken"] as? String
        if refresh && (refreshToken ?? "").isEmpty { throw Failure(description: "no refresh token") }
        let now = Int(Date().timeIntervalSince1970)
        for (token, use) in [(id, "id"), (access, "access")] {
            guard let jwt = JWT.parse(token) else { throw Failure(description: "\(use) token is not an RS256 JWS") }
            guard let key = target.jwks[jwt.kid] else { throw Failure(description: "\(use) token kid \(jwt.kid) is not in the JWKS") }
            guard signing.verify(jwt.signature, message: jwt.signingInput, key: key) else {
                throw Failure(description: "\(use) token signature does not verify against the JWKS")
            }
            guard jwt.claims["token_use"]?.stringValue == use else { throw Failure(description: "\(use) token has token_use \(String(describing: jwt.claims["token_use"]))") }
            guard let exp = jwt.claims["exp"]?.intValue, exp > now else { throw Failure(description: "\(use) token is expired") }
            let name = use == "id" ? jwt.claims["cognito:username"]?.stringValue : jwt.claims["username"]?.stringValue
            guard name == username else { throw Failure(description: "\(use) token is for \(name ?? "nobody"), not \(username)") }
        }
        return (access, refreshToken)
    }
}

/// A list several threads append to.
final class LockedList<T>: @unchecked Sendable {
    // `@unchecked`: `items` is only touched under `lock`.
    private let lock = NSLock()
    private var storage: [T] = []
    func append(_ item: T) { lock.lock(); storage.append(item); lock.unlock() }
    var items: [T] { lock.lock(); defer { lock.unlock() }; return storage }
}

/// Statements a database has run for one of its databases, from PostgreSQL's
/// pg_stat_statements (asked through psql on the admin database, so asking is not counted).
struct StatementCounter: Sendable {
    var adminURL: String
    var database: String

    func count() -> Int? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", adminURL, "-Atc",
                             "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '\(database)')"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
