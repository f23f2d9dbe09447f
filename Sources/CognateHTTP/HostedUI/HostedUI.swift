import CognateCore
import CognitoModel
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The hosted pages (contract §6): /oauth2/authorize, /login, /signup, /confirmUser,
/// /forgotPassword, /confirmForgotPassword, /logout, /error. They are served at the public URL
/// (the client_id picks the pool) and on each pool domain's host (which must then own the client).
///
/// A request passes one pipeline: read the query, form and cookies → check the client and its
/// redirect URI (a failure is a page, never a redirect) → check the rest of the OAuth request (a
/// failure goes back to the app as `?error=`) → check the form's CSRF token → the use case →
/// a page or a redirect. The use cases are in the core (`Cognate+HostedUI`, `Cognate+OAuth`).
struct HostedUI: Sendable {
    let cognate: Cognate
    let pages: PageRenderer
    let csrfKey: [UInt8]
    /// The public URL is https: cookies are Secure whatever the hop to this server was.
    let secureCookies: Bool
    let defaultRegion: String
    let maxBodySize: Int

    /// The query parameters one hosted page hands on to the next.
    static let flowParameters = [
        "response_type", "client_id", "redirect_uri", "state", "scope", "nonce", "code_challenge", "code_challenge_method",
        "identity_provider", "idp_identifier", "prompt",
    ]

    init(cognate: Cognate, config: ServerConfiguration) throws {
        self.cognate = cognate
        pages = try PageRenderer(directory: config.uiTemplatesDirectory)
        csrfKey = cognate.deps.digests.hmacSHA256(key: cognate.deps.codeHashKey, data: Array("hosted-ui csrf".utf8))
        secureCookies = config.resolvedPublicURL.lowercased().hasPrefix("https:")
        defaultRegion = config.defaultRegion
        maxBodySize = config.maxBodySize
    }

    func register(on router: Router<CognateRequestContext>) {
        router.get("/oauth2/authorize") { r, c in await self.run(r, c, self.authorize) }
        router.get("/login") { r, c in await self.run(r, c, self.loginPage) }
        router.post("/login") { r, c in await self.run(r, c, self.login) }
        router.post("/changePassword") { r, c in await self.run(r, c, self.changePassword) }
        router.post("/mfa") { r, c in await self.run(r, c, self.secondFactor) }
        router.get("/signup") { r, c in await self.run(r, c, self.signUpPage) }
        router.post("/signup") { r, c in await self.run(r, c, self.signUp) }
        router.get("/confirmUser") { r, c in await self.run(r, c, self.confirmPage) }
        router.post("/confirmUser") { r, c in await self.run(r, c, self.confirm) }
        router.get("/forgotPassword") { r, c in await self.run(r, c, self.forgotPasswordPage) }
        router.post("/forgotPassword") { r, c in await self.run(r, c, self.forgotPassword) }
        router.get("/confirmForgotPassword") { r, c in await self.run(r, c, self.resetPasswordPage) }
        router.post("/confirmForgotPassword") { r, c in await self.run(r, c, self.resetPassword) }
        router.get("/logout") { r, c in await self.run(r, c, self.logout) }
        router.get("/error") { r, c in await self.run(r, c, self.errorPage) }
        router.get("/logo/:poolId/:clientKey") { _, c in try await self.logo(c) }
    }

    // MARK: - Pipeline

    /// One request's inputs, and the cookies its answer must set.
    struct Visit: Sendable {
        var query: [String: String]
        var form: [String: String]
        var cookies: Cookies
        var hostPoolId: String?
        var ctx: CallContext
        /// Served over https (the public URL, or a TLS proxy's X-Forwarded-Proto): cookies get Secure.
        var https = false
        var setCookies: [Cookie] = []

