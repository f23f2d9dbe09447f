import CognitoModel
import Foundation

/// OAuth 2.0 / OpenID Connect (contract §6): /oauth2/authorize, the token endpoint's three
/// grants, userInfo, revocation and logout. Every failure is a `CognitoError`; the HTTP layer
/// renders it as an OAuth error (JSON or a redirect) or as a page.
extension Cognate {
    static let authorizationCodeLifetime: Double = 5 * 60
    static let identityScopes: Set<String> = ["email", "phone", "profile"]

    // MARK: - /oauth2/authorize

    /// The app client a hosted page is for, on the pool the Host names (if it names one).
    public func hostedClient(clientId: String?, hostPoolId: String?) async throws -> (AppClient, UserPool) {
        guard let clientId, !clientId.isEmpty else { throw CognitoError.invalidParameter("The request has no client_id.") }
        guard let client = try await store.client(id: clientId), hostPoolId == nil || client.poolId == hostPoolId,
              let pool = try await store.pool(id: client.poolId)
        else { throw CognitoError.clientNotFound(clientId) }
        return (client, pool)
    }

    /// The first checks: the client and its redirect URI. A failure here is shown as a page;
    /// nothing is ever sent to an address the client did not register.
    public func checkRedirect(_ r: AuthorizeRequest, hostPoolId: String?) async throws -> (AppClient, UserPool, String) {
        let (client, pool) = try await hostedClient(clientId: r.clientId, hostPoolId: hostPoolId)
        guard let uri = r.redirectURI, (client.type.callbackURLs ?? []).contains(uri) else { throw CognitoError.redirectMismatch }
        return (client, pool, uri)
    }

    /// The remaining checks; a failure here goes back to the (registered) redirect URI as an OAuth error.
    public func authorization(_ r: AuthorizeRequest, client: AppClient, pool: UserPool, redirectURI: String) throws -> Authorization {
        guard client.type.allowedOAuthFlowsUserPoolClient == true else {
            throw CognitoError(.invalidOAuthFlow, "The app client is not enabled for OAuth flows.")
        }
        guard let responseType = r.responseType else { throw CognitoError.invalidParameter("The request has no response_type.") }
        let implicit: Bool
        switch responseType {
        case "code": implicit = false
        case "token": implicit = true
        default: throw CognitoError(.unsupportedOperation, "The response_type \(responseType) is not supported.")
        }
        guard (client.type.allowedOAuthFlows ?? []).contains(implicit ? "implicit" : "code") else {
            throw CognitoError(.invalidOAuthFlow, "The \(implicit ? "implicit" : "code") flow is not allowed for this app client.")
        }
        let providers = client.type.supportedIdentityProviders ?? []
        let provider = r.identityProvider ?? "COGNITO"
        if r.idpIdentifier != nil || !providers.contains(provider) {
            throw CognitoError.invalidParameter("The identity provider \(r.idpIdentifier ?? provider) is not enabled for this app client.")
        }
        let scopes = try Self.grantedScopes(r.scope, allowed: client.type.allowedOAuthScopes ?? [])

        var challenge = r.codeChallenge, method = r.codeChallengeMethod
        if implicit { challenge = nil; method = nil }
        if method != nil && challenge == nil { throw CognitoError.invalidParameter("code_challenge_method needs a code_challenge.") }
        if let c = challenge {
            // Cognito's authorization server supports S256 only (not RFC 7636's plain, nor plain by default).
            guard method == "S256" else { throw CognitoError.invalidParameter("The code_challenge_method must be S256.") }
            guard Self.isPKCEValue(c) else { throw CognitoError.invalidParameter("The code_challenge is malformed.") }
        }
        return Authorization(
            client: client, pool: pool, redirectURI: redirectURI, implicit: implicit, scopes: scopes, state: r.state, nonce: r.nonce,
            codeChallenge: challenge, codeChallengeMethod: method, forceLogin: r.prompt == "login", silent: r.prompt == "none"
        )
    }

