import CognateCore
import CognitoModel
import Testing

@Suite("AppClient")
struct AppClientTests {
    func client(flows: [String]? = nil, access: Int? = nil, id: Int? = nil, refresh: Int? = nil, units: TokenValidityUnitsType? = nil,
                session: Int? = nil, prevent: String? = nil, revocation: Bool? = nil, secret: [UInt8]? = nil) -> AppClient {
        AppClient(
            type: UserPoolClientType(
                userPoolId: "us-east-1_pool", clientId: "client123", refreshTokenValidity: refresh, accessTokenValidity: access,
                idTokenValidity: id, tokenValidityUnits: units, explicitAuthFlows: flows, preventUserExistenceErrors: prevent,
                enableTokenRevocation: revocation, authSessionValidity: session
            ),
            sealedSecret: secret
        )
    }

    static let allFlows = [
        "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH",
    ]

    func allowed(_ c: AppClient) -> Set<String> { Set(Self.allFlows.filter { c.allows($0) }) }

    @Test("without explicit flows a client allows Cognito's defaults")
    func defaults() {
        #expect(allowed(client()) == ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"])
        #expect(client().explicitAuthFlows == PoolDefaults.explicitAuthFlows)
    }

    @Test("ALLOW_* flows allow exactly themselves")
    func allowFlows() {
        #expect(allowed(client(flows: ["ALLOW_USER_PASSWORD_AUTH"])) == ["ALLOW_USER_PASSWORD_AUTH"])
        #expect(allowed(client(flows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])) == ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
        #expect(allowed(client(flows: Self.allFlows)) == Set(Self.allFlows))
        #expect(client(flows: Self.allFlows).allows("ALLOW_SOMETHING_NEW") == false)
        #expect(client(flows: Self.allFlows).allows("USER_PASSWORD_AUTH") == false)
    }

    @Test("legacy names imply their ALLOW_ flow, and a legacy-only list keeps refresh and SRP")
    func legacyFlows() {
        #expect(allowed(client(flows: ["ADMIN_NO_SRP_AUTH"])) == ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"])
        #expect(allowed(client(flows: ["USER_PASSWORD_AUTH"])) == ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"])
        #expect(allowed(client(flows: ["CUSTOM_AUTH_FLOW_ONLY"])) == ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"])
        #expect(allowed(client(flows: ["ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH"])) == ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"])
        // Mixed with an ALLOW_ name, the legacy list no longer implies refresh and SRP.
        #expect(allowed(client(flows: ["ADMIN_NO_SRP_AUTH", "ALLOW_CUSTOM_AUTH"])) == ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH"])
    }

    @Test("token lifetimes default to an hour and thirty days")
    func defaultValidity() {
        let c = client()
        #expect(c.accessTokenSeconds == 3600)
        #expect(c.idTokenSeconds == 3600)
        #expect(c.refreshTokenSeconds == 30 * 86400)
        #expect(c.authSessionSeconds == 180)
        let zero = client(access: 0, id: 0, refresh: 0)
        #expect(zero.accessTokenSeconds == 3600 && zero.idTokenSeconds == 3600 && zero.refreshTokenSeconds == 30 * 86400)
    }

    @Test("validity numbers without units are hours for access and ID tokens, days for refresh")
    func defaultUnits() {
        let c = client(access: 5, id: 2, refresh: 10)
        #expect(c.accessTokenSeconds == 5 * 3600)
        #expect(c.idTokenSeconds == 2 * 3600)
        #expect(c.refreshTokenSeconds == 10 * 86400)
    }

    @Test("validity units", arguments: [("seconds", 1), ("minutes", 60), ("hours", 3600), ("days", 86400)])
    func units(_ unit: String, _ seconds: Int) {
        let c = client(access: 7, id: 9, refresh: 11, units: TokenValidityUnitsType(accessToken: unit, idToken: unit, refreshToken: unit))
        #expect(c.accessTokenSeconds == 7 * seconds)
        #expect(c.idTokenSeconds == 9 * seconds)
        #expect(c.refreshTokenSeconds == 11 * seconds)
    }

    @Test("each token has its own unit")
    func mixedUnits() {
        let c = client(access: 30, id: 1, refresh: 60, units: TokenValidityUnitsType(accessToken: "minutes", refreshToken: "minutes"))
        #expect(c.accessTokenSeconds == 1800)
        #expect(c.idTokenSeconds == 3600)  // no unit given: hours
        #expect(c.refreshTokenSeconds == 3600)
    }

    @Test("the other settings")
    func settings() {
        #expect(client(session: 15).authSessionSeconds == 900)
        #expect(client(prevent: "ENABLED").preventUserExistenceErrors)
        #expect(!client(prevent: "LEGACY").preventUserExistenceErrors)
        #expect(!client().preventUserExistenceErrors)
        #expect(client().tokenRevocationEnabled)
        #expect(!client(revocation: false).tokenRevocationEnabled)
        #expect(client(secret: [1]).hasSecret)
        #expect(!client().hasSecret)
        #expect(client().id == "client123")
        #expect(client().poolId == "us-east-1_pool")
        #expect(AppClient(type: UserPoolClientType(), sealedSecret: nil).id == "")
    }
}