        func field(_ name: String) -> String { (form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// A response decided before the handler finished (an error page, a redirect with an error).
    struct Early: Error { let response: Response }

    func run(_ request: Request, _ context: CognateRequestContext, _ handler: (inout Visit) async throws -> Response) async -> Response {
        var request = request
        let ctx = CallContext(region: defaultRegion, requestId: cognate.deps.random.uuid(), sourceIP: context.sourceIP, userAgent: request.headers[.userAgent])
        var visit = Visit(query: FormEncoding.decode(request.uri.query ?? ""), form: [:], cookies: request.cookies, hostPoolId: nil, ctx: ctx)
        visit.https = secureCookies || request.headers[.init("X-Forwarded-Proto")!]?.lowercased() == "https"
        do {
            let host = request.headers[.init("Host")!] ?? request.head.authority ?? ""
            visit.hostPoolId = try await cognate.poolId(forHost: host)
            if request.method == .post {
                let type = request.headers[.contentType]?.lowercased() ?? ""
                guard type.hasPrefix("application/x-www-form-urlencoded") else {
                    throw CognitoError.invalidParameter("Forms must be sent as application/x-www-form-urlencoded.")
                }
                let body = try await request.collectBody(limitedTo: maxBodySize)
                visit.form = FormEncoding.decode(String(buffer: body))
            }
            return try await handler(&visit)
        } catch let early as Early {
            return early.response
        } catch let error as CognitoError {
            return await errorResponse(error, visit: visit, pool: nil, client: nil)
        } catch {
            context.logger.error("hosted UI error", metadata: ["requestId": "\(ctx.requestId)", "error": "\(String(reflecting: error))"])
            return await errorResponse(CognitoError(.internalError, "Something went wrong on our side. Please try again."), visit: visit, pool: nil, client: nil)
        }
    }

    /// An OAuth request whose client and redirect URI were checked: from here on, refusals go back to the app.
    struct Flow: Sendable {
        var auth: Authorization
        /// The flow's parameters, encoded for the links and forms of the next pages.
        var query: String
        var client: AppClient { auth.client }
        var pool: UserPool { auth.pool }
        func url(_ path: String) -> String { path + "?" + query }
    }

    func flow(_ v: Visit) async throws -> Flow {
        let r = AuthorizeRequest(v.query)
        let (client, pool, uri): (AppClient, UserPool, String)
        do {
            (client, pool, uri) = try await cognate.checkRedirect(r, hostPoolId: v.hostPoolId)
        } catch let e as CognitoError {
            let known = try? await cognate.hostedClient(clientId: r.clientId, hostPoolId: v.hostPoolId)
            throw Early(response: await errorResponse(e, visit: v, pool: known?.1, client: known?.0))
        }
        do {
            let auth = try cognate.authorization(r, client: client, pool: pool, redirectURI: uri)
            let query = FormEncoding.encode(Self.flowParameters.compactMap { k in v.query[k].map { (k, $0) } })
            return Flow(auth: auth, query: query)
        } catch let e as CognitoError {
            throw Early(response: oauthErrorRedirect(uri, error: OAuthError.authorizeCode(e), description: e.message, state: r.state, fragment: r.responseType == "token"))
        }
    }

    /// Every form carries `_csrf`: an HMAC of the browser's XSRF-TOKEN cookie.
    func csrfToken(_ v: inout Visit) -> String {
        if let value = v.cookies[WebSecurity.csrfCookie]?.value, value.count >= 32 { return csrfToken(for: value) }
        if let set = v.setCookies.first(where: { $0.name == WebSecurity.csrfCookie }) { return csrfToken(for: set.value) }
        let value = Base64.urlEncode(cognate.deps.random.bytes(count: 32))
        v.setCookies.append(WebSecurity.csrfCookie(value, secure: v.https))
        return csrfToken(for: value)
    }

    func csrfToken(for cookie: String) -> String {
        Base64.urlEncode(cognate.deps.digests.hmacSHA256(key: csrfKey, data: Array(cookie.utf8)))
    }

    func requireCSRF(_ v: Visit, flow: Flow) async throws {
        guard let cookie = v.cookies[WebSecurity.csrfCookie]?.value, cookie.count >= 32,
              constantTimeEquals(Array(v.field("_csrf").utf8), Array(csrfToken(for: cookie).utf8))
        else {
            let page = ErrorPage(
                brand: await brand(flow.pool, flow.client), heading: "This form has expired",
                text: "For your security the form could not be accepted. Please go back to the start and try again.",
                code: "invalid_csrf_token", linkURL: flow.url("/login"), linkText: "Start again"
            )
            throw Early(response: respond(page, status: .forbidden, v))
        }
    }

    // MARK: - Responses

    func respond<P: HostedPage>(_ page: P, status: HTTPResponse.Status = .ok, _ v: Visit) -> Response {
        var response = Response(status: status, headers: WebSecurity.pageHeaders, body: .init(byteBuffer: ByteBuffer(string: pages.render(page))))
        for c in v.setCookies { response.setCookie(c) }
        return response
    }

    func redirect(_ location: String, _ v: Visit) -> Response {
        var headers = WebSecurity.pageHeaders
        headers[.location] = location
        var response = Response(status: .found, headers: headers)
        for c in v.setCookies { response.setCookie(c) }
        return response
    }

    func redirect(_ r: AuthorizationResponse, _ v: Visit) -> Response {
        redirect(FormEncoding.url(r.redirectURI, adding: r.parameters.map { ($0.name, $0.value) }, inFragment: r.inFragment), v)
    }

    func oauthErrorRedirect(_ uri: String, error: String, description: String?, state: String?, fragment: Bool) -> Response {
        var params = [("error", error)]
        if let description { params.append(("error_description", description)) }
        if let state { params.append(("state", state)) }
        var headers = WebSecurity.pageHeaders
        headers[.location] = FormEncoding.url(uri, adding: params, inFragment: fragment)
        return Response(status: .found, headers: headers)
    }

    func brand(_ pool: UserPool?, _ client: AppClient?) async -> Brand {
        guard let pool else { return Brand(poolName: "Sign in") }
        var b = Brand(poolName: pool.name)
        if let custom = try? await cognate.branding(poolId: pool.id, clientId: client?.id ?? UICustomization.allClients) {
            b.customCSS = custom.css
            if custom.image != nil { b.logoURL = "/logo/\(custom.poolId)/\(custom.clientId)?v=\(custom.version)" }
        }
        return b
    }

    func errorResponse(_ e: CognitoError, visit: Visit, pool: UserPool?, client: AppClient?) async -> Response {
        let (heading, status): (String, HTTPResponse.Status) = switch e.code {
        case .resourceNotFound: ("We could not find this app", .notFound)
        case .internalError: ("Something went wrong", .internalServerError)
        default: ("We could not complete your request", .badRequest)
        }
        let code: String? = e == .redirectMismatch ? "redirect_mismatch" : e == .logoutMismatch ? "logout_mismatch" : nil
        return respond(ErrorPage(brand: await brand(pool, client), heading: heading, text: e.message, code: code), status: status, visit)
    }

    /// Signed in: a session cookie (replacing any earlier session) and back to the app.
    func signedIn(_ user: User, _ flow: Flow, _ v: inout Visit) async throws -> Response {
        if let old = v.cookies[WebSecurity.sessionCookie]?.value, !old.isEmpty { try? await cognate.endHostedSession(old) }
        let (session, response) = try await cognate.finishHostedSignIn(flow.auth, user: user)
        v.setCookies.append(WebSecurity.sessionCookie(session, secure: v.https))
        return redirect(response, v)
    }

    func liveSession(_ v: Visit, pool: UserPool) async throws -> (user: User, authTime: Double)? {
        guard let cookie = v.cookies[WebSecurity.sessionCookie]?.value, !cookie.isEmpty else { return nil }
        return try await cognate.hostedSessionUser(cookie, pool: pool)
    }

    /// A live session goes straight back to the app (unless prompt=login); prompt=none without one gets login_required.
    func resume(_ flow: Flow, _ v: Visit) async throws -> Response? {
        if !flow.auth.forceLogin, let s = try await liveSession(v, pool: flow.pool) {
            return redirect(try await cognate.completeAuthorization(flow.auth, user: s.user, authTime: s.authTime), v)
        }
        if flow.auth.silent {
            return oauthErrorRedirect(flow.auth.redirectURI, error: "login_required", description: nil, state: flow.auth.state, fragment: flow.auth.implicit)
        }
        return nil
    }

    // MARK: - Sign-in

    func authorize(_ v: inout Visit) async throws -> Response {
        let flow = try await flow(v)
        if let done = try await resume(flow, v) { return done }
        return redirect(flow.url("/login"), v)
    }

    func loginPage(_ v: inout Visit) async throws -> Response {
        let flow = try await flow(v)
        if let done = try await resume(flow, v) { return done }
        return respond(await loginForm(flow, &v), v)
    }

    func loginForm(_ flow: Flow, _ v: inout Visit, username: String = "", error: String? = nil, notice: String? = nil) async -> LoginPage {
        let label = Self.usernameLabel(flow.pool)
        let signUpAllowed = flow.pool.type.adminCreateUserConfig?.allowAdminCreateUserOnly != true
        return LoginPage(
            brand: await brand(flow.pool, flow.client), action: flow.url("/login"), csrf: csrfToken(&v), username: username,
            hasUsername: !username.isEmpty, usernameLabel: label.text, usernameType: label.type, error: error, notice: notice,
            forgotURL: flow.url("/forgotPassword"), signupURL: signUpAllowed ? flow.url("/signup") : nil
        )
    }

    func login(_ v: inout Visit) async throws -> Response {
        let flow = try await flow(v)
        try await requireCSRF(v, flow: flow)
        let username = v.field("username"), password = v.form["password"] ?? ""
        do {
            return try await outcome(try await cognate.hostedSignIn(username: username, password: password, client: flow.client, pool: flow.pool, v.ctx), flow, &v)
        } catch let e as CognitoError where e.code == .userNotConfirmed {
            let delivery = try? await cognate.hostedResendCode(username: username, client: flow.client, v.ctx)
            return respond(await confirmForm(
                flow, &v, username: username, ticket: nil, destination: delivery?.destination,
                notice: "Your account is not confirmed yet. Enter the code we sent you to confirm it."
            ), v)
        } catch let e as CognitoError where e.code == .passwordResetRequired {
            let delivery = try? await cognate.hostedForgotPassword(username: username, client: flow.client, v.ctx)
            return respond(await resetForm(flow, &v, username: username, destination: delivery?.destination, notice: "You need to set a new password before you sign in."), v)
        } catch let e as CognitoError {
            return respond(await loginForm(flow, &v, username: username, error: e.message), status: .badRequest, v)
        }
    }

    func changePassword(_ v: inout Visit) async throws -> Response {
        let flow = try await flow(v)
        try await requireCSRF(v, flow: flow)
        let required = (v.form["required"] ?? "").split(separator: ",").map(String.init)
        var attributes: [String: String] = [:]
        for name in required { attributes[name] = v.field(name) }
        let session = v.form["session"] ?? "", username = v.field("username")
        do {
            let password = v.form["password"] ?? ""
            guard password == (v.form["confirm_password"] ?? "") else { throw CognitoError.invalidParameter("The passwords do not match.") }
            let next = try await cognate.hostedNewPassword(
                session: session, username: username, newPassword: password, attributes: attributes, client: flow.client, pool: flow.pool
            )
            return try await outcome(next, flow, &v)
        } catch let e as CognitoError where e == .sessionExpired {
            return respond(await loginForm(flow, &v, error: "Your session has expired. Please sign in again."), status: .badRequest, v)
        } catch let e as CognitoError {
            let page = NewPasswordPage(
                brand: await brand(flow.pool, flow.client), action: flow.url("/changePassword"), csrf: csrfToken(&v), session: session,
                username: username, required: required.joined(separator: ","), fields: newPasswordFields(flow.pool, required: required, values: attributes),
                error: e.message
            )
            return respond(page, status: .badRequest, v)
        }
    }

    /// Where a sign-in step leads: back to the app, the new-password page, or an MFA page.
    func outcome(_ result: HostedSignIn, _ flow: Flow, _ v: inout Visit) async throws -> Response {
        switch result {
        case .signedIn(let user):
            return try await signedIn(user, flow, &v)
        case .newPasswordRequired(let session, let name, let required):
            let page = NewPasswordPage(
                brand: await brand(flow.pool, flow.client), action: flow.url("/changePassword"), csrf: csrfToken(&v), session: session,
                username: name, required: required.joined(separator: ","), fields: newPasswordFields(flow.pool, required: required, values: [:])
            )
            return respond(page, v)
        case .challenge(let challenge):
            return try await challengePage(challenge, flow, &v)
        }
    }

    // MARK: - Second factor

    func challengePage(_ c: HostedChallenge, _ flow: Flow, _ v: inout Visit, error: String? = nil, setup: HostedTokenSetup? = nil) async throws -> Response {
        let brand = await brand(flow.pool, flow.client), csrf = csrfToken(&v), action = flow.url("/mfa"), login = flow.url("/login")
        switch c.name {
        case "SELECT_MFA_TYPE":
            let names: [String: String] = ["SMS_MFA": "Text message (SMS)", "SOFTWARE_TOKEN_MFA": "Authenticator app", "EMAIL_OTP": "Email"]
            let choices = (try? JSONDecoder().decode([String].self, from: Data((c.parameters["MFAS_CAN_CHOOSE"] ?? "[]").utf8))) ?? []
            let options = choices.enumerated().map { MFASelectPage.Option(value: $1, label: names[$1] ?? $1, checked: $0 == 0) }
            return respond(MFASelectPage(brand: brand, action: action, csrf: csrf, session: c.session, username: c.username,
                                         choices: c.parameters["MFAS_CAN_CHOOSE"] ?? "[]", options: options, error: error, loginURL: login),
                           status: error == nil ? .ok : .badRequest, v)
        case "MFA_SETUP":
            let s: HostedTokenSetup
            if let setup { s = setup } else { s = try await cognate.hostedSetUpSoftwareToken(c, pool: flow.pool) }
            let groups = stride(from: 0, to: s.secret.count, by: 4).map { i in
                String(s.secret.dropFirst(i).prefix(4))
            }.joined(separator: " ")
            let svg = (try? QRCode(s.uri).svg(label: "QR code of the authenticator key")) ?? ""
            let page = MFASetupPage(
                brand: brand, action: action, csrf: csrf, session: s.session, username: c.username, secret: s.secret, secretGroups: groups,
                uri: s.uri, qrSVG: svg, error: error, loginURL: login
            )
            return respond(page, status: error == nil ? .ok : .badRequest, v)
        default:
            let (heading, text, length): (String, String, Int)
            switch c.name {
            case "SOFTWARE_TOKEN_MFA":
                let app = c.parameters["FRIENDLY_DEVICE_NAME"].map { " (\($0))" } ?? ""
                (heading, text, length) = ("Enter your code", "Enter the six-digit code your authenticator app\(app) shows.", 6)
            case "EMAIL_OTP":
                (heading, text, length) = ("Check your email", "We sent a code to \(c.parameters["CODE_DELIVERY_DESTINATION"] ?? "your email address").", 8)
            default:
                (heading, text, length) = ("Check your phone", "We sent a code by text message to \(c.parameters["CODE_DELIVERY_DESTINATION"] ?? "your phone").", 6)
            }
            let page = MFACodePage(
                brand: brand, action: action, csrf: csrf, challenge: c.name, session: c.session, username: c.username,
                heading: heading, text: text, codeLength: length, error: error, loginURL: login
            )
            return respond(page, status: error == nil ? .ok : .badRequest, v)
        }
    }

    /// The MFA pages' form: a code, a choice of factor, or the first code of a new software token.
    func secondFactor(_ v: inout Visit) async throws -> Response {
        let flow = try await flow(v)
        try await requireCSRF(v, flow: flow)
        let challenge = HostedChallenge(name: v.field("challenge"), session: v.form["session"] ?? "", username: v.field("username"), parameters: [:])
        let answer = challenge.name == "SELECT_MFA_TYPE" ? v.field("answer") : v.field("code")
        do {
            return try await outcome(try await cognate.hostedAnswerChallenge(challenge, answer: answer, client: flow.client, pool: flow.pool), flow, &v)
        } catch let e as CognitoError where e.code == .notAuthorized && e != .passwordAttemptsExceeded {
            return respond(await loginForm(flow, &v, error: "Your session has expired. Please sign in again."), status: .badRequest, v)
        } catch let e as CognitoError where [.codeMismatch, .expiredCode, .enableSoftwareTokenMFA, .invalidParameter].contains(e.code) {
            // The same page again, with the same session (a wrong code does not spend it).
            var shown = challenge
            if challenge.name == "MFA_SETUP" {
                let secret = v.field("secret")
                let setup = HostedTokenSetup(secret: secret, session: challenge.session, uri: try await cognate.hostedTokenURI(secret: secret, username: challenge.username, pool: flow.pool))
                return try await challengePage(shown, flow, &v, error: Self.mfaMessage(e), setup: setup)
            }
            if challenge.name == "SELECT_MFA_TYPE" { shown.parameters = ["MFAS_CAN_CHOOSE": v.form["choices"] ?? "[]"] }
            return try await challengePage(shown, flow, &v, error: Self.mfaMessage(e))
        } catch let e as CognitoError {
            return respond(await loginForm(flow, &v, error: e.message), status: .badRequest, v)
        }
    }

    static func mfaMessage(_ e: CognitoError) -> String {
        switch e.code {
        case .codeMismatch, .enableSoftwareTokenMFA: "That code is not right. Please try again."
        case .expiredCode: "That code was used already. Wait for the next one and try again."
        default: e.message
        }
    }

    // MARK: - Sign-up and confirmation

    func signUpPage(_ v: inout Visit) async throws -> Response {
        let flow = try await flow(v)
        try requireSignUpAllowed(flow)
        return respond(await signUpForm(flow, &v, values: [:]), v)
    }

    func requireSignUpAllowed(_ flow: Flow) throws {
        if flow.pool.type.adminCreateUserConfig?.allowAdminCreateUserOnly == true {
            throw CognitoError(.notAuthorized, "SignUp is not permitted for this user pool")
        }
    }

    func signUpForm(_ flow: Flow, _ v: inout Visit, values: [String: String], error: String? = nil) async -> SignUpPage {
        let label = Self.usernameLabel(flow.pool)
        var fields = [
            FormField(id: "username", name: "username", label: label.text, type: label.type, value: values["username"] ?? "", required: true,
                      autocomplete: label.type == "email" ? "email" : "username"),
        ]
        fields += cognate.signUpAttributes(flow.pool).map { attributeField($0, flow.pool, value: values[$0] ?? "", required: true) }
        fields.append(FormField(id: "password", name: "password", label: "Password", type: "password", value: "", required: true,
                                autocomplete: "new-password", hint: Self.passwordHint(flow.pool)))
        return SignUpPage(brand: await brand(flow.pool, flow.client), action: flow.url("/signup"), csrf: csrfToken(&v), fields: fields, error: error, loginURL: flow.url("/login"))
    }

    func signUp(_ v: inout Visit) async throws -> Response {
        let flow = try await flow(v)
        try await requireCSRF(v, flow: flow)
        try requireSignUpAllowed(flow)
        let username = v.field("username")
        var attributes: [String: String] = [:]
        for name in cognate.signUpAttributes(flow.pool) { attributes[name] = v.field(name) }
        do {
            let s = try await cognate.hostedSignUp(
                username: username, password: v.form["password"] ?? "", attributes: attributes, client: flow.client, pool: flow.pool, v.ctx
            )
            if s.byLink {
                return respond(MessagePage(
                    brand: await brand(flow.pool, flow.client), heading: "Check your email",
                    text: "We sent a link to \(s.delivery?.destination ?? "your email address"). Follow it to confirm your account, then sign in.",
                    linkURL: flow.url("/login"), linkText: "Sign in"
                ), v)
            }
            guard let delivery = s.delivery else {
                return respond(MessagePage(
                    brand: await brand(flow.pool, flow.client), heading: "Account created",
                    text: "Your account was created. An administrator must confirm it before you can sign in.", linkURL: flow.url("/login"), linkText: "Back to sign in"
                ), v)
            }
            return respond(await confirmForm(flow, &v, username: username, ticket: s.ticket, destination: delivery.destination), v)
        } catch let e as CognitoError {
            var values = attributes
            values["username"] = username
            return respond(await signUpForm(flow, &v, values: values, error: e.message), status: .badRequest, v)
        }
    }

    func confirmForm(_ flow: Flow, _ v: inout Visit, username: String, ticket: String?, destination: String?, error: String? = nil, notice: String? = nil) async -> ConfirmPage {
        ConfirmPage(
            brand: await brand(flow.pool, flow.client), action: flow.url("/confirmUser"), csrf: csrfToken(&v), username: username,
            ticket: ticket, destination: destination, error: error, notice: notice, loginURL: flow.url("/login")
        )
    }

    /// GET /confirmUser: the link from a CONFIRM_WITH_LINK message, or the page to type a code.
    func confirmPage(_ v: inout Visit) async throws -> Response {
        if v.query["confirmation_code"] != nil {
            let (client, pool) = try await cognate.hostedClient(clientId: v.query["client_id"], hostPoolId: v.hostPoolId)
            do {
                _ = try await cognate.confirmByLink(
                    clientId: client.id, username: v.query["user_name"], code: v.query["confirmation_code"], hostPoolId: v.hostPoolId, v.ctx
                )
            } catch let e as CognitoError {
                return await errorResponse(e, visit: v, pool: pool, client: client)
            }
            // No sign-in link: a flow the app did not start would fail its state check.
            return respond(MessagePage(
                brand: await brand(pool, client), heading: "Account confirmed",
                text: "Your account is confirmed. You can now return to the app and sign in."
            ), v)
        }
        let flow = try await flow(v)
        return respond(await confirmForm(flow, &v, username: v.query["username"] ?? v.query["user_name"] ?? "", ticket: nil, destination: nil), v)
    }

    func confirm(_ v: inout Visit) async throws -> Response {
        let flow = try await flow(v)
        try await requireCSRF(v, flow: flow)
        let username = v.field("username"), ticket = v.form["ticket"].flatMap { $0.isEmpty ? nil : $0 }
        if v.form["resend"] != nil {
            do {
                let d = try await cognate.hostedResendCode(username: username, client: flow.client, v.ctx)
                return respond(await confirmForm(flow, &v, username: username, ticket: ticket, destination: d?.destination,
                                                 notice: "We sent a new code\(d?.destination.map { " to \($0)" } ?? "").") , v)
            } catch let e as CognitoError {
                return respond(await confirmForm(flow, &v, username: username, ticket: ticket, destination: nil, error: e.message), status: .badRequest, v)
            }
        }
        do {
            if let user = try await cognate.hostedConfirmSignUp(username: username, code: v.field("code"), ticket: ticket, client: flow.client, pool: flow.pool, v.ctx) {
                return try await signedIn(user, flow, &v)
            }
            return respond(await loginForm(flow, &v, username: username, notice: "Your account is confirmed. Sign in to continue."), v)
        } catch let e as CognitoError {
            return respond(await confirmForm(flow, &v, username: username, ticket: ticket, destination: nil, error: e.message), status: .badRequest, v)
        }
    }

    // MARK: - Password recovery

    func forgotForm(_ flow: Flow, _ v: inout Visit, username: String = "", error: String? = nil) async -> ForgotPasswordPage {
        let label = Self.usernameLabel(flow.pool)
        return ForgotPasswordPage(
            brand: await brand(flow.pool, flow.client), action: flow.url("/forgotPassword"), csrf: csrfToken(&v), username: username,
            usernameLabel: label.text, usernameLabelLower: label.text.lowercased(), usernameType: label.type, error: error, loginURL: flow.url("/login")
        )
    }

    func resetForm(_ flow: Flow, _ v: inout Visit, username: String, destination: String?, error: String? = nil, notice: String? = nil) async -> ResetPasswordPage {
        ResetPasswordPage(
            brand: await brand(flow.pool, flow.client), action: flow.url("/confirmForgotPassword"), csrf: csrfToken(&v), username: username,
            destination: destination, passwordHint: Self.passwordHint(flow.pool), error: error, notice: notice, loginURL: flow.url("/login")
        )
    }

    func forgotPasswordPage(_ v: inout Visit) async throws -> Response {
        let flow = try await flow(v)
        return respond(await forgotForm(flow, &v), v)
    }

    func forgotPassword(_ v: inout Visit) async throws -> Response {
        let flow = try await flow(v)
        try await requireCSRF(v, flow: flow)
        let username = v.field("username")
        do {
            let d = try await cognate.hostedForgotPassword(username: username, client: flow.client, v.ctx)
            return respond(await resetForm(flow, &v, username: username, destination: d?.destination), v)
        } catch let e as CognitoError {
            return respond(await forgotForm(flow, &v, username: username, error: e.message), status: .badRequest, v)
        }
    }

    func resetPasswordPage(_ v: inout Visit) async throws -> Response {
        let flow = try await flow(v)
        guard let username = v.query["username"], !username.isEmpty else { return redirect(flow.url("/forgotPassword"), v) }
        return respond(await resetForm(flow, &v, username: username, destination: nil), v)
    }

    func resetPassword(_ v: inout Visit) async throws -> Response {
        let flow = try await flow(v)
        try await requireCSRF(v, flow: flow)
        let username = v.field("username")
        do {
            try await cognate.hostedConfirmForgotPassword(
                username: username, code: v.field("code"), password: v.form["password"] ?? "", client: flow.client, v.ctx
            )
            return respond(await loginForm(flow, &v, username: username, notice: "Your password has been reset. Sign in with your new password."), v)
        } catch let e as CognitoError {
            return respond(await resetForm(flow, &v, username: username, destination: nil, error: e.message), status: .badRequest, v)
        }
    }

    // MARK: - Sign-out, errors, logos

    func logout(_ v: inout Visit) async throws -> Response {
        let target: LogoutTarget
        do {
            (_, _, target) = try await cognate.checkLogout(
                clientId: v.query["client_id"], logoutURI: v.query["logout_uri"], redirectURI: v.query["redirect_uri"], hostPoolId: v.hostPoolId
            )
        } catch let e as CognitoError {
            let known = try? await cognate.hostedClient(clientId: v.query["client_id"], hostPoolId: v.hostPoolId)
            return await errorResponse(e, visit: v, pool: known?.1, client: known?.0)
        }
        if let cookie = v.cookies[WebSecurity.sessionCookie]?.value, !cookie.isEmpty { try await cognate.endHostedSession(cookie) }
        v.setCookies.append(WebSecurity.expiredSessionCookie(secure: v.https))
        switch target {
        case .logoutURI(let uri):
            return redirect(uri, v)
        case .signIn:
            let params = ["response_type", "client_id", "redirect_uri", "state", "scope"].compactMap { k in v.query[k].map { (k, $0) } }
            return redirect("/login?" + FormEncoding.encode(params), v)
        }
    }

    func errorPage(_ v: inout Visit) async throws -> Response {
        let code = v.query["error"]
        let known = try? await cognate.hostedClient(clientId: v.query["client_id"], hostPoolId: v.hostPoolId)
        // Words from the link itself are not shown: anyone can send a link to this trusted page.
        let text = code == "redirect_mismatch" ? CognitoError.redirectMismatch.message : "The request could not be completed."
        return respond(ErrorPage(brand: await brand(known?.1, known?.0), heading: "We could not complete your request", text: text, code: code), status: .badRequest, v)
    }

    func logo(_ context: CognateRequestContext) async throws -> Response {
        let poolId = try context.parameters.require("poolId"), key = try context.parameters.require("clientKey")
        guard let image = try await cognate.logo(poolId: poolId, clientKey: key) else { return Response(status: .notFound) }
        return Response(status: .ok, headers: [
            .contentType: image.type, .cacheControl: "public, max-age=86400", .init("X-Content-Type-Options")!: "nosniff",
        ], body: .init(byteBuffer: ByteBuffer(bytes: image.bytes)))
    }

    // MARK: - Page helpers

    /// What the pool signs in with: a username, or an email address / phone number.
    static func usernameLabel(_ pool: UserPool) -> (text: String, type: String) {
        switch pool.usernameAttributes {
        case ["email"]: ("Email", "email")
        case ["phone_number"]: ("Phone number", "tel")
        case let a where a.count > 1: ("Email or phone number", "text")
        default: ("Username", "text")
        }
    }

    func attributeField(_ name: String, _ pool: UserPool, value: String, required: Bool) -> FormField {
        let id = "attr-" + String(name.map { $0.isLetter || $0.isNumber ? $0 : "-" })
        switch name {
        case "email": return FormField(id: id, name: name, label: "Email", type: "email", value: value, required: required, autocomplete: "email")
        case "phone_number":
            return FormField(id: id, name: name, label: "Phone number", type: "tel", value: value, required: required, autocomplete: "tel",
                             hint: "In international format, for example +15555550100.")
        case "birthdate":
            return FormField(id: id, name: name, label: "Birthdate", type: "text", value: value, required: required, autocomplete: "bday", hint: "YYYY-MM-DD")
        default:
            let base = name.hasPrefix("custom:") ? String(name.dropFirst("custom:".count)) : name
            let words = base.replacingOccurrences(of: "_", with: " ")
            let label = words.prefix(1).uppercased() + words.dropFirst()
            let autocomplete: String? = ["nickname": "nickname", "given_name": "given-name", "family_name": "family-name", "name": "name",
                                         "middle_name": "additional-name", "website": "url", "locale": "language", "address": "street-address"][name]
            return FormField(id: id, name: name, label: label, type: "text", value: value, required: required, autocomplete: autocomplete)
        }
    }

    func newPasswordFields(_ pool: UserPool, required: [String], values: [String: String]) -> [FormField] {
        var fields = [
            FormField(id: "password", name: "password", label: "New password", type: "password", value: "", required: true, autocomplete: "new-password",
                      hint: Self.passwordHint(pool)),
            FormField(id: "confirm-password", name: "confirm_password", label: "Confirm new password", type: "password", value: "", required: true,
                      autocomplete: "new-password"),
        ]
        fields += required.map { attributeField($0, pool, value: values[$0] ?? "", required: true) }
        return fields
    }

    /// The pool's password policy in words.
    static func passwordHint(_ pool: UserPool) -> String {
        let p = pool.passwordPolicy
        var needs: [String] = []
        if p.requireUppercase == true && p.requireLowercase == true { needs.append("upper and lower case letters") }
        else if p.requireUppercase == true { needs.append("an upper case letter") }
        else if p.requireLowercase == true { needs.append("a lower case letter") }
        if p.requireNumbers == true { needs.append("a number") }
        if p.requireSymbols == true { needs.append("a symbol") }
        var text = "At least \(p.minimumLength ?? 8) characters"
        if !needs.isEmpty {
            text += ", with " + (needs.count == 1 ? needs[0] : needs.dropLast().joined(separator: ", ") + " and " + needs.last!)
        }
        return text + "."
    }
}