    /// Requested scopes (space or `+` separated) must all be allowed; none means all allowed.
    /// email, phone and profile mean nothing without openid and are dropped.
    static func grantedScopes(_ requested: String?, allowed: [String]) throws -> [String] {
        var scopes: [String] = []
        if let requested, !requested.allSatisfy({ $0 == " " || $0 == "+" }) {
            for name in requested.split(whereSeparator: { $0 == " " || $0 == "+" }).map(String.init) where !scopes.contains(name) {
                guard allowed.contains(name) else { throw CognitoError(.scopeDoesNotExist, "The scope \(name) is not allowed for this app client.") }
                scopes.append(name)
            }
        } else {
            scopes = allowed
        }
        if !scopes.contains("openid") { scopes.removeAll { identityScopes.contains($0) } }
        guard !scopes.isEmpty else { throw CognitoError(.scopeDoesNotExist, "No scope could be granted.") }
        return scopes
    }

    /// RFC 7636: 43–128 characters of [A-Za-z0-9-._~].
    static func isPKCEValue(_ s: String) -> Bool {
        (43...128).contains(s.utf8.count) && s.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E
        }
    }

    /// A signed-in user goes back to the app: with a single-use code, or (implicit) with tokens.
    public func completeAuthorization(_ a: Authorization, user: User, authTime: Double) async throws -> AuthorizationResponse {
        typealias P = AuthorizationResponse.Parameter
        var params: [P] = []
        if a.implicit {
            let t = try await issueTokens(user: user, pool: a.pool, client: a.client, authTime: authTime, scopes: a.scopes,
                                          oauth: OAuthIssue(nonce: a.nonce, withRefreshToken: false))
            if let id = t.idToken { params.append(P("id_token", id)) }
            params += [P("access_token", t.accessToken ?? ""), P("token_type", "Bearer"), P("expires_in", String(t.expiresIn ?? 3600))]
        } else {
            let code = deps.random.uuid()
            let t = now
            try await store.putAuthorizationCode(AuthorizationCode(
                codeHash: authorizationCodeHash(code), poolId: a.pool.id, clientId: a.client.id, username: user.username,
                redirectURI: a.redirectURI, scopes: a.scopes, nonce: a.nonce, codeChallenge: a.codeChallenge,
                codeChallengeMethod: a.codeChallengeMethod, authTime: authTime, expiresAt: t + Self.authorizationCodeLifetime
            ))
            params.append(P("code", code))
        }
        if let state = a.state { params.append(P("state", state)) }
        return AuthorizationResponse(redirectURI: a.redirectURI, parameters: params, inFragment: a.implicit)
    }

    /// A user who just signed in on the hosted pages: a new browser session (its cookie value)
    /// and the way back to the app.
    public func finishHostedSignIn(_ a: Authorization, user: User) async throws -> (session: String, response: AuthorizationResponse) {
        let authTime = now
        let session = try await startHostedSession(user: user, pool: a.pool, authTime: authTime)
        return (session, try await completeAuthorization(a, user: user, authTime: authTime))
    }

    func authorizationCodeHash(_ code: String) -> [UInt8] {
        deps.digests.hmacSHA256(key: deps.codeHashKey, data: Array("authorization-code\n\(code)".utf8))
    }

    // MARK: - /oauth2/token

    public func token(_ r: TokenRequest) async throws -> TokenResponse {
        guard let grant = r.grantType else { throw CognitoError.invalidParameter("The request has no grant_type.") }
        let (client, pool) = try await authenticateOAuthClient(id: r.clientId, secret: r.clientSecret)
        guard client.type.allowedOAuthFlowsUserPoolClient == true else {
            throw CognitoError(.invalidOAuthFlow, "The app client is not enabled for OAuth flows.")
        }
        switch grant {
        case "authorization_code": return try await redeemCode(r, client: client, pool: pool)
        case "refresh_token": return try await refreshGrant(r, client: client, pool: pool)
        case "client_credentials": return try await clientCredentialsGrant(r, client: client, pool: pool)
        default: throw CognitoError(.unsupportedOperation, "The grant_type \(grant) is not supported.")
        }
    }

    /// client_secret_basic, client_secret_post, or a public client's bare client_id.
    func authenticateOAuthClient(id: String?, secret: String?) async throws -> (AppClient, UserPool) {
        guard let id, let client = try await store.client(id: id), let pool = try await store.pool(id: client.poolId) else {
            throw CognitoError.invalidClient
        }
        if let expected = try clientSecret(client) {
            guard let secret, constantTimeEquals(Array(secret.utf8), Array(expected.utf8)) else { throw CognitoError.invalidClient }
        } else if secret != nil {
            throw CognitoError.invalidClient
        }
        return (client, pool)
    }

    func redeemCode(_ r: TokenRequest, client: AppClient, pool: UserPool) async throws -> TokenResponse {
        guard let code = r.code else { throw CognitoError.invalidParameter("The request has no code.") }
        guard (client.type.allowedOAuthFlows ?? []).contains("code") else {
            throw CognitoError(.invalidOAuthFlow, "The code flow is not allowed for this app client.")
        }
        let hash = authorizationCodeHash(code)
        guard let stored = try await store.authorizationCode(hash: hash), stored.clientId == client.id, stored.poolId == pool.id else {
            throw CognitoError.invalidGrant
        }
        if stored.redeemedWith != nil { try await replayedCode(hash) }
        guard stored.expiresAt > now, r.redirectURI == stored.redirectURI else { throw CognitoError.invalidGrant }
        if let challenge = stored.codeChallenge {
            guard let verifier = r.codeVerifier, Self.isPKCEValue(verifier) else { throw CognitoError.invalidGrant }
            let derived = stored.codeChallengeMethod == "S256" ? Base64.urlEncode(deps.digests.sha256(Array(verifier.utf8))) : verifier
            guard constantTimeEquals(Array(derived.utf8), Array(challenge.utf8)) else { throw CognitoError.invalidGrant }
        }
        let originJti = deps.random.uuid()
        guard let before = try await store.redeemAuthorizationCode(hash: hash, originJti: originJti) else { throw CognitoError.invalidGrant }
        if let first = before.redeemedWith {  // a replay racing the pre-check above; this call marked it
            try await store.revokeFamily(originJti: first)
            throw CognitoError.invalidGrant
        }
        guard let user = try await store.user(poolId: pool.id, usernameKey: key(stored.username, pool)), user.enabled else {
            throw CognitoError.invalidGrant
        }
        let result = try await issueTokens(
            user: user, pool: pool, client: client, authTime: stored.authTime, scopes: stored.scopes,
            oauth: OAuthIssue(nonce: stored.nonce, originJti: originJti)
        )
        // A replay that came in meanwhile revoked nothing if it ran before these tokens were stored.
        if try await store.authorizationCode(hash: hash)?.replayed == true {
            try await store.revokeFamily(originJti: originJti)
            throw CognitoError.invalidGrant
        }
        return TokenResponse(result)
    }

    /// A code presented after its redemption may have been stolen: it is marked replayed and
    /// what the first use produced is revoked (RFC 6749 §4.1.2). Marking first, then revoking,
    /// covers a first use still issuing its tokens: it checks the mark once they are stored.
    func replayedCode(_ hash: [UInt8]) async throws -> Never {
        if let first = try await store.redeemAuthorizationCode(hash: hash, originJti: "")?.redeemedWith {
            try await store.revokeFamily(originJti: first)
        }
        throw CognitoError.invalidGrant
    }

    func refreshGrant(_ r: TokenRequest, client: AppClient, pool: UserPool) async throws -> TokenResponse {
        guard let token = r.refreshToken else { throw CognitoError.invalidParameter("The request has no refresh_token.") }
        guard client.allows("ALLOW_REFRESH_TOKEN_AUTH") else {
            throw CognitoError(.invalidOAuthFlow, "REFRESH_TOKEN flow not enabled for this client")
        }
        guard let record = try await store.refreshToken(hash: deps.digests.sha256(Array(token.utf8))),
              record.clientId == client.id, record.poolId == pool.id, !record.revoked, record.expiresAt > now,
              let user = try await store.user(poolId: pool.id, usernameKey: key(record.username, pool)), user.enabled
        else { throw CognitoError.invalidGrant }
        let result = try await issueTokens(
            user: user, pool: pool, client: client, authTime: record.authTime, family: record, scopes: record.scopes, source: "TokenGeneration_RefreshTokens"
        )
        return TokenResponse(result)
    }

    /// Machine-to-machine: an access token for the client itself, with custom scopes only.
    func clientCredentialsGrant(_ r: TokenRequest, client: AppClient, pool: UserPool) async throws -> TokenResponse {
        guard (client.type.allowedOAuthFlows ?? []).contains("client_credentials") else {
            throw CognitoError(.invalidOAuthFlow, "The client_credentials flow is not allowed for this app client.")
        }
        guard client.hasSecret else { throw CognitoError.invalidClient }
        let custom = (client.type.allowedOAuthScopes ?? []).filter { $0.contains("/") }
        let scopes = try Self.grantedScopes(r.scope, allowed: custom)
        let t = now, iat = Int(t)
        let claims: [String: JSONValue] = [
            "sub": .string(client.id), "client_id": .string(client.id), "token_use": .string("access"),
            "scope": .string(scopes.joined(separator: " ")), "auth_time": .int(iat), "iss": .string(deps.config.issuer(for: pool)),
            "exp": .int(iat + client.accessTokenSeconds), "iat": .int(iat), "version": .int(2), "jti": .string(deps.random.uuid()),
        ]
        let k = try await signingKey(.accessToken, pool)
        let token = try JWT.sign(claims: claims, kid: k.key.kid, key: k.privateDER, signer: deps.signing)
        return TokenResponse(accessToken: token, expiresIn: client.accessTokenSeconds)
    }

    // MARK: - /oauth2/userInfo and /oauth2/revoke

    /// The user's claims for an access token that was granted `openid`, narrowed by the
    /// email / phone / profile scopes when any of them was granted.
    public func userInfo(accessToken: String) async throws -> [String: String] {
        let (user, pool, claims) = try await authenticate(accessToken, scope: "openid")
        let scopes = Set((claims["scope"]?.stringValue ?? "").split(separator: " ").map(String.init))
        let client = try await tokenClient(claims, pool: pool)
        let readable = client.type.readAttributes.map(Set.init)
        var wanted: Set<String>?
        if !scopes.isDisjoint(with: Self.identityScopes) {
            var names: Set<String> = []
            if scopes.contains("email") { names.formUnion(["email", "email_verified"]) }
            if scopes.contains("phone") { names.formUnion(["phone_number", "phone_number_verified"]) }
            if scopes.contains("profile") { names.formUnion(Self.profileAttributes) }
            wanted = names
        }
        var out = ["sub": user.sub, "username": user.username]
        for (name, value) in user.attributes where name != "sub" {
            if let readable, !readable.contains(name) { continue }
            if let wanted, !wanted.contains(name) && !(name.hasPrefix("custom:") && scopes.contains("profile")) { continue }
            out[name] = value
        }
        return out
    }

    static let profileAttributes: Set<String> = [
        "name", "family_name", "given_name", "middle_name", "nickname", "preferred_username", "profile", "picture",
        "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at",
    ]

    public func oauthRevoke(token: String?, clientId: String?, clientSecret: String?, _ ctx: CallContext) async throws {
        guard let token, !token.isEmpty else { throw CognitoError.invalidParameter("The request has no token.") }
        let (client, _) = try await authenticateOAuthClient(id: clientId, secret: clientSecret)
        _ = try await revokeToken(RevokeTokenRequest(token: token, clientId: client.id, clientSecret: clientSecret), ctx)
    }

    // MARK: - /logout

    public func checkLogout(clientId: String?, logoutURI: String?, redirectURI: String?, hostPoolId: String?) async throws -> (AppClient, UserPool, LogoutTarget) {
        let (client, pool) = try await hostedClient(clientId: clientId, hostPoolId: hostPoolId)
        if let l = logoutURI, !l.isEmpty {
            guard (client.type.logoutURLs ?? []).contains(l) else { throw CognitoError.logoutMismatch }
            return (client, pool, .logoutURI(l))
        }
        if let r = redirectURI, !r.isEmpty {
            guard (client.type.callbackURLs ?? []).contains(r) else { throw CognitoError.redirectMismatch }
            return (client, pool, .signIn(redirectURI: r))
        }
        throw CognitoError.invalidParameter("The request has neither a logout_uri nor a redirect_uri.")
    }
}
