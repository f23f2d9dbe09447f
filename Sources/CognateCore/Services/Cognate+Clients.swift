import CognitoModel
import Foundation

extension Cognate {
    static let clientIdAlphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
    static let standardScopes: Set<String> = ["phone", "email", "openid", "profile", "aws.cognito.signin.user.admin"]

    public func createUserPoolClient(_ input: CreateUserPoolClientRequest, _ ctx: CallContext) async throws -> CreateUserPoolClientResponse {
        let pool = try await requirePool(input.userPoolId)
        let t = now
        let id = deps.random.string(count: 26, alphabet: Self.clientIdAlphabet)
        var secret: String?
        if let given = input.clientSecret {
            secret = given
        } else if input.generateSecret == true {
            secret = deps.random.string(count: 51, alphabet: Self.clientIdAlphabet)
        }
        var type = UserPoolClientType(userPoolId: pool.id, clientName: input.clientName, clientId: id)
        type.creationDate = t
        type.lastModifiedDate = t
        try Self.applyClientSettings(ClientSettings(input), to: &type, pool: pool, customScopes: try await customScopes(poolId: pool.id), hasSecret: secret != nil)
        let sealed = try secret.map { try deps.atRest.seal(Array($0.utf8), aad: Array("client:\(id)".utf8)) }
        let client = AppClient(type: type, sealedSecret: sealed)
        try await store.createClient(client)
        return CreateUserPoolClientResponse(userPoolClient: try describe(client))
    }

    public func describeUserPoolClient(_ input: DescribeUserPoolClientRequest, _ ctx: CallContext) async throws -> DescribeUserPoolClientResponse {
        _ = try await requirePool(input.userPoolId)
        let client = try await requireClient(input.clientId, poolId: input.userPoolId)
        return DescribeUserPoolClientResponse(userPoolClient: try describe(client))
    }

    public func updateUserPoolClient(_ input: UpdateUserPoolClientRequest, _ ctx: CallContext) async throws -> UpdateUserPoolClientResponse {
        let pool = try await requirePool(input.userPoolId)
        _ = try await requireClient(input.clientId, poolId: pool.id)
        let t = now
        let settings = ClientSettings(input)
        let custom = try await customScopes(poolId: pool.id)
        let updated = try await store.updateClient(id: input.clientId) { client in
            // Omitted settings go back to their defaults, as in Cognito.
            var type = UserPoolClientType(userPoolId: client.type.userPoolId, clientName: input.clientName ?? client.type.clientName, clientId: client.type.clientId)
            type.creationDate = client.type.creationDate
            type.lastModifiedDate = t
            try Self.applyClientSettings(settings, to: &type, pool: pool, customScopes: custom, hasSecret: client.hasSecret)
            client.type = type
        }
        return UpdateUserPoolClientResponse(userPoolClient: try describe(updated))
    }

    public func deleteUserPoolClient(_ input: DeleteUserPoolClientRequest, _ ctx: CallContext) async throws -> EmptyResponse {
        _ = try await requirePool(input.userPoolId)
        _ = try await requireClient(input.clientId, poolId: input.userPoolId)
        try await store.deleteClient(id: input.clientId)
        return EmptyResponse()
    }

    public func listUserPoolClients(_ input: ListUserPoolClientsRequest, _ ctx: CallContext) async throws -> ListUserPoolClientsResponse {
        _ = try await requirePool(input.userPoolId)
        let limit = input.maxResults ?? 60
        let after = try input.nextToken.map { try PageToken.decode($0, kind: "clients:" + input.userPoolId) }
        let clients = try await store.listClients(poolId: input.userPoolId, after: after, limit: limit + 1)
        let page = Array(clients.prefix(limit))
        let next = clients.count > limit ? page.last.map { PageToken.encode($0.id, kind: "clients:" + input.userPoolId) } : nil
        return ListUserPoolClientsResponse(
            userPoolClients: page.map { UserPoolClientDescription(clientId: $0.id, userPoolId: $0.poolId, clientName: $0.type.clientName) },
            nextToken: next
        )
    }

    // MARK: - Helpers

    func requireClient(_ id: String, poolId: String? = nil) async throws -> AppClient {
        guard let client = try await store.client(id: id), poolId == nil || client.poolId == poolId else {
            throw CognitoError.clientNotFound(id)
        }
        return client
    }

    func clientSecret(_ client: AppClient) throws -> String? {
        guard let sealed = client.sealedSecret else { return nil }
        return String(decoding: try deps.atRest.open(sealed, aad: Array("client:\(client.id)".utf8)), as: UTF8.self)
    }

    func describe(_ client: AppClient) throws -> UserPoolClientType {
        var t = client.type
        t.clientSecret = try clientSecret(client)
        return t
    }

