import CognitoModel

/// A user pool. Its settings are kept in Cognito's own `UserPoolType` shape, because that is
/// exactly what DescribeUserPool must return; the domain reads them through the accessors below.
public struct UserPool: Codable, Sendable, Equatable {
    public var type: UserPoolType
    public var region: String
    /// SetUserPoolMfaConfig's factors (PoolMFA.swift).
    public var mfa: PoolMFASettings?

    public init(type: UserPoolType, region: String, mfa: PoolMFASettings? = nil) {
        self.type = type
        self.region = region
        self.mfa = mfa
    }

    public var id: String { type.id ?? "" }
    public var name: String { type.name ?? "" }

    /// The "pool name" that Cognito's SRP mixes into x: the id after its first underscore.
    public var srpPoolName: String {
        guard let i = id.firstIndex(of: "_") else { return id }
        return String(id[id.index(after: i)...])
    }

    public var caseSensitive: Bool { type.usernameConfiguration?.caseSensitive ?? true }
    public var usernameAttributes: [String] { type.usernameAttributes ?? [] }
    public var aliasAttributes: [String] { type.aliasAttributes ?? [] }
    public var autoVerifiedAttributes: [String] { type.autoVerifiedAttributes ?? [] }
    public var deletionProtected: Bool { type.deletionProtection == "ACTIVE" }

    public var passwordPolicy: PasswordPolicyType {
        type.policies?.passwordPolicy ?? PoolDefaults.passwordPolicy
    }

    public func schemaAttribute(_ name: String) -> SchemaAttributeType? {
        type.schemaAttributes?.first { $0.name == name }
    }

    /// Sign-in names other than the username that identify a user in this pool.
    public var signInAttributes: [String] {
        usernameAttributes.isEmpty ? aliasAttributes : usernameAttributes
    }
}
