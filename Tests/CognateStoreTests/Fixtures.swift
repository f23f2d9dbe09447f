import CognateCore
import CognitoModel
import Foundation
import Testing

/// Entities shaped as the core writes them. Users are indexed as `Cognate.reindex` indexes them
/// for a case-insensitive pool with alias attributes email, phone_number and preferred_username
/// (`FixtureTests` checks that the two agree).
enum Fixture {
    static let aliasAttributes = ["email", "phone_number", "preferred_username"]

    static func pool(_ id: String, name: String? = nil, region: String = "us-east-1") -> UserPool {
        UserPool(
            type: UserPoolType(
                id: id, name: name ?? "pool-\(id)",
                policies: UserPoolPolicyType(passwordPolicy: PoolDefaults.passwordPolicy),
                lastModifiedDate: 1_790_000_000.25, creationDate: 1_790_000_000.25,
                schemaAttributes: PoolDefaults.standardSchema,
                aliasAttributes: aliasAttributes,
                userPoolTags: ["team": "identity", "env": "test"],
                usernameConfiguration: UsernameConfigurationType(caseSensitive: false)
            ),
            region: region
        )
    }

    static func key(_ poolId: String, kid: String, purpose: KeyPurpose = .idToken) -> StoredSigningKey {
        StoredSigningKey(
            poolId: poolId, purpose: purpose, publicKey: PublicJWK(kid: kid, n: "n-\(kid)", e: "AQAB"),
            sealedPrivateKey: Array("sealed-\(kid)".utf8) + [0, 255, 128], createdAt: 1_790_000_000
        )
    }

    static func client(_ id: String, pool: String, name: String = "app", secret: [UInt8]? = nil) -> AppClient {
        AppClient(
            type: UserPoolClientType(
                userPoolId: pool, clientName: name, clientId: id, lastModifiedDate: 1_790_000_001, creationDate: 1_790_000_001,
                refreshTokenValidity: 30, accessTokenValidity: 60, idTokenValidity: 60,
                tokenValidityUnits: TokenValidityUnitsType(accessToken: "minutes", idToken: "minutes", refreshToken: "days"),
                explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                callbackURLs: ["https://app.example.com/cb"]
            ),
            sealedSecret: secret
        )
    }

    /// A confirmed user. `email` and `phone` are verified (so they are aliases) unless
    /// `verified` is false.
    static func user(
        _ poolId: String, _ username: String, email: String? = nil, phone: String? = nil, verified: Bool = true,
        attributes: [String: String] = [:], status: UserStatus = .confirmed, enabled: Bool = true
    ) -> User {
        var attrs = attributes
        if let email {
            attrs["email"] = email
            attrs["email_verified"] = verified ? "true" : "false"
        }
        if let phone {
            attrs["phone_number"] = phone
            attrs["phone_number_verified"] = verified ? "true" : "false"
        }
        let sub = UUID().uuidString.lowercased()
        attrs["sub"] = sub
        var user = User(
            poolId: poolId, username: username, sub: sub, attributes: attrs, status: status, enabled: enabled,
            createdAt: 1_790_000_002.5, modifiedAt: 1_790_000_002.5,
            password: PasswordRecord(salt: [1, 2, 3, 4], sealedVerifier: [9, 8, 7, 0, 255], setAt: 1_790_000_002.5, expiresAt: nil)
        )
        user.reindex()
        return user
    }

    static func group(_ poolId: String, _ name: String, precedence: Int? = nil, description: String? = nil) -> GroupType {
        GroupType(
            groupName: name, userPoolId: poolId, description: description ?? "the \(name) group",
            roleArn: "arn:aws:iam::000000000000:role/\(name)", precedence: precedence,
            lastModifiedDate: 1_790_000_003, creationDate: 1_790_000_003
        )
    }

    static func code(_ poolId: String, _ username: String, _ purpose: CodePurpose, hash: [UInt8] = [1, 2, 3], failedAttempts: Int = 0) -> VerificationCode {
        VerificationCode(poolId: poolId, username: username, purpose: purpose, codeHash: hash, expiresAt: 1_790_086_400, failedAttempts: failedAttempts)
    }

    static func token(_ poolId: String, _ username: String, jti: String, hash: [UInt8]? = nil) -> RefreshTokenRecord {
        RefreshTokenRecord(
            originJti: jti, tokenHash: hash ?? Array("hash-\(jti)".utf8), poolId: poolId, clientId: "client-1", username: username,
            authTime: 1_790_000_004, issuedAt: 1_790_000_004, expiresAt: 1_792_592_004, scopes: ["openid", "email"]
        )
    }
}

extension User {
    /// Recomputes the index after a test changes attributes, as the core does on every write.
    mutating func reindex() {
        var index = UserIndex()
        index.usernameKey = username.lowercased()
        for attr in Fixture.aliasAttributes {
            guard let v = attributes[attr] else { continue }
            switch attr {
            case "email" where attributeBool("email_verified"): index.aliasKeys.append(AliasKey(attribute: attr, value: v.lowercased()))
            case "phone_number" where attributeBool("phone_number_verified"): index.aliasKeys.append(AliasKey(attribute: attr, value: v))
            case "preferred_username": index.aliasKeys.append(AliasKey(attribute: attr, value: v.lowercased()))
            default: break
            }
        }
        index.searchKeys.append(SearchKey(attribute: "username", value: username))
        for attr in ListUsersFilter.searchableAttributes where !["username", "status", "cognito:user_status", "sub"].contains(attr) {
            if let v = attributes[attr] { index.searchKeys.append(SearchKey(attribute: attr, value: v.lowercased())) }
        }
        index.searchKeys.append(SearchKey(attribute: "sub", value: sub.lowercased()))
        index.searchKeys.append(SearchKey(attribute: "cognito:user_status", value: status.rawValue.lowercased()))
        index.searchKeys.append(SearchKey(attribute: "status", value: enabled ? "Enabled" : "Disabled"))
        self.index = index
    }

    /// The value this user is indexed under for `attribute`, which is what a ListUsers cursor holds.
    func searchValue(_ attribute: String) -> String? {
        index.searchKeys.first { $0.attribute == attribute }?.value
    }
}

extension ListedUser {
    /// The attributes its listing holds.
    var attributes: [String: String] {
        let type = try? JSONDecoder().decode(UserType.self, from: Data(listing))
        return Dictionary((type?.attributes ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
    }
}

/// An error a test's update closure throws to check that nothing is written.
struct Refused: Error, Equatable {}
