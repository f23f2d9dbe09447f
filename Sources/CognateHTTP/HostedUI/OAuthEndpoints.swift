import CognateCore
import CognitoModel
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The machine-facing OAuth endpoints: /oauth2/token, /oauth2/userInfo and /oauth2/revoke.
/// They answer in JSON (RFC 6749 §5), never with a page.
struct OAuthEndpoints: Sendable {
    let cognate: Cognate
    let defaultRegion: String
    let maxBodySize: Int

    func register(on router: Router<CognateRequestContext>) {
        router.post("/oauth2/token") { r, c in await self.token(r, c) }
        router.get("/oauth2/userInfo") { r, c in await self.userInfo(r, c) }
        router.post("/oauth2/userInfo") { r, c in await self.userInfo(r, c) }
        router.post("/oauth2/revoke") { r, c in await self.revoke(r, c) }
        for path in ["/oauth2/token", "/oauth2/userInfo", "/oauth2/revoke"] {
            router.on(RouterPath(path), method: .options) { _, _ in
                Response(status: .noContent, headers: [
                    .accessControlAllowOrigin: "*", .accessControlAllowMethods: "GET, POST, OPTIONS",
                    .accessControlAllowHeaders: "authorization, content-type", .accessControlMaxAge: "86400",
                ])
            }
        }
    }

    /// The form body and the client's credentials (Basic, or client_id/client_secret in the form).
    struct ClientForm {
        var form: [String: String]
        var clientId: String?
        var clientSecret: String?
        var basic: Bool
    }

    func clientForm(_ request: Request) async throws -> ClientForm {
        var request = request
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw CognitoError.invalidParameter("The body must be application/x-www-form-urlencoded.")
        }
        let body = try await request.collectBody(limitedTo: maxBodySize)
        let form = FormEncoding.decode(String(buffer: body))
        func v(_ k: String) -> String? { form[k].flatMap { $0.isEmpty ? nil : $0 } }
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("basic ") {
            guard let decoded = Base64.decode(String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                  let text = String(bytes: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
            else { throw CognitoError.invalidClient }
            // RFC 6749 §2.3.1: the parts are form-encoded before they are joined.
            let id = FormEncoding.percentDecode(text[..<colon]), secret = FormEncoding.percentDecode(text[text.index(after: colon)...])
            if let bodyId = v("client_id"), bodyId != id { throw CognitoError.invalidClient }
            if v("client_secret") != nil { throw CognitoError.invalidParameter("Use one client authentication method, not two.") }
            return ClientForm(form: form, clientId: id, clientSecret: secret, basic: true)
        }
        return ClientForm(form: form, clientId: v("client_id"), clientSecret: v("client_secret"), basic: false)
    }

    func token(_ request: Request, _ context: CognateRequestContext) async -> Response {
        var basic = false
        do {
            let c = try await clientForm(request)
            basic = c.basic
            let result = try await cognate.token(TokenRequest(form: c.form, clientId: c.clientId, clientSecret: c.clientSecret))
            return OAuthError.json(result)
        } catch {
            return failure(error, basic: basic, context)
        }
    }

    func revoke(_ request: Request, _ context: CognateRequestContext) async -> Response {
        var basic = false
        do {
            let c = try await clientForm(request)
            basic = c.basic
            try await cognate.oauthRevoke(token: c.form["token"], clientId: c.clientId, clientSecret: c.clientSecret,
                                          CallContext(region: defaultRegion, requestId: cognate.deps.random.uuid()))
            return Response(status: .ok, headers: [.cacheControl: "no-store", .accessControlAllowOrigin: "*"])
        } catch let e as CognitoError where e.code == .unsupportedOperation {
            // Revocation switched off for the client (RevokeToken's UnsupportedOperationException).
            return OAuthError.response("invalid_request", description: e.message, status: .badRequest)
        } catch {
            return failure(error, basic: basic, context)
        }
    }

    func failure(_ error: any Error, basic: Bool, _ context: CognateRequestContext) -> Response {
        guard let e = error as? CognitoError else {
            context.logger.error("OAuth endpoint error", metadata: ["error": "\(String(reflecting: error))"])
            return OAuthError.response("server_error", description: nil, status: .internalServerError)
        }
        let (code, status) = OAuthError.tokenCode(e)
        // A client that authenticated with Basic is told how, as RFC 6749 §5.2 asks.
        let extra: HTTPFields = code == "invalid_client" && basic ? [.wwwAuthenticate: "Basic realm=\"cognate\""] : [:]
        return OAuthError.response(code, description: e.message, status: code == "invalid_client" && !basic ? .badRequest : status, extra: extra)
    }

    /// RFC 6750: the access token as a Bearer credential; errors in WWW-Authenticate.
    func userInfo(_ request: Request, _ context: CognateRequestContext) async -> Response {
        let header = request.headers[.authorization] ?? ""
        guard header.lowercased().hasPrefix("bearer "), case let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces), !token.isEmpty else {
            return OAuthError.response("invalid_request", description: "Bad OAuth2 request at UserInfo Endpoint", status: .badRequest, extra: [
                .wwwAuthenticate: #"error="invalid_request", error_description="Bad OAuth2 request at UserInfo Endpoint""#,
            ])
        }
        do {
            return OAuthError.json(try await cognate.userInfo(accessToken: token))
        } catch let e as CognitoError where e.code == .notAuthorized || e.code == .userNotFound {
            let description = "Access token is expired, disabled, or deleted, or the user has globally signed out."
            return OAuthError.response("invalid_token", description: description, status: .unauthorized, extra: [
                .wwwAuthenticate: "error=\"invalid_token\", error_description=\"\(description)\"",
            ])
        } catch {
            return failure(error, basic: false, context)
        }
    }
}
