import CognateCore
import CognateCrypto
import Foundation

/// What one load-generator thread holds: its connection, its slot and a counter for unique names.
final class Worker {
    let target: Target
    let conn: HTTPConnection
    let slot: Int
    let index: Int
    let run: String
    var counter = 0
    let checker: TokenChecker
    /// SRP client state: a = 256 random bits, A = g^a, computed once per worker (the server
    /// cannot tell, and it keeps the client's share of the modexps down).
    let srpA: [UInt8]
    let srpBigA: [UInt8]
    var listCursor: String?
    /// The ListUsers page size (60 as in the scenario; COGNATE_BENCH_LIST_LIMIT to see how the cost scales).
    static let listLimit = ProcessInfo.processInfo.environment["COGNATE_BENCH_LIST_LIMIT"].flatMap(Int.init) ?? 60
    var rng = SystemRandomNumberGenerator()

    init(target: Target, index: Int, run: String) {
        self.target = target
        self.conn = HTTPConnection(port: target.ports[index % target.ports.count])
        self.index = index
        self.slot = index % Target.slots
        self.run = run
        self.checker = TokenChecker(target: target)
        srpA = OpenSSLRandom().bytes(count: 32)
        srpBigA = SRPMath.clientPublic(a: srpA)
    }

    var slotUser: String { target.users[slot % target.users.count] }
    func randomUser() -> String { target.users[Int.random(in: 0..<target.users.count, using: &rng)] }
    func uniqueName(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)-\(run)-\(index)-\(counter)"
    }
}

struct CheckFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A benchmark scenario: one operation (one or more requests, every reply checked) and the
/// refusals that must hold around it.
struct Scenario: Sendable {
    let name: String
    let title: String
    let requests: Int
    /// The floor's name in `Floor` (the crypto this operation can't avoid), if it has any.
    let floor: String?
    let op: @Sendable (Worker) throws -> Void
    /// Run before and after the timed window by every worker; must see the server refuse.
    let refusal: (@Sendable (Worker) throws -> Void)?

    static let all: [Scenario] = [signUp, adminCreateUser, passwordAuth, srpAuth, refresh, getUser, adminGetUser, listUsers, jwks, codeFlow, clientCredentials]

    /// Scenarios that need the OAuth endpoints (`/oauth2/token`).
    var needsOAuth: Bool { name == "hosted_ui_code" || name == "client_credentials" }

    static let signUp = Scenario(name: "signup", title: "SignUp + AdminConfirmSignUp", requests: 2, floor: "verifier", op: { w in
        let t = w.target
        let name = w.uniqueName("s")
        let r = try t.call(w.conn, "SignUp", [
            "ClientId": t.clientId, "Username": name, "Password": Target.password,
            "UserAttributes": [["Name": "email", "Value": "\(name)@example.com"]],
        ])
        guard r["UserConfirmed"] as? Bool == false, (r["UserSub"] as? String)?.isEmpty == false else { throw CheckFailure("SignUp reply \(r)") }
        try t.call(w.conn, "AdminConfirmSignUp", ["UserPoolId": t.poolId, "Username": name])
    }, refusal: { w in
        // The same username twice is refused.
        let t = w.target
        try t.refused(w.conn, "SignUp", ["ClientId": t.clientId, "Username": w.slotUser, "Password": Target.password], type: "UsernameExistsException")
    })

    static let adminCreateUser = Scenario(name: "admin_create_user", title: "AdminCreateUser", requests: 1, floor: "verifier", op: { w in
        let t = w.target
        let name = w.uniqueName("a")
        let r = try t.call(w.conn, "AdminCreateUser", [
            "UserPoolId": t.poolId, "Username": name, "TemporaryPassword": "Temp#Pass1", "MessageAction": "SUPPRESS",
            "UserAttributes": [["Name": "email", "Value": "\(name)@example.com"]],
        ])
        guard let user = r["User"] as? [String: Any], user["Username"] as? String == name, user["UserStatus"] as? String == "FORCE_CHANGE_PASSWORD" else {
            throw CheckFailure("AdminCreateUser reply \(r)")
        }
    }, refusal: { w in
        let t = w.target
        try t.refused(w.conn, "AdminCreateUser", ["UserPoolId": t.poolId, "Username": w.slotUser, "MessageAction": "SUPPRESS"], type: "UsernameExistsException")
    })

