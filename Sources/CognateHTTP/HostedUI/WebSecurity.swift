import CognateCore
import HTTPTypes
import Hummingbird

/// What every hosted page sends and checks: headers against framing, sniffing, caching and
/// leaking the URL; the session and CSRF cookies; the CSRF token of every form.
enum WebSecurity {
    static let sessionCookie = "cognito"
    static let csrfCookie = "XSRF-TOKEN"

    /// Styles are inline (ours and the branding's); nothing else may load but the logo, and
    /// no one may frame the page. form-action is left open on purpose: a form's redirect to the
    /// app's callback is subject to it.
    static let pageHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .init("X-Frame-Options")!: "DENY",
        .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'",
        .init("X-Content-Type-Options")!: "nosniff",
        .init("Referrer-Policy")!: "no-referrer",
        .cacheControl: "no-store",
    ]

    static func sessionCookie(_ value: String, secure: Bool) -> Cookie {
        Cookie(name: sessionCookie, value: value, maxAge: Int(Cognate.hostedSessionLifetime), path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    static func expiredSessionCookie(secure: Bool) -> Cookie {
        Cookie(name: sessionCookie, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    static func csrfCookie(_ value: String, secure: Bool) -> Cookie {
        Cookie(name: csrfCookie, value: value, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}
