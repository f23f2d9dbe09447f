import CognateCore
import CognateCrypto
import CognateHTTP
import CognateStore
import CognitoModel
import Foundation
import Logging

/// Bulk seeding for the memory figures: a pool with `users` users written through the real store
/// in-process (no HTTP), so a million users take minutes, not hours. The first `signInUsers`
/// go through the use cases (AdminCreateUser + AdminSetUserPassword) and can sign in; the rest
/// are imported in batches with an index built by the core and a sealed verifier of the real
/// size, but random, since nothing signs in as them.
enum Seed {
    struct Outcome: Codable {
        var poolId: String
        var clientId: String
        var users: Int
        var signInUsers: Int
        var seconds: Double
    }

    static func run(database: String, masterKey: String, users: Int, signInUsers: Int) async throws -> Outcome {
        let started = Date()
        var config = ServerConfiguration()
        config.databaseURL = database
        // A PostgreSQL URL has no folder beside it; the master key is given, so nothing is kept there.
        config.dataDirectory = database.hasPrefix("postgres") ? NSTemporaryDirectory() : (database as NSString).deletingLastPathComponent
        config.masterKey = masterKey
        var logger = Logger(label: "seed")
        logger.logLevel = .warning
        let deps = try await Bootstrap.dependencies(config, delivery: LogDelivery(logger: logger, outbox: nil), logger: logger)
        guard let store = deps.store as? SQLStore else { throw CheckFailure("seeding needs the SQL store") }
        let cognate = Cognate(deps)
        let ctx = CallContext(region: "us-east-1", requestId: "seed")
        let created = try await cognate.createUserPool(CreateUserPoolRequest(poolName: "seeded"), ctx)
        let poolId = created.userPool?.id ?? ""
        let client = try await cognate.createUserPoolClient(CreateUserPoolClientRequest(
            userPoolId: poolId, clientName: "bench",
            explicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH"]), ctx)
        let clientId = client.userPoolClient?.clientId ?? ""
        guard let pool = try await cognate.pool(id: poolId) else { throw CheckFailure("no pool") }

        func attributes(_ name: String) -> [AttributeType] {
            [AttributeType(name: "email", value: "\(name)@example.com"), AttributeType(name: "email_verified", value: "true")]
        }
        let real = min(signInUsers, users)
        for i in 0..<real {
            let name = String(format: "user%07d", i)
            _ = try await cognate.adminCreateUser(AdminCreateUserRequest(
                userPoolId: poolId, username: name, userAttributes: attributes(name), temporaryPassword: "Temp#Pass1", messageAction: "SUPPRESS"), ctx)
            _ = try await cognate.adminSetUserPassword(AdminSetUserPasswordRequest(userPoolId: poolId, username: name, password: Target.password, permanent: true), ctx)
        }
        let random = OpenSSLRandom()
        let batch = 20_000
        var i = real
        let now = Date().timeIntervalSince1970
        while i < users {
            let end = min(users, i + batch)
            var list: [User] = []
            list.reserveCapacity(end - i)
            for j in i..<end {
                let name = String(format: "user%07d", j)
                let sub = UUID().uuidString.lowercased()
                var salt = random.bytes(count: 16)
                if salt[0] == 0 { salt[0] = 1 }
                // Same AAD as the server's verifier boxes, so the record is well-formed.
                let sealed = try deps.atRest.seal(random.bytes(count: 384), aad: Array("verifier:\(poolId):\(name)".utf8))
                let user = User(
                    poolId: poolId, username: name, sub: sub,
                    attributes: ["email": "\(name)@example.com", "email_verified": "true"],
                    status: .confirmed, enabled: true, createdAt: now, modifiedAt: now,
                    password: PasswordRecord(salt: salt, sealedVerifier: sealed, setAt: now, expiresAt: nil))
                list.append(Cognate.indexed(user, in: pool))
            }
            try await store.importUsers(list)
            i = end
            if (i / batch) % 10 == 0 { FileHandle.standardError.write(Data("seeded \(i) users\n".utf8)) }
        }
        return Outcome(poolId: poolId, clientId: clientId, users: users, signInUsers: real, seconds: Date().timeIntervalSince(started))
    }
}
