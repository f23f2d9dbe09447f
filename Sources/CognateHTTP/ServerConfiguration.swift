import CognateStore

/// Everything the server is configured with. Only the executable reads the environment and
/// arguments; tests build this directly.
public struct ServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 9229
    /// Where the SQLite database and the generated master key live.
    public var dataDirectory: String = ".cognate"
    /// A SQLite path (or `sqlite:PATH`), or a `postgres://` URL; nil means
    /// `<dataDirectory>/cognate.sqlite`. ":memory:" for tests.
    public var databaseURL: String?
    /// PostgreSQL: connections per node, seconds to wait for one, seconds a statement may run.
    public var databasePoolSize: Int = 10
    public var databaseConnectTimeout: Double = 5
    public var databaseStatementTimeout: Double = 10
    /// Base URL of token issuers and links; nil means `http://HOST:PORT`.
    public var publicURL: String?
    /// Issue tokens with Cognito's issuer (`https://cognito-idp.{region}.amazonaws.com/{poolId}`).
    public var cognitoIssuer: Bool = false
    /// 32-byte master key (hex or base64) for secrets at rest; nil means read or create `<dataDirectory>/master.key`.
    public var masterKey: String?
    /// The one credential whose SigV4 signatures signed (admin) operations must carry; nil
    /// accepts any signature (and none).
    public var accessCredential: AccessCredential?
    /// The region for requests that carry no SigV4 credential scope.
    public var defaultRegion: String = "us-east-1"
    /// Development mode: serves `GET /_dev/outbox`. Never on unless asked for.
    public var dev: Bool = false
    /// A folder of `*.mustache` files that replaces the hosted UI's built-in templates; it must
    /// hold all of them, or the server does not start.
    public var uiTemplatesDirectory: String?
    /// Bodies larger than this are refused before they are parsed.
    public var maxBodySize: Int = 1 << 20
    /// `smtp://user:pass@host:port` or `smtps://…`; nil: e-mail goes to the log (and the dev outbox).
    public var smtpURL: String?
    /// PEM certificates to trust for the SMTP server's TLS certificate; nil: the system's.
    public var smtpCAFile: String?
    /// From address for pools whose EmailConfiguration names none.
    public var smtpFrom: String = "no-reply@verificationemail.com"
    /// URL that SMS messages are POSTed to; nil: SMS goes to the log (and the dev outbox).
    public var smsWebhookURL: String?
    /// Key for the webhook signature; nil: derived from the master key (`cognate webhook-key`).
    public var webhookSecret: String?
    /// Lambda ARNs (or function names) to webhook URLs.
    public var triggerMap: [String: String] = [:]
    public var triggerTimeout: Double = 5
    /// The longest wait between tries of a message whose sending failed.
    public var deliveryMaxBackoff: Double = 300

    public init() {}

    public var resolvedPublicURL: String {
        var url = publicURL ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    public var isPostgres: Bool { databaseURL.map(PostgresSettings.isPostgresURL) ?? false }

    /// The PostgreSQL URL with the pool and timeout options.
    public func postgresSettings() throws -> PostgresSettings {
        var settings = try PostgresSettings(url: databaseURL ?? "")
        settings.poolSize = databasePoolSize
        settings.statementTimeout = databaseStatementTimeout
        if !(databaseURL ?? "").contains("connect_timeout=") { settings.connectTimeout = databaseConnectTimeout }
        return settings
    }

    /// What the start-up banner says the database is (never a password).
    public var databaseSummary: String {
        if isPostgres, let s = try? postgresSettings() { return s.summary }
        return databasePath
    }

    public var databasePath: String {
        guard var url = databaseURL else { return dataDirectory + "/cognate.sqlite" }
        if url.hasPrefix("sqlite://") { url.removeFirst("sqlite://".count) } else if url.hasPrefix("sqlite:") { url.removeFirst("sqlite:".count) }
        return url
    }
}