    static let passwordAuth = Scenario(name: "password_auth", title: "USER_PASSWORD_AUTH sign-in", requests: 1, floor: "password_auth", op: { w in
        let t = w.target
        let user = w.slotUser
        let r = try t.call(w.conn, "InitiateAuth", ["ClientId": t.clientId, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": ["USERNAME": user, "PASSWORD": Target.password]])
        _ = try w.checker.check(r, username: user, refresh: true)
    }, refusal: { w in
        let t = w.target
        try t.refused(w.conn, "InitiateAuth", ["ClientId": t.clientId, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": ["USERNAME": w.slotUser, "PASSWORD": Target.wrongPassword]], type: "NotAuthorizedException")
    })

    /// InitiateAuth(USER_SRP_AUTH) + RespondToAuthChallenge(PASSWORD_VERIFIER) with the real client math.
    static func srpSignIn(_ w: Worker, password: String) throws -> [String: Any] {
        let t = w.target
        let start = try t.call(w.conn, "InitiateAuth", [
            "ClientId": t.clientId, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": ["USERNAME": w.slotUser, "SRP_A": Hex.encode(w.srpBigA)],
        ])
        guard start["ChallengeName"] as? String == "PASSWORD_VERIFIER", let p = start["ChallengeParameters"] as? [String: String],
              let responses = SRPClient.responses(to: p, a: w.srpA, bigA: w.srpBigA, poolName: t.poolName, password: password)
        else { throw CheckFailure("SRP challenge \(start)") }
        var body: [String: Any] = ["ClientId": t.clientId, "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": responses]
        if let session = start["Session"] as? String { body["Session"] = session }
        let r = try w.conn.send(Requests.aws("RespondToAuthChallenge", body, port: t.port))
        var json = r.json
        json["__status"] = r.status
        return json
    }

    static let srpAuth = Scenario(name: "srp_auth", title: "USER_SRP_AUTH sign-in (initiate + respond)", requests: 2, floor: "srp_auth", op: { w in
        let r = try srpSignIn(w, password: Target.password)
        guard r["__status"] as? Int == 200 else { throw CheckFailure("RespondToAuthChallenge: \(r["__type"] ?? "") \(r["message"] ?? "")") }
        _ = try w.checker.check(r, username: w.slotUser, refresh: true)
    }, refusal: { w in
        let r = try srpSignIn(w, password: Target.wrongPassword)
        let type = (r["__type"] as? String).map { String($0.split(separator: "#").last ?? "") }
        if w.target.fakesSRP {
            if r["__status"] as? Int == 200 { w.target.noteOnce("moto accepted a wrong SRP password: it fakes SRP (random SALT and SRP_B, any signature accepted)") }
            return
        }
        guard r["__status"] as? Int == 400, type == "NotAuthorizedException" else { throw CheckFailure("a wrong SRP password was not refused: \(r)") }
    })

    static let refresh = Scenario(name: "refresh", title: "REFRESH_TOKEN_AUTH", requests: 1, floor: "refresh", op: { w in
        let t = w.target
        let r = try t.call(w.conn, "InitiateAuth", ["ClientId": t.clientId, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": ["REFRESH_TOKEN": t.refreshTokens[w.slot]]])
        _ = try w.checker.check(r, username: w.slotUser, refresh: false)
    }, refusal: { w in
        let t = w.target
        let forged = String(t.refreshTokens[w.slot].reversed())
        try t.refused(w.conn, "InitiateAuth", ["ClientId": t.clientId, "AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": ["REFRESH_TOKEN": forged]], type: "NotAuthorizedException")
    })

    static let getUser = Scenario(name: "get_user", title: "GetUser (access token)", requests: 1, floor: "get_user", op: { w in
        let t = w.target
        let r = try t.call(w.conn, "GetUser", ["AccessToken": t.accessTokens[w.slot]])
        guard r["Username"] as? String == w.slotUser, (r["UserAttributes"] as? [Any])?.isEmpty == false else { throw CheckFailure("GetUser reply \(r)") }
    }, refusal: { w in
        let t = w.target
        // The right header and claims with another signature.
        var parts = t.accessTokens[w.slot].split(separator: ".").map(String.init)
        parts[2] = String(parts[2].reversed())
        try t.refused(w.conn, "GetUser", ["AccessToken": parts.joined(separator: ".")], type: "NotAuthorizedException")
    })

    static let adminGetUser = Scenario(name: "admin_get_user", title: "AdminGetUser", requests: 1, floor: nil, op: { w in
        let t = w.target
        let user = w.randomUser()
        let r = try t.call(w.conn, "AdminGetUser", ["UserPoolId": t.poolId, "Username": user])
        guard r["Username"] as? String == user, r["UserStatus"] as? String == "CONFIRMED" else { throw CheckFailure("AdminGetUser reply \(r)") }
    }, refusal: { w in
        let t = w.target
        try t.refused(w.conn, "AdminGetUser", ["UserPoolId": t.poolId, "Username": "nobody-\(w.index)"], type: "UserNotFoundException")
    })

    /// Walks the pool 60 users a page, following PaginationToken, starting over at the end.
    static let listUsers = Scenario(name: "list_users", title: "ListUsers (60 a page)", requests: 1, floor: nil, op: { w in
        let t = w.target
        var body: [String: Any] = ["UserPoolId": t.poolId, "Limit": Worker.listLimit]
        if let cursor = w.listCursor { body["PaginationToken"] = cursor }
        let r = try t.call(w.conn, "ListUsers", body)
        guard let users = r["Users"] as? [[String: Any]] else { throw CheckFailure("ListUsers reply has no Users") }
        let next = r["PaginationToken"] as? String
        guard users.count == Worker.listLimit || (next == nil && !users.isEmpty), users.allSatisfy({ $0["Username"] is String }) else {
            throw CheckFailure("ListUsers page of \(users.count)")
        }
        w.listCursor = next
    }, refusal: { w in
        try w.target.refused(w.conn, "ListUsers", ["UserPoolId": "us-east-1_nosuchpool", "Limit": 60], type: "ResourceNotFoundException")
    })

    static let jwks = Scenario(name: "jwks", title: "JWKS (GET /{pool}/.well-known/jwks.json)", requests: 1, floor: nil, op: { w in
        let t = w.target
        let r = try w.conn.send(Requests.get("/\(t.poolId)/.well-known/jwks.json", port: t.port))
        guard r.status == 200, r.body == t.jwksBody else { throw CheckFailure("JWKS reply changed (HTTP \(r.status))") }
    }, refusal: nil)
}

extension Target {
    func noteOnce(_ note: String) {
        noteLock.lock()
        if !notes.contains(note) { notes.append(note) }
        noteLock.unlock()
    }
}

let noteLock = NSLock()

/// The client's side of a PASSWORD_VERIFIER challenge, with the real math (as pycognito does it).
enum SRPClient {
    /// The ChallengeResponses answering `challenge` for secret `a` (A = g^a); nil when the
    /// challenge lacks a parameter or holds malformed hex.
    static func responses(to challenge: [String: String], a: [UInt8], bigA: [UInt8], poolName: String, password: String) -> [String: String]? {
        guard let userId = challenge["USER_ID_FOR_SRP"], let block = challenge["SECRET_BLOCK"],
              let bigB = challenge["SRP_B"].flatMap(Hex.decode), let salt = challenge["SALT"].flatMap(Hex.decode)
        else { return nil }
        let u = SRPMath.u(clientPublic: bigA, serverPublic: bigB)
        let x = SRPMath.x(salt: salt, poolName: poolName, userId: userId, password: password)
        guard let s = try? SRPMath.clientPremasterSecret(a: a, serverPublic: bigB, x: x, u: u) else { return nil }
        let timestamp = CognitoTimestamp.format(Date())
        let signature = SRPMath.passwordClaimSignature(
            key: SRPMath.derivedKey(u: u, premasterSecret: s), poolName: poolName, userId: userId,
            secretBlock: Base64.decode(block) ?? Array(block.utf8), timestamp: timestamp)
        return [
            "USERNAME": challenge["USERNAME"] ?? userId, "PASSWORD_CLAIM_SECRET_BLOCK": block, "TIMESTAMP": timestamp,
            "PASSWORD_CLAIM_SIGNATURE": Base64.encode(signature),
        ]
    }
}
