import CognateCore
import CognateHTTP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// An in-process Cognate on a private database, driven through the router with no sockets.
struct TestServer: Sendable {
    let responder: RouterResponder<CognateRequestContext>
    let outbox: DevOutbox
    /// The server's use cases, for what no request can ask (a sign-in event's feedback token,
    /// `cognate keys`).
    let cognate: Cognate

    /// `database` defaults to a private in-memory SQLite; pass a file path to share one between servers.
    /// `triggers` replaces the webhooks (`ScriptedTriggers`); `clock` replaces the system clock (for
    /// expiry tests); `publicURL` sets the server's public base.
    static func make(
        triggers: (any Triggers)? = nil, database: String = ":memory:", dataDirectory: String? = nil, clock: (any TimeSource)? = nil, publicURL: String = "http://cognate.test",
        uiTemplates: String? = nil, accessCredential: AccessCredential? = nil,
        signing wrap: (@Sendable (any TokenSigning) -> any TokenSigning)? = nil,
        srp wrapSRP: (@Sendable (any SRPEngine) -> any SRPEngine)? = nil,
        compute wrapCompute: (@Sendable (any ComputeExecutor) -> any ComputeExecutor)? = nil, srpEphemeralBatch: Int? = nil
    ) async throws -> TestServer {
        var config = ServerConfiguration()
        config.databaseURL = database
        config.masterKey = String(repeating: "ab", count: 32)
        config.dataDirectory = dataDirectory ?? NSTemporaryDirectory()
        config.publicURL = publicURL
        config.dev = true
        config.uiTemplatesDirectory = uiTemplates
        config.accessCredential = accessCredential
        let logger = Logger(label: "test")
        let outbox = DevOutbox()
        var deps = try await Bootstrap.open(config, logger: logger).dependencies(delivery: LogDelivery(logger: logger, outbox: outbox), triggers: triggers)
        if let clock { deps.time = clock }
        if let wrap { deps.signing = wrap(deps.signing) }
        if let wrapSRP { deps.srp = wrapSRP(deps.srp) }
        if let wrapCompute { deps.compute = wrapCompute(deps.compute) }
        if let srpEphemeralBatch { deps.config.srpEphemeralBatch = srpEphemeralBatch }
        let cognate = Cognate(deps)
        return TestServer(responder: try buildRouter(cognate, config: config, outbox: outbox).buildResponder(), outbox: outbox, cognate: cognate)
    }

    func run<T: Sendable>(_ body: @escaping @Sendable (Client) async throws -> T) async throws -> T {
        let app = Application(responder: responder)
        return try await app.test(.router) { client in try await body(Client(client: client)) }
    }

    struct Client: Sendable {
        let client: any TestClientProtocol

        struct Reply: @unchecked Sendable {
            var status: HTTPResponse.Status
            var headers: HTTPFields
            var json: [String: Any]
            var errorType: String? { json["__type"] as? String }
            var message: String? { json["message"] as? String }
            subscript(_ key: String) -> Any? { json[key] }
        }

        /// One AWS JSON call, as boto3 would send it.
        func call(_ operation: String, _ body: [String: Any], contentType: String = "application/x-amz-json-1.1", userAgent: String? = nil) async throws -> Reply {
            let data = try JSONSerialization.data(withJSONObject: body)
            return try await raw(operation, body: ByteBuffer(bytes: data), contentType: contentType, userAgent: userAgent)
        }

        func raw(_ operation: String?, body: ByteBuffer, contentType: String = "application/x-amz-json-1.1", userAgent: String? = nil) async throws -> Reply {
            var headers: HTTPFields = [.contentType: contentType]
            if let userAgent { headers[.userAgent] = userAgent }
            if let operation { headers[.init("X-Amz-Target")!] = "AWSCognitoIdentityProviderService." + operation }
            headers[.authorization] = "AWS4-HMAC-SHA256 Credential=AKID/20261121/eu-west-2/cognito-idp/aws4_request, SignedHeaders=host, Signature=00"
            return try await client.execute(uri: "/", method: .post, headers: headers, body: body) { r in
                let json = (try? JSONSerialization.jsonObject(with: Data(r.body.readableBytesView))) as? [String: Any] ?? [:]
                return Reply(status: r.status, headers: r.headers, json: json)
            }
        }

        func get(_ uri: String) async throws -> Reply {
            try await client.execute(uri: uri, method: .get) { r in
                let json = (try? JSONSerialization.jsonObject(with: Data(r.body.readableBytesView))) as? [String: Any] ?? [:]
                return Reply(status: r.status, headers: r.headers, json: json)
            }
        }

        /// A call that must succeed.
        func ok(_ operation: String, _ body: [String: Any]) async throws -> [String: Any] {
            let r = try await call(operation, body)
            #expect(r.status == .ok, "\(operation): \(r.errorType ?? "") \(r.message ?? "")")
            return r.json
        }

        /// USER_PASSWORD_AUTH, as an app sends it.
        func passwordSignIn(_ client: String, _ name: String, _ password: String = "Passw0rd!") async throws -> Reply {
            try await call("InitiateAuth", ["ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": ["USERNAME": name, "PASSWORD": password]])
        }

        /// The access token of a password sign-in that must succeed.
        func accessToken(_ client: String, _ name: String, _ password: String = "Passw0rd!") async throws -> String {
            let r = try await passwordSignIn(client, name, password)
            #expect(r.status == .ok, "sign-in: \(r.errorType ?? "") \(r.message ?? "")")
            return try #require((r["AuthenticationResult"] as? [String: Any])?["AccessToken"] as? String)
        }

        /// A pool with a client that allows password, SRP and refresh sign-in.
        func poolAndClient(pool extra: [String: Any] = [:], client clientExtra: [String: Any] = [:]) async throws -> (pool: String, client: String, secret: String?) {
            let pool = try await ok("CreateUserPool", ["PoolName": "p"].merging(extra) { $1 })
            let poolId = (pool["UserPool"] as! [String: Any])["Id"] as! String
            let client = try await ok("CreateUserPoolClient", [
                "UserPoolId": poolId, "ClientName": "c",
                "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            ].merging(clientExtra) { $1 })
            let c = client["UserPoolClient"] as! [String: Any]
            return (poolId, c["ClientId"] as! String, c["ClientSecret"] as? String)
        }

        /// A confirmed user with a permanent password.
        func user(_ pool: String, _ name: String, password: String = "Passw0rd!", attributes: [[String: String]] = []) async throws {
            _ = try await ok("AdminCreateUser", ["UserPoolId": pool, "Username": name, "MessageAction": "SUPPRESS", "UserAttributes": attributes])
            _ = try await ok("AdminSetUserPassword", ["UserPoolId": pool, "Username": name, "Password": password, "Permanent": true])
        }
    }
}

func decodeJWT(_ token: String) -> [String: Any] {
    let part = token.split(separator: ".")[1]
    var s = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while s.count % 4 != 0 { s += "=" }
    return (try? JSONSerialization.jsonObject(with: Data(base64Encoded: s)!)) as? [String: Any] ?? [:]
}
