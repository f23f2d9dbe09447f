import CognitoModel
import Foundation

/// Minting and checking the pool's JWTs and refresh tokens.
extension Cognate {
    static let adminScope = "aws.cognito.signin.user.admin"

    public func pool(id: String) async throws -> UserPool? { try await store.pool(id: id) }

    /// ID + access tokens, and a refresh token when `family` is nil (a new sign-in). Tokens for
    /// the OAuth endpoints (`oauth`, or refreshed from a family they issued) carry the granted
    /// scopes, `"version": 2`, `at_hash` and the request's `nonce`, and have an ID token only
    /// when `openid` was granted.
    func issueTokens(
        user: User, pool: UserPool, client: AppClient, authTime: Double, family: RefreshTokenRecord? = nil,
        scopes: [String] = [Cognate.adminScope], oauth: OAuthIssue? = nil, source: String? = nil, clientMetadata: [String: String]? = nil,
        answered: Spend? = nil, device: DeviceGrant? = nil, recording: AuthEventStep? = nil
    ) async throws -> AuthenticationResultType {
        let draft = try await draftTokens(
            user: user, pool: pool, client: client, authTime: authTime, family: family, scopes: scopes, oauth: oauth, source: source,
            clientMetadata: clientMetadata, device: device, eventId: recording?.start.eventId
        )
        let signing = deps.signing, digests = deps.digests
        let signed = try await deps.compute.run { try draft.sign(signing, digests) }
        return try await finishTokens(draft, signed, answered: answered, recording: recording)
    }

    /// The tokens' claims and keys, through PreTokenGeneration: everything but the signatures
    /// (`TokenDraft.sign`, on the compute executor) and the refresh token (`finishTokens`).
    /// `eventId` is the sign-in's event in the user's history, which Cognito names in `event_id`.
    func draftTokens(
        user: User, pool: UserPool, client: AppClient, authTime: Double, family: RefreshTokenRecord? = nil,
        scopes: [String] = [Cognate.adminScope], oauth: OAuthIssue? = nil, source: String? = nil, clientMetadata: [String: String]? = nil,
        device: DeviceGrant? = nil, eventId: String? = nil
    ) async throws -> TokenDraft {
        let t = now
        let iat = Int(t)
        let eventId = eventId ?? deps.random.uuid()
        let originJti = family?.originJti ?? oauth?.originJti ?? deps.random.uuid()
        let isOAuth = oauth != nil || family?.hosted == true
        let groups = try await groupNames(user)
        let iss = deps.config.issuer(for: pool)

        var id: [String: JSONValue] = [
            "sub": .string(user.sub), "iss": .string(iss), "cognito:username": .string(user.username),
            "origin_jti": .string(originJti), "aud": .string(client.id), "event_id": .string(eventId),
            "token_use": .string("id"), "auth_time": .int(Int(authTime)), "iat": .int(iat),
            "exp": .int(iat + client.idTokenSeconds), "jti": .string(deps.random.uuid()),
        ]
        let readable = client.type.readAttributes.map(Set.init)
        for (name, value) in user.attributes where name != "sub" && (readable == nil || readable!.contains(name)) {
            id[name] = Self.claimValue(name, value, pool: pool)
        }
        if !groups.isEmpty { id["cognito:groups"] = .array(groups.map { .string($0) }) }

        var access: [String: JSONValue] = [
            "sub": .string(user.sub), "iss": .string(iss), "client_id": .string(client.id),
            "origin_jti": .string(originJti), "event_id": .string(eventId), "token_use": .string("access"),
            "scope": .string(scopes.joined(separator: " ")), "auth_time": .int(Int(authTime)), "iat": .int(iat),
            "exp": .int(iat + client.accessTokenSeconds), "jti": .string(deps.random.uuid()), "username": .string(user.username),
        ]
        if !groups.isEmpty { access["cognito:groups"] = .array(groups.map { .string($0) }) }
        if let device { access["device_key"] = .string(device.key) }
        try await preTokenGeneration(
            &id, &access, user: user, pool: pool, client: client, groups: groups, scopes: scopes,
            source: source ?? (oauth != nil ? "TokenGeneration_HostedAuth" : "TokenGeneration_Authentication"), clientMetadata: clientMetadata
        )
        if isOAuth { access["version"] = .int(2) }

        // The ID token (only with openid for OAuth) is signed after the access token: at_hash covers it.
        var idClaims: [String: JSONValue]? = !isOAuth || scopes.contains("openid") ? id : nil
        if isOAuth, let nonce = oauth?.nonce { idClaims?["nonce"] = .string(nonce) }
        return TokenDraft(
            access: access, id: idClaims, accessKey: try await signingKey(.accessToken, pool), idKey: try await signingKey(.idToken, pool),
            withAtHash: isOAuth, issuedAt: t, authTime: authTime, originJti: originJti, scopes: scopes, poolId: pool.id,
            clientId: client.id, username: user.username, accessTokenSeconds: client.accessTokenSeconds,
            refreshTokenSeconds: family == nil ? client.refreshTokenSeconds : nil, hosted: isOAuth,
            handsOutRefreshToken: oauth?.withRefreshToken != false, device: device
        )
    }