    /// `customScopes` are the pool's resource-server scopes, which clients may be allowed besides the standard ones.
    static func applyClientSettings(_ s: ClientSettings, to t: inout UserPoolClientType, pool: UserPool, customScopes: Set<String>, hasSecret: Bool) throws {
        // A validity given without a unit is in hours (refresh: days); one left out is Cognito's default.
        func resolve(_ value: Int?, _ unit: String?, givenUnit: String, defaultSeconds: Int, defaultUnit: String) -> (Int, String) {
            if let value, value > 0 { return (value, unit ?? givenUnit) }
            let u = unit ?? defaultUnit
            return (defaultSeconds / AppClient.unitSeconds(u), u)
        }
        let units = s.tokenValidityUnits
        let access = resolve(s.accessTokenValidity, units?.accessToken, givenUnit: "hours", defaultSeconds: 3600, defaultUnit: "minutes")
        let id = resolve(s.idTokenValidity, units?.idToken, givenUnit: "hours", defaultSeconds: 3600, defaultUnit: "minutes")
        let refresh = resolve(s.refreshTokenValidity, units?.refreshToken, givenUnit: "days", defaultSeconds: 30 * 86400, defaultUnit: "days")
        try checkValidity(access.0, unit: access.1, min: 300, max: 86400, name: "Access token")
        try checkValidity(id.0, unit: id.1, min: 300, max: 86400, name: "ID token")
        try checkValidity(refresh.0, unit: refresh.1, min: 3600, max: 10 * 365 * 86400, name: "Refresh token")
        t.accessTokenValidity = access.0
        t.idTokenValidity = id.0
        t.refreshTokenValidity = refresh.0
        t.tokenValidityUnits = TokenValidityUnitsType(accessToken: access.1, idToken: id.1, refreshToken: refresh.1)

        let schemaNames = Set((pool.type.schemaAttributes ?? []).compactMap(\.name))
        for (list, kind) in [(s.readAttributes, "read"), (s.writeAttributes, "write")] {
            for name in list ?? [] where !schemaNames.contains(name) {
                throw CognitoError.invalidParameter("Invalid \(kind) attributes specified while creating a client")
            }
        }
        t.readAttributes = s.readAttributes
        t.writeAttributes = s.writeAttributes

        if let flows = s.explicitAuthFlows {
            let legacy = flows.filter { !$0.hasPrefix("ALLOW_") }
            if !legacy.isEmpty && legacy.count != flows.count {
                throw CognitoError.invalidParameter("ExplicitAuthFlow ALLOW_* cannot be combined with legacy values.")
            }
        }
        t.explicitAuthFlows = s.explicitAuthFlows ?? PoolDefaults.explicitAuthFlows

        for provider in s.supportedIdentityProviders ?? [] where provider != "COGNITO" {
            throw CognitoError.invalidParameter("The provider \(provider) does not exist for User Pool \(pool.id)")
        }
        t.supportedIdentityProviders = s.supportedIdentityProviders
        for url in (s.callbackURLs ?? []) + (s.logoutURLs ?? []) + (s.defaultRedirectURI.map { [$0] } ?? []) {
            try checkRedirectURL(url)
        }
        if let d = s.defaultRedirectURI, !(s.callbackURLs ?? []).contains(d) {
            throw CognitoError.invalidParameter("DefaultRedirectURI must be one of the CallbackURLs.")
        }
        t.callbackURLs = s.callbackURLs
        t.logoutURLs = s.logoutURLs
        t.defaultRedirectURI = s.defaultRedirectURI
        for scope in s.allowedOAuthScopes ?? [] where !standardScopes.contains(scope) && !customScopes.contains(scope) {
            throw CognitoError(.scopeDoesNotExist, "Invalid scope requested: \(scope)")
        }
        let oauthFlows = s.allowedOAuthFlows ?? []
        if oauthFlows.contains("client_credentials") && oauthFlows.count > 1 {
            throw CognitoError(.invalidOAuthFlow, "client_credentials flow can not be selected along with code flow or implicit flow.")
        }
        if oauthFlows.contains("client_credentials") && !hasSecret {
            throw CognitoError(.invalidOAuthFlow, "client_credentials flow can not be selected if client does not have a client secret.")
        }
        if s.allowedOAuthFlowsUserPoolClient == true {
            if oauthFlows.isEmpty { throw CognitoError(.invalidOAuthFlow, "AllowedOAuthFlows are required when AllowedOAuthFlowsUserPoolClient is true.") }
            if (s.allowedOAuthScopes ?? []).isEmpty { throw CognitoError.invalidParameter("AllowedOAuthScopes are required when AllowedOAuthFlowsUserPoolClient is true.") }
            if (oauthFlows.contains("code") || oauthFlows.contains("implicit")) && (s.callbackURLs ?? []).isEmpty {
                throw CognitoError.invalidParameter("CallbackURLs are required for the code and implicit flows.")
            }
        }
        t.allowedOAuthFlows = s.allowedOAuthFlows
        t.allowedOAuthScopes = s.allowedOAuthScopes
        t.allowedOAuthFlowsUserPoolClient = s.allowedOAuthFlowsUserPoolClient ?? false
        t.analyticsConfiguration = s.analyticsConfiguration
        t.preventUserExistenceErrors = s.preventUserExistenceErrors ?? "LEGACY"
        t.enableTokenRevocation = s.enableTokenRevocation ?? true
        t.enablePropagateAdditionalUserContextData = s.enablePropagateAdditionalUserContextData ?? false
        t.authSessionValidity = s.authSessionValidity ?? 3
        t.refreshTokenRotation = s.refreshTokenRotation
    }

