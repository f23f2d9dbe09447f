import CognateCore
import CognateCrypto
import Foundation

/// The hosted-UI authorization-code flow and client_credentials, for servers that have
/// `/oauth2/token`. Each code-flow operation is a fresh browser: GET /login (form and CSRF
/// cookie), POST the form (password check, redirect with a code), POST /oauth2/token.
extension Scenario {
    static let callback = "http://localhost/bench/callback"

    static let codeFlow = Scenario(name: "hosted_ui_code", title: "Hosted-UI code flow (login page + POST + token)", requests: 3, floor: "password_auth", op: { w in
        let (user, code) = try hostedSignIn(w, password: Target.password)
        guard let code else { throw CheckFailure("the hosted UI did not redirect with a code for \(user)") }
        let t = w.target
        let r = try w.conn.send(Requests.form("/oauth2/token", [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", callback),
        ], port: t.port, headers: [("Authorization", t.oauth.basicAuth)]))
        let json = r.json
        guard r.status == 200, let id = json["id_token"] as? String, let access = json["access_token"] as? String, json["refresh_token"] is String else {
            throw CheckFailure("token endpoint: HTTP \(r.status) \(json)")
        }
        _ = try w.checker.check(["AuthenticationResult": ["IdToken": id, "AccessToken": access]], username: user, refresh: false)
    }, refusal: { w in
        let (_, code) = try hostedSignIn(w, password: Target.wrongPassword)
        if code != nil { throw CheckFailure("the hosted UI accepted a wrong password") }
    })

    /// One sign-in through the hosted UI's form; the code from the redirect, or nil.
    static func hostedSignIn(_ w: Worker, password: String) throws -> (String, String?) {
        let t = w.target
        let user = w.slotUser
        let query = "response_type=code&client_id=\(t.oauth.codeClientId)&redirect_uri=\(Requests.formEscape(callback))&state=s\(w.index)&scope=openid+email"
        let page = try w.conn.send(Requests.get("/login?" + query, port: t.port, headers: [("Accept", "text/html")]))
        let html = String(decoding: page.body, as: UTF8.self)
        guard page.status == 200, let action = HTML.formAction(html), let csrf = HTML.inputValue(html, name: "_csrf") else {
            throw CheckFailure("login page: HTTP \(page.status)")
        }
        let cookies = HTML.cookies(page.headers["set-cookie"])
        let r = try w.conn.send(Requests.form(HTML.pathAndQuery(action), [("_csrf", csrf), ("username", user), ("password", password)],
                                              port: t.port, headers: [("Cookie", cookies)]))
        guard r.status == 302 || r.status == 303, let location = r.headers["location"] else {
            let text = String(decoding: r.body, as: UTF8.self)
            guard text.contains("Incorrect username or password") else { throw CheckFailure("login POST: HTTP \(r.status)") }
            return (user, nil)
        }
        guard location.hasPrefix(callback + "?"), let comps = URLComponents(string: location),
              comps.queryItems?.first(where: { $0.name == "state" })?.value == "s\(w.index)"
        else { throw CheckFailure("login redirected to \(location)") }
        return (user, comps.queryItems?.first(where: { $0.name == "code" })?.value)
    }

    static let clientCredentials = Scenario(name: "client_credentials", title: "client_credentials at /oauth2/token", requests: 1, floor: "client_credentials", op: { w in
        let t = w.target
        let r = try w.conn.send(Requests.form("/oauth2/token", [("grant_type", "client_credentials"), ("scope", "bench/read")],
                                              port: t.port, headers: [("Authorization", t.oauth.serviceBasicAuth)]))
        let json = r.json
        guard r.status == 200, let access = json["access_token"] as? String, let jwt = JWT.parse(access), let key = t.jwks[jwt.kid],
              w.checker.signing.verify(jwt.signature, message: jwt.signingInput, key: key),
              jwt.claims["token_use"]?.stringValue == "access", jwt.claims["client_id"]?.stringValue == t.oauth.serviceClientId,
              jwt.claims["scope"]?.stringValue == "bench/read", (jwt.claims["exp"]?.intValue ?? 0) > Int(Date().timeIntervalSince1970)
        else { throw CheckFailure("client_credentials: HTTP \(r.status) \(json.keys.sorted())") }
    }, refusal: { w in
        let t = w.target
        let wrong = "Basic " + Base64.encode(Array("\(t.oauth.serviceClientId):not-the-secret".utf8))
        let r = try w.conn.send(Requests.form("/oauth2/token", [("grant_type", "client_credentials"), ("scope", "bench/read")],
                                              port: t.port, headers: [("Authorization", wrong)]))
        guard r.status == 400 || r.status == 401, r.json["error"] as? String == "invalid_client" else {
            throw CheckFailure("a wrong client secret was not refused: HTTP \(r.status)")
        }
    })
}

/// The OAuth clients the setup makes when the server has the OAuth endpoints.
struct OAuthSetup: Sendable {
    var codeClientId = ""
    var codeClientSecret = ""
    var serviceClientId = ""
    var serviceClientSecret = ""
    var basicAuth: String { "Basic " + Base64.encode(Array("\(codeClientId):\(codeClientSecret)".utf8)) }
    var serviceBasicAuth: String { "Basic " + Base64.encode(Array("\(serviceClientId):\(serviceClientSecret)".utf8)) }
}

/// Just enough HTML reading for the hosted UI's own forms.
enum HTML {
    static func attribute(_ tag: Substring, _ name: String) -> String? {
        guard let r = tag.range(of: " \(name)=\"") else { return nil }
        let rest = tag[r.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return unescape(String(rest[..<end]))
    }

    static func formAction(_ html: String) -> String? {
        guard let r = html.range(of: "<form method=\"post\"") else { return nil }
        let tag = html[r.lowerBound...].prefix { $0 != ">" }
        return attribute(tag, "action")
    }

    static func inputValue(_ html: String, name: String) -> String? {
        guard let r = html.range(of: "name=\"\(name)\"") else { return nil }
        let start = html[..<r.lowerBound].range(of: "<input", options: .backwards)?.lowerBound ?? r.lowerBound
        let tag = html[start...].prefix { $0 != ">" }
        return attribute(tag, "value")
    }

    static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
    }

    /// "name=value; name=value" from Set-Cookie lines.
    static func cookies(_ setCookie: String?) -> String {
        (setCookie ?? "").split(separator: "\n").map { $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces) }.joined(separator: "; ")
    }

    static func pathAndQuery(_ url: String) -> String {
        guard let c = URLComponents(string: url), c.host != nil else { return url }
        return c.percentEncodedPath + (c.percentEncodedQuery.map { "?" + $0 } ?? "")
    }
}