    /// After the signatures: a new sign-in's refresh-token family is stored (with the answered
    /// challenge spent and the sign-in's event step recorded in the same commit), or a refresh
    /// spends `answered` alone.
    func finishTokens(
        _ draft: TokenDraft, _ signed: TokenDraft.Signed, answered: Spend? = nil, recording: AuthEventStep? = nil
    ) async throws -> AuthenticationResultType {
        var refreshToken: String?
        if let refreshSeconds = draft.refreshTokenSeconds {
            let raw = deps.random.bytes(count: 96)
            let token = Base64.urlEncode(raw)
            let t = draft.issuedAt
            let record = RefreshTokenRecord(
                originJti: draft.originJti, tokenHash: deps.digests.sha256(Array(token.utf8)), poolId: draft.poolId, clientId: draft.clientId,
                username: draft.username, authTime: draft.authTime, issuedAt: t, expiresAt: t + Double(refreshSeconds), scopes: draft.scopes,
                hosted: draft.hosted ? true : nil, deviceKey: draft.device?.key
            )
            if let recording {
                guard try await store.putRefreshToken(record, spending: answered?.marker, recording: recording) else { throw answered!.failure }
            } else if let answered {
                // One commit spends the challenge and stores the family; a second answer stores nothing.
                guard try await store.putRefreshToken(record, spending: answered.marker) else { throw answered.failure }
            } else {
                try await store.putRefreshToken(record)
            }
            // The implicit flow hands out no refresh token; the family still exists so that the
            // access token can be revoked with the user's others.
            refreshToken = draft.handsOutRefreshToken ? token : nil
        } else {
            if let answered { try await spend(answered) }
            if let recording { try await store.recordAuthEventStep(recording) }
        }
        return AuthenticationResultType(
            accessToken: signed.access, expiresIn: draft.accessTokenSeconds, tokenType: "Bearer", refreshToken: refreshToken, idToken: signed.id,
            newDeviceMetadata: draft.device?.metadata
        )
    }

    /// OIDC at_hash: base64url of the left half of SHA-256 over the access token's ASCII.
    static func atHash(_ accessToken: String, digests: any Digests) -> String {
        Base64.urlEncode(Array(digests.sha256(Array(accessToken.utf8)).prefix(16)))
    }

    /// Standard attributes carry their OIDC types in tokens; custom ones stay strings.
    static func claimValue(_ name: String, _ value: String, pool: UserPool) -> JSONValue {
        if name.hasPrefix("custom:") { return .string(value) }
        switch pool.schemaAttribute(name)?.attributeDataType {
        case "Boolean": return .bool(value == "true")
        case "Number": return Int(value).map { .int($0) } ?? .string(value)
        default: return .string(value)
        }
    }