    static func checkValidity(_ value: Int, unit: String, min: Int, max: Int, name: String) throws {
        let seconds = value * AppClient.unitSeconds(unit)
        if seconds < min || seconds > max {
            throw CognitoError.invalidParameter("\(name) validity must be between \(min / 60) minutes and \(max >= 86400 * 365 ? "10 years" : "1 day").")
        }
    }

    /// Absolute, no fragment, https unless it points at this machine (a local server must let http through).
    static func checkRedirectURL(_ text: String) throws {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), url.fragment == nil else {
            throw CognitoError.invalidParameter("Invalid redirect URL: \(text)")
        }
        let host = url.host?.lowercased() ?? ""
        if scheme == "http" && !["localhost", "127.0.0.1", "[::1]", "::1"].contains(host) && !host.hasSuffix(".localhost") {
            throw CognitoError.invalidParameter("cannot use the HTTP protocol: \(text)")
        }
        if (scheme == "http" || scheme == "https") && host.isEmpty {
            throw CognitoError.invalidParameter("Invalid redirect URL: \(text)")
        }
    }
}

/// The settings CreateUserPoolClient and UpdateUserPoolClient have in common.
struct ClientSettings {
    var refreshTokenValidity, accessTokenValidity, idTokenValidity, authSessionValidity: Int?
    var tokenValidityUnits: TokenValidityUnitsType?
    var readAttributes, writeAttributes, explicitAuthFlows, supportedIdentityProviders: [String]?
    var callbackURLs, logoutURLs, allowedOAuthFlows, allowedOAuthScopes: [String]?
    var defaultRedirectURI, preventUserExistenceErrors: String?
    var allowedOAuthFlowsUserPoolClient, enableTokenRevocation, enablePropagateAdditionalUserContextData: Bool?
    var analyticsConfiguration: AnalyticsConfigurationType?
    var refreshTokenRotation: RefreshTokenRotationType?

    init(_ r: CreateUserPoolClientRequest) {
        refreshTokenValidity = r.refreshTokenValidity; accessTokenValidity = r.accessTokenValidity; idTokenValidity = r.idTokenValidity
        authSessionValidity = r.authSessionValidity; tokenValidityUnits = r.tokenValidityUnits
        readAttributes = r.readAttributes; writeAttributes = r.writeAttributes; explicitAuthFlows = r.explicitAuthFlows
        supportedIdentityProviders = r.supportedIdentityProviders; callbackURLs = r.callbackURLs; logoutURLs = r.logoutURLs
        allowedOAuthFlows = r.allowedOAuthFlows; allowedOAuthScopes = r.allowedOAuthScopes; defaultRedirectURI = r.defaultRedirectURI
        preventUserExistenceErrors = r.preventUserExistenceErrors; allowedOAuthFlowsUserPoolClient = r.allowedOAuthFlowsUserPoolClient
        enableTokenRevocation = r.enableTokenRevocation; enablePropagateAdditionalUserContextData = r.enablePropagateAdditionalUserContextData
        analyticsConfiguration = r.analyticsConfiguration; refreshTokenRotation = r.refreshTokenRotation
    }

    init(_ r: UpdateUserPoolClientRequest) {
        refreshTokenValidity = r.refreshTokenValidity; accessTokenValidity = r.accessTokenValidity; idTokenValidity = r.idTokenValidity
        authSessionValidity = r.authSessionValidity; tokenValidityUnits = r.tokenValidityUnits
        readAttributes = r.readAttributes; writeAttributes = r.writeAttributes; explicitAuthFlows = r.explicitAuthFlows
        supportedIdentityProviders = r.supportedIdentityProviders; callbackURLs = r.callbackURLs; logoutURLs = r.logoutURLs
        allowedOAuthFlows = r.allowedOAuthFlows; allowedOAuthScopes = r.allowedOAuthScopes; defaultRedirectURI = r.defaultRedirectURI
        preventUserExistenceErrors = r.preventUserExistenceErrors; allowedOAuthFlowsUserPoolClient = r.allowedOAuthFlowsUserPoolClient
        enableTokenRevocation = r.enableTokenRevocation; enablePropagateAdditionalUserContextData = r.enablePropagateAdditionalUserContextData
        analyticsConfiguration = r.analyticsConfiguration; refreshTokenRotation = r.refreshTokenRotation
    }
}
