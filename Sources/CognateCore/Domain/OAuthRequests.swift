import CognitoModel

/// The query of /oauth2/authorize and of the hosted pages that continue it (/login, /signup, …).
public struct AuthorizeRequest: Sendable, Equatable {
    public var responseType: String?
    public var clientId: String?
    public var redirectURI: String?
    public var state: String?
    public var scope: String?
    public var nonce: String?
    public var codeChallenge: String?
    public var codeChallengeMethod: String?
    public var identityProvider: String?
    public var idpIdentifier: String?
    public var prompt: String?

    public init(_ q: [String: String]) {
        func v(_ k: String) -> String? { q[k].flatMap { $0.isEmpty ? nil : $0 } }
        responseType = v("response_type"); clientId = v("client_id"); redirectURI = v("redirect_uri")
        state = q["state"]; scope = v("scope"); nonce = v("nonce")
        codeChallenge = v("code_challenge"); codeChallengeMethod = v("code_challenge_method")
        identityProvider = v("identity_provider"); idpIdentifier = v("idp_identifier"); prompt = v("prompt")
    }
}

/// An /authorize request that passed every check: what to grant and where to send the browser.
public struct Authorization: Sendable {
    public var client: AppClient
    public var pool: UserPool
    public var redirectURI: String
    /// response_type=token: tokens go back in the fragment, no code.
    public var implicit: Bool
    public var scopes: [String]
    public var state: String?
    public var nonce: String?
    public var codeChallenge: String?
    public var codeChallengeMethod: String?
    /// prompt=login: sign in again even with a live session.
    public var forceLogin: Bool
    /// prompt=none: never show a page; without a session the app gets `login_required`.
    public var silent: Bool
}

/// What goes back to the app: the code (query) or the tokens (fragment), and the state.
public struct AuthorizationResponse: Sendable {
    public var redirectURI: String
    public var parameters: [Parameter]
    public var inFragment: Bool

    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }
}

/// Where /logout sends the browser once the session is gone.
public enum LogoutTarget: Sendable, Equatable {
    case logoutURI(String)
    /// No logout_uri: back to the sign-in page for this callback.
    case signIn(redirectURI: String)
}

/// A /oauth2/token request: the form, with the client's credentials from Basic auth or the form.
public struct TokenRequest: Sendable {
    public var grantType: String?
    public var clientId: String?
    public var clientSecret: String?
    public var code: String?
    public var redirectURI: String?
    public var codeVerifier: String?
    public var refreshToken: String?
    public var scope: String?

    public init(form: [String: String], clientId: String?, clientSecret: String?) {
        func v(_ k: String) -> String? { form[k].flatMap { $0.isEmpty ? nil : $0 } }
        grantType = v("grant_type"); code = v("code"); redirectURI = v("redirect_uri"); codeVerifier = v("code_verifier")
        refreshToken = v("refresh_token"); scope = v("scope")
        self.clientId = clientId
        self.clientSecret = clientSecret
    }
}

/// The token endpoint's answer, in OAuth's field names.
public struct TokenResponse: Encodable, Sendable, Equatable {
    public var access_token: String
    public var id_token: String?
    public var refresh_token: String?
    public var token_type = "Bearer"
    public var expires_in: Int

    init(_ r: AuthenticationResultType) {
        access_token = r.accessToken ?? ""
        id_token = r.idToken
        refresh_token = r.refreshToken
        expires_in = r.expiresIn ?? 3600
    }

    init(accessToken: String, expiresIn: Int) {
        access_token = accessToken
        expires_in = expiresIn
    }
}

/// The outcome of the hosted sign-in form.
public enum HostedSignIn: Sendable {
    case signedIn(User)
    /// FORCE_CHANGE_PASSWORD: the new-password page, with the sealed challenge and the attributes it must ask for.
    case newPasswordRequired(session: String, username: String, requiredAttributes: [String])
    /// A second factor (or setting one up) before the session: the MFA pages.
    case challenge(HostedChallenge)
}

/// An MFA challenge as the hosted pages show it (the API's challenge name, Session and parameters).
public struct HostedChallenge: Sendable, Equatable {
    public var name: String
    public var session: String
    public var username: String
    public var parameters: [String: String]

    public init(name: String, session: String, username: String, parameters: [String: String]) {
        self.name = name
        self.session = session
        self.username = username
        self.parameters = parameters
    }
}

/// A software token being set up on the MFA_SETUP page: the secret for the authenticator app.
public struct HostedTokenSetup: Sendable {
    public var secret: String
    public var session: String
    /// `otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=ISSUER`, as authenticator apps read it.
    public var uri: String

    public init(secret: String, session: String, uri: String) {
        self.secret = secret
        self.session = session
        self.uri = uri
    }
}

/// The outcome of the hosted sign-up form.
public struct HostedSignUp: Sendable {
    public var delivery: CodeDeliveryDetailsType?
    /// The message carries a link (CONFIRM_WITH_LINK), not a code to type.
    public var byLink: Bool
    /// Sealed proof that this browser signed the user up: with the code, it signs the user in.
    public var ticket: String
}