    /// The user behind an access token, if the token is this server's, unexpired, unrevoked and
    /// carries `scope` (the self-service scope unless told otherwise).
    func authenticate(_ accessToken: String, scope: String = Cognate.adminScope) async throws -> (User, UserPool, [String: JSONValue]) {
        let token = try await verifiedAccessToken(accessToken)
        let claims = token.claims
        // The key is looked up again for a token verified before: it may have retired since.
        guard let pool = try await store.pool(id: token.poolId),
              try await verificationKey(kid: token.kid, .accessToken, pool) != nil
        else { throw CognitoError.invalidAccessToken }
        guard let exp = claims["exp"]?.intValue, Double(exp) > now else { throw CognitoError.accessTokenExpired }
        let scopes = (claims["scope"]?.stringValue ?? "").split(separator: " ")
        guard scopes.contains(Substring(scope)) else {
            throw CognitoError(.notAuthorized, "Access Token does not have required scopes")
        }
        guard let originJti = claims["origin_jti"]?.stringValue,
              try await store.familyRevoked(originJti: originJti) == false
        else { throw CognitoError.accessTokenRevoked }
        guard let username = claims["username"]?.stringValue,
              let user = try await store.user(poolId: pool.id, usernameKey: key(username, pool)), user.sub == claims["sub"]?.stringValue
        else { throw CognitoError.userNotFound }
        if !user.enabled { throw CognitoError.userDisabled }
        return (user, pool, claims)
    }

    /// An access token signed by one of its pool's access keys, parsed: from the cache of tokens
    /// this process has verified, or verified now (and remembered). The caller still checks that
    /// the pool and the key exist, since either may be gone by the time of a later call.
    private func verifiedAccessToken(_ accessToken: String) async throws -> VerifiedTokenCache.Entry {
        if let known = verifiedTokens.get(accessToken) { return known }
        guard let jwt = JWT.parse(accessToken),
              let iss = jwt.claims["iss"]?.stringValue,
              let poolId = iss.split(separator: "/").last.map(String.init),
              let pool = try await store.pool(id: poolId),
              iss == deps.config.issuer(for: pool),
              let key = try await verificationKey(kid: jwt.kid, .accessToken, pool),
              deps.signing.verify(jwt.signature, message: jwt.signingInput, key: key.publicKey),
              jwt.claims["token_use"]?.stringValue == "access"
        else { throw CognitoError.invalidAccessToken }
        let entry = VerifiedTokenCache.Entry(poolId: pool.id, kid: jwt.kid, claims: jwt.claims)
        verifiedTokens.put(accessToken, entry)
        return entry
    }
}

/// What the OAuth endpoints add to a sign-in's tokens.
struct OAuthIssue: Sendable {
    var nonce: String?
    /// Fixed in advance when an authorization code must remember which family it produced.
    var originJti: String?
    var withRefreshToken = true
}

/// A sign-in's tokens before their signatures: the claims, the keys, and what the refresh-token
/// family will record. Signing is pure, so it can run in whichever hand-off to the compute
/// executor the flow already makes (SRP signs in the same one that checks the proof).
struct TokenDraft: Sendable {
    var access: [String: JSONValue]
    /// nil for an OAuth grant without `openid`.
    var id: [String: JSONValue]?
    var accessKey: SigningKeyCache.Entry
    var idKey: SigningKeyCache.Entry
    var withAtHash: Bool
    var issuedAt: Double
    var authTime: Double
    var originJti: String
    var scopes: [String]
    var poolId: String
    var clientId: String
    var username: String
    var accessTokenSeconds: Int
    /// Set for a new sign-in, whose refresh-token family is stored; nil for a refresh.
    var refreshTokenSeconds: Int?
    var hosted: Bool
    var handsOutRefreshToken: Bool
    /// The device the tokens go with (its key in the access token and the family).
    var device: DeviceGrant? = nil

    struct Signed: Sendable {
        var id: String?
        var access: String
    }

    /// RS256 over both tokens (the CPU-heavy part: run it on the compute executor).
    func sign(_ signing: any TokenSigning, _ digests: any Digests) throws -> Signed {
        let accessToken = try JWT.sign(claims: access, kid: accessKey.key.kid, key: accessKey.privateDER, signer: signing)
        guard var claims = id else { return Signed(id: nil, access: accessToken) }
        if withAtHash { claims["at_hash"] = .string(Cognate.atHash(accessToken, digests: digests)) }
        return Signed(id: try JWT.sign(claims: claims, kid: idKey.key.kid, key: idKey.privateDER, signer: signing), access: accessToken)
    }
}
