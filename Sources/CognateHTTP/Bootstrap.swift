import CognateCore
import CognateCrypto
import CognateDelivery
import CognateStore
import Foundation
import Logging

/// Opens the store and sets up keys: the master key (from configuration, or a file created on
/// first start), the session key every node shares (stored sealed under the master key), and
/// the key that hashes one-time codes (derived from the master key).
public struct Bootstrap {
    /// The store and keys, before delivery is wired to them.
    public struct Opened: Sendable {
        public let store: SQLStore
        public let random: OpenSSLRandom
        public let digests: OpenSSLDigests
        public let atRest: AESGCMBox
        let masterKey: [UInt8]
        let sessions: AESGCMBox
        let config: ServerConfiguration

        /// `triggers` defaults to webhooks as the configuration sets them up.
        public func dependencies(delivery: any MessageDelivery, triggers: (any Triggers)? = nil) throws -> Dependencies {
            Dependencies(
                store: store, random: random, time: SystemTime(), digests: digests, atRest: atRest, sessions: sessions,
                codeHashKey: digests.hmacSHA256(key: masterKey, data: Array("cognate code hash key".utf8)),
                feedbackKey: digests.hmacSHA256(key: masterKey, data: Array("cognate auth event feedback key".utf8)),
                signing: OpenSSLTokenSigning(random: random), srp: CognitoSRP(), otp: OpenSSLOneTimePasswords(), delivery: delivery, compute: ThreadPoolCompute(),
                config: CoreConfig(publicURL: config.resolvedPublicURL, cognitoIssuer: config.cognitoIssuer),
                triggers: triggers ?? webhookTriggers()
            )
        }

        public var webhookSigner: WebhookSigner {
            WebhookSigner(key: config.webhookSecret.map { Array($0.utf8) } ?? derivedWebhookKey, digests: digests)
        }

        /// Without a configured secret, webhooks are signed with a key derived from the master key
        /// (so every node of a deployment agrees); `cognate webhook-key` prints it.
        var derivedWebhookKey: [UInt8] {
            Array(Hex.encode(digests.hmacSHA256(key: masterKey, data: Array("cognate webhook signing key".utf8))).utf8)
        }

        public func webhookTriggers() -> WebhookTriggers {
            WebhookTriggers(signer: webhookSigner, map: config.triggerMap, timeout: config.triggerTimeout, time: SystemTime())
        }
    }

    public static func dependencies(_ config: ServerConfiguration, delivery: any MessageDelivery, logger: Logger) async throws -> Dependencies {
        try await open(config, logger: logger).dependencies(delivery: delivery)
    }

    /// Opens the store and sets up keys: the master key (from configuration, or a file created on
    /// first start), the session key every node shares (stored sealed under the master key), and
    /// the key that hashes one-time codes (derived from the master key).
    ///
    /// A master key other than the one the database was made with is refused here, with a
    /// message saying so, rather than by every request that unseals something. `existing`
    /// (the `keys` commands) neither creates a SQLite database nor a master key.
    public static func open(_ config: ServerConfiguration, logger: Logger, existing: Bool = false) async throws -> Opened {
        if existing, config.masterKey == nil, !FileManager.default.fileExists(atPath: config.dataDirectory + "/master.key") {
            throw BootstrapError("No master key: set COGNATE_MASTER_KEY or point --data-dir at the directory holding the server's master.key.")
        }
        let store: SQLStore
        if config.isPostgres {
            let settings = try config.postgresSettings()
            do {
                store = try await SQLStore(postgres: PostgresDatabase(settings, logger: logger))
            } catch {
                throw BootstrapError("Cannot open the PostgreSQL database \(settings.summary): \(error)")
            }
        } else {
            let path = config.databasePath
            if existing, path != ":memory:", !FileManager.default.fileExists(atPath: path) {
                throw BootstrapError("There is no database at \(path): point --data-dir or --database-url at the server's.")
            }
            if path != ":memory:" {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            }
            store = try SQLStore(path: path)
        }
        let random = OpenSSLRandom()
        let digests = OpenSSLDigests()
        let master = try masterKey(config, random: random, logger: logger)
        let atRest = try AESGCMBox(key: master.bytes, random: random)
        let sessionKey: [UInt8]
        do {
            sessionKey = try await checkedSessionKey(store, atRest: atRest, random: random)
        } catch let error as CryptoFailure where error == .authenticationFailed {
            await store.shutdown()
            throw mismatch(config, master)
        }
        return Opened(
            store: store, random: random, digests: digests, atRest: atRest, masterKey: master.bytes,
            sessions: try AESGCMBox(key: sessionKey, random: random), config: config
        )
    }

