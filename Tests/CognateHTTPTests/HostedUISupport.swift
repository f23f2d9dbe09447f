import CognateCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// A clock the test moves by hand.
final class ManualClock: TimeSource {
    private let t = Mutex<Date>(Date())
    func now() -> Date { t.withLock { $0 } }
    func advance(_ seconds: Double) { t.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A response from a page or an OAuth endpoint.
struct WebReply: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: String

    var location: String? { headers[.location] }
    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]) ?? [:] }
    var setCookies: [String] { headers[values: .setCookie] }

    /// The value of the first `<input name="NAME" … value="…">` on the page (HTML-unescaped).
    func input(_ name: String) -> String? {
        guard let r = body.range(of: "name=\"\(name)\"") else { return nil }
        let tagStart = body[..<r.lowerBound].lastIndex(of: "<") ?? r.lowerBound
        guard let tagEnd = body[r.upperBound...].firstIndex(of: ">") else { return nil }
        let tag = body[tagStart..<tagEnd]
        guard let v = tag.range(of: "value=\"") else { return nil }
        let rest = tag[v.upperBound...]
        guard let close = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<close]).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The form's action on the page, unescaped.
    var formAction: String? {
        guard let r = body.range(of: "<form method=\"post\" action=\"") else { return nil }
        let rest = body[r.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]).replacingOccurrences(of: "&amp;", with: "&") }
    }

    /// Query (or fragment) parameters of the Location header.
    var redirectParameters: [String: String] {
        guard let location, let url = URLComponents(string: location) else { return [:] }
        var items = url.queryItems ?? []
        if let fragment = url.fragment { items += URLComponents(string: "?" + fragment)?.queryItems ?? [] }
        return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
    }
}

/// A browser: keeps the cookies the server sets, sends a Host header, posts forms.
struct Browser {
    let client: TestServer.Client
    var host: String?
    var cookies: [String: String] = [:]

    init(_ client: TestServer.Client, host: String? = nil) {
        self.client = client
        self.host = host
    }

    mutating func get(_ uri: String, headers extra: HTTPFields = [:]) async throws -> WebReply {
        try await send(uri, method: .get, headers: extra, body: nil)
    }

    mutating func post(_ uri: String, _ form: [String: String], headers extra: HTTPFields = [:]) async throws -> WebReply {
        var headers = extra
        headers[.contentType] = "application/x-www-form-urlencoded"
        return try await send(uri, method: .post, headers: headers, body: formBody(form))
    }

    /// Posts the page's form back to its action, with its CSRF token and `fields`.
    mutating func submit(_ page: WebReply, _ fields: [String: String]) async throws -> WebReply {
        var form = fields
        if form["_csrf"] == nil { form["_csrf"] = page.input("_csrf") }
        for hidden in ["ticket", "session", "required"] where form[hidden] == nil { if let v = page.input(hidden) { form[hidden] = v } }
        if form["username"] == nil, let u = page.input("username") { form["username"] = u }
        return try await post(try #require(page.formAction), form)
    }

    mutating func send(_ uri: String, method: HTTPRequest.Method, headers extra: HTTPFields, body: ByteBuffer?) async throws -> WebReply {
        var headers = extra
        if let host { headers[.init("Host")!] = host }
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        let reply = try await client.client.execute(uri: uri, method: method, headers: headers, body: body) { r in
            WebReply(status: r.status, headers: r.headers, body: String(buffer: r.body))
        }
        for line in reply.setCookies {
            let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            if line.contains("Max-Age=0") || pair.count < 2 || pair[1].isEmpty { cookies.removeValue(forKey: pair[0]) } else { cookies[pair[0]] = pair[1] }
        }
        return reply
    }
}

func formBody(_ form: [String: String]) -> ByteBuffer {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    let text = form.map { "\($0.key.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
        .joined(separator: "&")
    return ByteBuffer(string: text)
}

func query(_ params: [String: String]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return params.sorted { $0.key < $1.key }
        .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
}

func basicAuth(_ id: String, _ secret: String) -> String {
    "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()
}

extension TestServer.Client {
    /// A pool with hosted-UI settings: nickname required, email auto-verified, and a code-flow
    /// client (secret by default) with callback and sign-out URLs.
    func oauthPool(pool extra: [String: Any] = [:], client clientExtra: [String: Any] = [:], secret: Bool = true) async throws -> OAuthApp {
        let poolReply = try await ok("CreateUserPool", [
            "PoolName": "photos", "AutoVerifiedAttributes": ["email"],
            "Schema": [["Name": "nickname", "AttributeDataType": "String", "Required": true, "Mutable": true]],
        ].merging(extra) { $1 })
        let poolId = (poolReply["UserPool"] as! [String: Any])["Id"] as! String
        let clientReply = try await ok("CreateUserPoolClient", [
            "UserPoolId": poolId, "ClientName": "photos-web", "GenerateSecret": secret,
            "AllowedOAuthFlowsUserPoolClient": true, "AllowedOAuthFlows": ["code", "implicit"],
            "AllowedOAuthScopes": ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
            "SupportedIdentityProviders": ["COGNITO"],
            "CallbackURLs": [OAuthApp.callback], "LogoutURLs": [OAuthApp.home],
        ].merging(clientExtra) { $1 })
        let c = clientReply["UserPoolClient"] as! [String: Any]
        return OAuthApp(pool: poolId, client: c["ClientId"] as! String, secret: c["ClientSecret"] as? String)
    }

    /// POST /oauth2/token with a form and (optionally) an Authorization header.
    func token(_ form: [String: String], authorization: String? = nil) async throws -> WebReply {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let authorization { headers[.authorization] = authorization }
        return try await client.execute(uri: "/oauth2/token", method: .post, headers: headers, body: formBody(form)) { r in
            WebReply(status: r.status, headers: r.headers, body: String(buffer: r.body))
        }
    }

    func userInfo(_ accessToken: String?) async throws -> WebReply {
        var headers: HTTPFields = [:]
        if let accessToken { headers[.authorization] = "Bearer " + accessToken }
        return try await client.execute(uri: "/oauth2/userInfo", method: .get, headers: headers) { r in
            WebReply(status: r.status, headers: r.headers, body: String(buffer: r.body))
        }
    }

    /// The newest code the outbox holds for a user.
    func latestCode(_ server: TestServer, pool: String) -> String? {
        server.outbox.list(poolId: pool, username: nil).last?.code
    }
}

/// The app side of the flow: ids and the URLs it registered.
struct OAuthApp: Sendable {
    static let callback = "http://localhost:5000/callback"
    static let home = "http://localhost:5000/"
    var pool: String
    var client: String
    var secret: String?

    func authorizeQuery(_ extra: [String: String] = [:]) -> String {
        query(["response_type": "code", "client_id": client, "redirect_uri": Self.callback, "state": "st-123"].merging(extra) { $1 })
    }

    var basic: String { basicAuth(client, secret ?? "") }
}

extension Browser {
    /// Signs in on the hosted page and returns the redirect back to the app.
    mutating func signIn(_ app: OAuthApp, username: String, password: String, extra: [String: String] = [:]) async throws -> WebReply {
        let page = try await get("/login?" + app.authorizeQuery(extra))
        // A live session goes straight back to the app.
        if page.status == .found { return page }
        #expect(page.status == .ok, "login page: \(page.status) \(page.body.prefix(300))")
        return try await submit(page, ["username": username, "password": password])
    }
}
