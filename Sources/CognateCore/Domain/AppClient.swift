import CognitoModel

/// An app client. The settings are kept in Cognito's `UserPoolClientType`; the secret is never
/// stored in it: `sealedSecret` holds it encrypted under the master key.
public struct AppClient: Codable, Sendable, Equatable {
    public var type: UserPoolClientType
    public var sealedSecret: [UInt8]?

    public init(type: UserPoolClientType, sealedSecret: [UInt8]?) {
        self.type = type
        self.sealedSecret = sealedSecret
    }

    public var id: String { type.clientId ?? "" }
    public var poolId: String { type.userPoolId ?? "" }
    public var hasSecret: Bool { sealedSecret != nil }

    public var explicitAuthFlows: [String] { type.explicitAuthFlows ?? PoolDefaults.explicitAuthFlows }

    /// Whether the client allows `flow` (an `ALLOW_*` name); the legacy names imply the new ones.
    public func allows(_ flow: String) -> Bool {
        let flows = explicitAuthFlows
        if flows.contains(flow) { return true }
        switch flow {
        case "ALLOW_ADMIN_USER_PASSWORD_AUTH": return flows.contains("ADMIN_NO_SRP_AUTH")
        case "ALLOW_USER_PASSWORD_AUTH": return flows.contains("USER_PASSWORD_AUTH")
        case "ALLOW_CUSTOM_AUTH": return flows.contains("CUSTOM_AUTH_FLOW_ONLY")
        case "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH":
            // Legacy-only lists always allowed these.
            return !flows.contains { $0.hasPrefix("ALLOW_") }
        default: return false
        }
    }

    public var preventUserExistenceErrors: Bool { type.preventUserExistenceErrors == "ENABLED" }
    public var tokenRevocationEnabled: Bool { type.enableTokenRevocation ?? true }

    /// Token lifetimes in seconds, from the validity numbers and their units.
    public var accessTokenSeconds: Int { Self.seconds(type.accessTokenValidity, unit: type.tokenValidityUnits?.accessToken, defaultUnit: "hours", fallback: 3600) }
    public var idTokenSeconds: Int { Self.seconds(type.idTokenValidity, unit: type.tokenValidityUnits?.idToken, defaultUnit: "hours", fallback: 3600) }
    public var refreshTokenSeconds: Int {
        let v = type.refreshTokenValidity ?? 0
        return v == 0 ? 30 * 86400 : Self.seconds(v, unit: type.tokenValidityUnits?.refreshToken, defaultUnit: "days", fallback: 30 * 86400)
    }
    public var authSessionSeconds: Int { (type.authSessionValidity ?? 3) * 60 }

    static func seconds(_ value: Int?, unit: String?, defaultUnit: String, fallback: Int) -> Int {
        guard let value, value > 0 else { return fallback }
        return value * unitSeconds(unit ?? defaultUnit)
    }

    static func unitSeconds(_ unit: String) -> Int {
        switch unit {
        case "seconds": 1
        case "minutes": 60
        case "hours": 3600
        default: 86400
        }
    }
}