    /// The session key, stored sealed under the master key on first start; opening it is the
    /// check that this node has the database's master key (AES-GCM refuses any other). A
    /// signing key is opened first, should a database hold keys but no session key yet, so
    /// that such a node does not store a session key under the wrong master key.
    static func checkedSessionKey(_ store: SQLStore, atRest: AESGCMBox, random: OpenSSLRandom) async throws -> [UInt8] {
        if let pool = try await store.listPools(after: nil, limit: 1).first, let key = try await store.signingKeys(poolId: pool.id).first {
            _ = try atRest.open(key.sealedPrivateKey, aad: Cognate.keyAAD(pool.id))
        }
        let aad = Array("session-key".utf8)
        let sealed = try await store.setting("session-key", orInsert: try atRest.seal(random.bytes(count: 32), aad: aad))
        return try atRest.open(sealed, aad: aad)
    }

    /// What a node whose master key is not the database's is told. A key the node has just made
    /// (it was given none) is removed again, so that the next start is not left with it.
    static func mismatch(_ config: ServerConfiguration, _ master: MasterKey) -> BootstrapError {
        let came: String
        switch master.source {
        case .configured: came = "This node's key came from COGNATE_MASTER_KEY."
        case .file(let path): came = "This node's key came from \(path)."
        case .created(let path):
            try? FileManager.default.removeItem(atPath: path)
            came = "This node was given none, so it made a new one (\(path), removed again)."
        }
        return BootstrapError("""
            The master key does not match the one this database (\(config.databaseSummary)) was created with: \
            every node on one database must be given the same key, as COGNATE_MASTER_KEY or as master.key in \
            its --data-dir (COGNATE_DATA_DIR). \(came)
            """)
    }

    /// The webhook key derived from an existing master key (none is created).
    public static func derivedWebhookKey(_ config: ServerConfiguration) throws -> [UInt8] {
        guard config.masterKey != nil || FileManager.default.fileExists(atPath: config.dataDirectory + "/master.key") else {
            throw BootstrapError("No master key: set COGNATE_MASTER_KEY or point --data-dir at a server's data directory.")
        }
        let digests = OpenSSLDigests()
        let master = try masterKey(config, random: OpenSSLRandom(), logger: Logger(label: "cognate")).bytes
        return Array(Hex.encode(digests.hmacSHA256(key: master, data: Array("cognate webhook signing key".utf8))).utf8)
    }

    struct MasterKey {
        enum Source { case configured, file(String), created(String) }
        var bytes: [UInt8]
        var source: Source
    }

    static func masterKey(_ config: ServerConfiguration, random: any RandomSource, logger: Logger) throws -> MasterKey {
        if let given = config.masterKey {
            guard let key = parseKey(given) else { throw BootstrapError("The master key must be 32 bytes, as 64 hex digits or base64.") }
            return MasterKey(bytes: key, source: .configured)
        }
        let file = config.dataDirectory + "/master.key"
        if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            guard let key = parseKey(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw BootstrapError("\(file) does not hold a 32-byte key.") }
            return MasterKey(bytes: key, source: .file(file))
        }
        try FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
        let key = random.bytes(count: 32)
        guard FileManager.default.createFile(atPath: file, contents: Data((Hex.encode(key) + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw BootstrapError("Cannot write \(file).")
        }
        logger.notice("created a new master key", metadata: ["file": "\(file)"])
        return MasterKey(bytes: key, source: .created(file))
    }

    static func parseKey(_ text: String) -> [UInt8]? {
        if text.count == 64, let k = Hex.decode(text) { return k }
        if let k = Base64.decode(text), k.count == 32 { return k }
        return nil
    }
}

public struct BootstrapError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
