import CognitoModel

/// A pool's domain: a prefix (served as `PREFIX.auth.*`) or a custom FQDN. The hosted UI maps a
/// request's Host to the pool through it; the server's public URL serves every pool as well.
public struct PoolDomain: Codable, Sendable, Equatable {
    public var domain: String
    public var poolId: String
    public var customDomainConfig: CustomDomainConfigType?
    public var managedLoginVersion: Int
    public var createdAt: Double

    public init(domain: String, poolId: String, customDomainConfig: CustomDomainConfigType?, managedLoginVersion: Int, createdAt: Double) {
        self.domain = domain
        self.poolId = poolId
        self.customDomainConfig = customDomainConfig
        self.managedLoginVersion = managedLoginVersion
        self.createdAt = createdAt
    }

    /// A custom domain is a fully qualified name; a prefix has no dot.
    public var isCustom: Bool { domain.contains(".") }
}
