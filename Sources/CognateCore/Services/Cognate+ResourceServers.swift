import CognitoModel

/// Resource servers: the custom scopes (`identifier/scope`) that app clients may be allowed and
/// that client_credentials tokens carry.
extension Cognate {
    public func createResourceServer(_ input: CreateResourceServerRequest, _ ctx: CallContext) async throws -> CreateResourceServerResponse {
        let pool = try await requirePool(input.userPoolId)
        let server = ResourceServerType(userPoolId: pool.id, identifier: input.identifier, name: input.name, scopes: try Self.checkScopes(input.scopes))
        do {
            try await store.createResourceServer(server)
        } catch StoreConflict.alreadyExists {
            throw CognitoError.invalidParameter("\(input.identifier) already exists in user pool \(pool.id).")
        }
        return CreateResourceServerResponse(resourceServer: server)
    }

    public func describeResourceServer(_ input: DescribeResourceServerRequest, _ ctx: CallContext) async throws -> DescribeResourceServerResponse {
        let pool = try await requirePool(input.userPoolId)
        return DescribeResourceServerResponse(resourceServer: try await requireResourceServer(pool, input.identifier))
    }

    public func updateResourceServer(_ input: UpdateResourceServerRequest, _ ctx: CallContext) async throws -> UpdateResourceServerResponse {
        let pool = try await requirePool(input.userPoolId)
        _ = try await requireResourceServer(pool, input.identifier)
        let scopes = try Self.checkScopes(input.scopes)
        let updated = try await store.updateResourceServer(poolId: pool.id, identifier: input.identifier) { s in
            // Like Cognito's other updates, what the request leaves out is cleared.
            s.name = input.name
            s.scopes = scopes
        }
        return UpdateResourceServerResponse(resourceServer: updated)
    }

    public func deleteResourceServer(_ input: DeleteResourceServerRequest, _ ctx: CallContext) async throws -> EmptyResponse {
        let pool = try await requirePool(input.userPoolId)
        _ = try await requireResourceServer(pool, input.identifier)
        try await store.deleteResourceServer(poolId: pool.id, identifier: input.identifier)
        return EmptyResponse()
    }

    public func listResourceServers(_ input: ListResourceServersRequest, _ ctx: CallContext) async throws -> ListResourceServersResponse {
        let pool = try await requirePool(input.userPoolId)
        let limit = input.maxResults ?? 50
        let kind = "resource-servers:" + pool.id
        let after = try input.nextToken.map { try PageToken.decode($0, kind: kind) }
        let servers = try await store.listResourceServers(poolId: pool.id, after: after, limit: limit + 1)
        let page = Array(servers.prefix(limit))
        let next = servers.count > limit ? page.last.map { PageToken.encode($0.identifier ?? "", kind: kind) } : nil
        return ListResourceServersResponse(resourceServers: page, nextToken: next)
    }

    func requireResourceServer(_ pool: UserPool, _ identifier: String) async throws -> ResourceServerType {
        guard let s = try await store.resourceServer(poolId: pool.id, identifier: identifier) else {
            throw CognitoError(.resourceNotFound, "Resource server \(identifier) does not exist in user pool \(pool.id).")
        }
        return s
    }

    /// Every custom scope of the pool, as clients name them: `identifier/scope`.
    func customScopes(poolId: String) async throws -> Set<String> {
        var out: Set<String> = []
        var after: String?
        while true {
            let page = try await store.listResourceServers(poolId: poolId, after: after, limit: 100)
            for s in page {
                for scope in s.scopes ?? [] { out.insert("\(s.identifier ?? "")/\(scope.scopeName)") }
            }
            guard page.count == 100 else { return out }
            after = page.last?.identifier
        }
    }

    static func checkScopes(_ scopes: [ResourceServerScopeType]?) throws -> [ResourceServerScopeType] {
        var seen: Set<String> = []
        for s in scopes ?? [] where !seen.insert(s.scopeName).inserted {
            throw CognitoError.invalidParameter("Duplicate scope name \(s.scopeName).")
        }
        return scopes ?? []
    }
}
