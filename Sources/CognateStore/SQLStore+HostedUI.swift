import CognateCore
import CognitoModel
import Foundation

// The storage of the hosted UI and OAuth endpoints (migration 2).

extension SQLStore: DomainStore {
    public func createDomain(_ domain: PoolDomain) async throws {
        let data = try Self.encode(domain)
        try await db.write { tx in
            try Self.insertNew(tx, "INSERT INTO domains(domain, pool_id, data) VALUES (?, ?, ?)", [.text(domain.domain), .text(domain.poolId), data])
        }
    }

    public func domain(_ name: String) async throws -> PoolDomain? {
        try await readOne(PoolDomain.self, "SELECT data FROM domains WHERE domain = ?", [.text(name)])
    }

    public func domains(poolId: String) async throws -> [PoolDomain] {
        try await readAll(PoolDomain.self, "SELECT data FROM domains WHERE pool_id = ? ORDER BY domain", [.text(poolId)])
    }

    public func updateDomain(_ name: String, _ body: @escaping @Sendable (inout PoolDomain) throws -> Void) async throws -> PoolDomain {
        try await updateDocument(PoolDomain.self, table: "domains", key: "domain = ?", [.text(name)], body)
    }

    public func deleteDomain(_ name: String) async throws {
        try await db.write { tx in try tx.query("DELETE FROM domains WHERE domain = ?", [.text(name)]) }
    }
}

extension SQLStore: ResourceServerStore {
    public func createResourceServer(_ server: ResourceServerType) async throws {
        let data = try Self.encode(server)
        try await db.write { tx in
            try Self.insertNew(tx, "INSERT INTO resource_servers(pool_id, identifier, data) VALUES (?, ?, ?)", [.text(server.userPoolId ?? ""), .text(server.identifier ?? ""), data])
        }
    }

    public func resourceServer(poolId: String, identifier: String) async throws -> ResourceServerType? {
        try await readOne(ResourceServerType.self, "SELECT data FROM resource_servers WHERE pool_id = ? AND identifier = ?", [.text(poolId), .text(identifier)])
    }

    public func updateResourceServer(poolId: String, identifier: String, _ body: @escaping @Sendable (inout ResourceServerType) throws -> Void) async throws -> ResourceServerType {
        try await updateDocument(ResourceServerType.self, table: "resource_servers", key: "pool_id = ? AND identifier = ?", [.text(poolId), .text(identifier)], body)
    }

    public func deleteResourceServer(poolId: String, identifier: String) async throws {
        try await db.write { tx in
            try tx.query("DELETE FROM resource_servers WHERE pool_id = ? AND identifier = ?", [.text(poolId), .text(identifier)])
        }
    }

    public func listResourceServers(poolId: String, after: String?, limit: Int) async throws -> [ResourceServerType] {
        try await readAll(ResourceServerType.self, "SELECT data FROM resource_servers WHERE pool_id = ? AND identifier > ? ORDER BY identifier LIMIT ?",
                    [.text(poolId), .text(after ?? ""), .int(Int64(limit))])
    }
}

extension SQLStore: UICustomizationStore {
    public func putUICustomization(_ value: UICustomization) async throws {
        let data = try Self.encode(value)
        try await db.write { tx in
            try tx.query("INSERT INTO ui_customizations(pool_id, client_id, data) VALUES (?, ?, ?) ON CONFLICT (pool_id, client_id) DO UPDATE SET data = excluded.data", [.text(value.poolId), .text(value.clientId), data])
        }
    }

    public func uiCustomization(poolId: String, clientId: String) async throws -> UICustomization? {
        try await readOne(UICustomization.self, "SELECT data FROM ui_customizations WHERE pool_id = ? AND client_id = ?", [.text(poolId), .text(clientId)])
    }
}

extension SQLStore: AuthorizationCodeStore {
    /// Codes are kept an hour past their expiry, so that a late replay is still recognised.
    static let spentCodeRetention: Double = 3600

    public func putAuthorizationCode(_ code: AuthorizationCode) async throws {
        let data = try Self.encode(code)
        try await db.write { tx in
            try tx.query("DELETE FROM authorization_codes WHERE expires_at < ?", [.double(code.expiresAt - 300 - Self.spentCodeRetention)])
            try tx.query("INSERT INTO authorization_codes(code_hash, pool_id, username, expires_at, data) VALUES (?, ?, ?, ?, ?)",
                         [.blob(code.codeHash), .text(code.poolId), .text(code.username), .double(code.expiresAt), data])
        }
    }

    public func authorizationCode(hash: [UInt8]) async throws -> AuthorizationCode? {
        try await readOne(AuthorizationCode.self, "SELECT data FROM authorization_codes WHERE code_hash = ?", [.blob(hash)])
    }

    public func redeemAuthorizationCode(hash: [UInt8], originJti: String) async throws -> AuthorizationCode? {
        try await db.write { tx in
            guard let row = try tx.query("SELECT data FROM authorization_codes WHERE code_hash = ?", [.blob(hash)]).first else { return nil }
            let before = try Self.decode(AuthorizationCode.self, row)
            var after = before
            if before.redeemedWith == nil { after.redeemedWith = originJti } else { after.replayed = true }
            if after != before {
                try tx.query("UPDATE authorization_codes SET data = ? WHERE code_hash = ?", [try Self.encode(after), .blob(hash)])
            }
            return before
        }
    }
}

extension SQLStore: HostedSessionStore {
    public func putHostedSession(_ session: HostedSession) async throws {
        let data = try Self.encode(session)
        try await db.write { tx in
            try tx.query("DELETE FROM hosted_sessions WHERE expires_at < ?", [.double(session.expiresAt - 2 * 86400)])
            try tx.query("INSERT INTO hosted_sessions(id_hash, pool_id, username, expires_at, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id_hash) DO UPDATE SET pool_id = excluded.pool_id, username = excluded.username, expires_at = excluded.expires_at, data = excluded.data",
                         [.blob(session.idHash), .text(session.poolId), .text(session.username), .double(session.expiresAt), data])
        }
    }

    public func hostedSession(idHash: [UInt8]) async throws -> HostedSession? {
        try await readOne(HostedSession.self, "SELECT data FROM hosted_sessions WHERE id_hash = ?", [.blob(idHash)])
    }

    public func deleteHostedSession(idHash: [UInt8]) async throws {
        try await db.write { tx in try tx.query("DELETE FROM hosted_sessions WHERE id_hash = ?", [.blob(idHash)]) }
    }
}
