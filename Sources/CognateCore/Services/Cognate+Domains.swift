import CognitoModel
import Foundation

/// User pool domains. A prefix domain is served as `PREFIX.auth.<anything>` (for example
/// `myapp.auth.localhost:9229`), a custom domain by its own name; both only pick the pool for
/// the hosted pages, which the server's public URL serves for every pool too.
extension Cognate {
    static let reservedDomainWords = ["aws", "amazon", "cognito"]

    public func createUserPoolDomain(_ input: CreateUserPoolDomainRequest, _ ctx: CallContext) async throws -> CreateUserPoolDomainResponse {
        let pool = try await requirePool(input.userPoolId)
        let name = input.domain.lowercased()
        let custom = name.contains(".")
        if custom {
            guard input.customDomainConfig != nil else {
                throw CognitoError.invalidParameter("CustomDomainConfig is required for a custom domain.")
            }
            try Self.checkCustomDomain(name)
        } else {
            try Self.checkPrefix(name)
        }
        let existing = try await store.domains(poolId: pool.id)
        if existing.contains(where: { $0.isCustom == custom }) {
            throw CognitoError.invalidParameter("User pool \(pool.id) already has a \(custom ? "custom" : "prefix") domain configured.")
        }
        let domain = PoolDomain(
            domain: name, poolId: pool.id, customDomainConfig: custom ? input.customDomainConfig : nil,
            managedLoginVersion: input.managedLoginVersion ?? 1, createdAt: now
        )
        do {
            try await store.createDomain(domain)
        } catch StoreConflict.alreadyExists {
            throw CognitoError.invalidParameter("Domain already associated with another user pool.")
        }
        return CreateUserPoolDomainResponse(managedLoginVersion: domain.managedLoginVersion, cloudFrontDomain: custom ? publicHost : nil)
    }

    public func describeUserPoolDomain(_ input: DescribeUserPoolDomainRequest, _ ctx: CallContext) async throws -> DescribeUserPoolDomainResponse {
        // An unknown domain is not an error: Cognito answers with an empty description.
        guard let d = try await store.domain(input.domain.lowercased()) else { return DescribeUserPoolDomainResponse(domainDescription: DomainDescriptionType()) }
        return DescribeUserPoolDomainResponse(domainDescription: DomainDescriptionType(
            userPoolId: d.poolId, awsAccountId: deps.config.accountId, domain: d.domain, cloudFrontDistribution: publicHost,
            version: String(Int(d.createdAt)), status: "ACTIVE", customDomainConfig: d.customDomainConfig,
            managedLoginVersion: d.managedLoginVersion
        ))
    }

    public func updateUserPoolDomain(_ input: UpdateUserPoolDomainRequest, _ ctx: CallContext) async throws -> UpdateUserPoolDomainResponse {
        let pool = try await requirePool(input.userPoolId)
        let d = try await requireDomain(input.domain, pool: pool)
        let updated = try await store.updateDomain(d.domain) { d in
            if let v = input.managedLoginVersion { d.managedLoginVersion = v }
            if d.isCustom, let c = input.customDomainConfig { d.customDomainConfig = c }
        }
        return UpdateUserPoolDomainResponse(managedLoginVersion: updated.managedLoginVersion, cloudFrontDomain: updated.isCustom ? publicHost : nil)
    }

    public func deleteUserPoolDomain(_ input: DeleteUserPoolDomainRequest, _ ctx: CallContext) async throws -> DeleteUserPoolDomainResponse {
        let pool = try await requirePool(input.userPoolId)
        let d = try await requireDomain(input.domain, pool: pool)
        try await store.deleteDomain(d.domain)
        return DeleteUserPoolDomainResponse()
    }

    /// The pool a request's Host names: a custom domain, or `PREFIX.auth.…` for a prefix domain.
    /// nil for any other host (the public URL), where the app client picks the pool.
    public func poolId(forHost host: String) async throws -> String? {
        var name = host.lowercased()
        if name.hasPrefix("[") { return nil }
        if let colon = name.lastIndex(of: ":") { name = String(name[..<colon]) }
        while name.hasSuffix(".") { name.removeLast() }
        if name.contains("."), let d = try await store.domain(name), d.isCustom { return d.poolId }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 3, labels[1] == "auth" else { return nil }
        guard let d = try await store.domain(String(labels[0])), !d.isCustom else {
            throw CognitoError(.resourceNotFound, "No user pool has the domain \(labels[0]).")
        }
        return d.poolId
    }

    func requireDomain(_ name: String, pool: UserPool) async throws -> PoolDomain {
        guard let d = try await store.domain(name.lowercased()), d.poolId == pool.id else {
            throw CognitoError.invalidParameter("No such domain or user pool exists.")
        }
        return d
    }

    /// The pool's prefix and custom domain names, for DescribeUserPool.
    func domainNames(_ pool: UserPool) async throws -> (prefix: String?, custom: String?) {
        let all = try await store.domains(poolId: pool.id)
        return (all.first { !$0.isCustom }?.domain, all.first { $0.isCustom }?.domain)
    }

    /// Where a custom domain's DNS should point: this server's public host.
    var publicHost: String {
        URLComponents(string: deps.config.publicURL)?.host ?? deps.config.publicURL
    }

    static func checkPrefix(_ name: String) throws {
        let ok = name.range(of: #"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$"#, options: .regularExpression) != nil
        guard ok else { throw CognitoError.invalidParameter("Domain \(name) is not a valid domain prefix.") }
        if let word = reservedDomainWords.first(where: { name.contains($0) }) {
            throw CognitoError.invalidParameter("Domain cannot contain reserved word: \(word)")
        }
    }

    static func checkCustomDomain(_ name: String) throws {
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        let ok = labels.count >= 2 && labels.allSatisfy { l in
            !l.isEmpty && l.count <= 63 && !l.hasPrefix("-") && !l.hasSuffix("-") && l.allSatisfy { $0.isLetter && $0.isASCII || $0.isASCIIDigit || $0 == "-" }
        }
        guard ok else { throw CognitoError.invalidParameter("Domain \(name) is not a valid domain name.") }
    }
}
