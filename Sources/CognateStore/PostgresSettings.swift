import Foundation
import NIOSSL
import PostgresNIO

/// Where PostgreSQL is and how to talk to it, read from a libpq-style URL:
/// `postgres://user:password@host:port/database?sslmode=disable|prefer|require|verify-ca|verify-full`
/// (`postgresql://` too). Pool size and timeouts come from the command line; `connect_timeout`
/// in the URL (seconds, as libpq reads it) is honoured as well.
public struct PostgresSettings: Sendable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String?
    public var sslMode: String
    /// Connections (and threads running transactions on them) per node.
    public var poolSize: Int = 10
    /// Seconds to wait for a connection before a request fails with InternalErrorException.
    public var connectTimeout: Double = 5
    /// Seconds a statement may run before the server cancels it.
    public var statementTimeout: Double = 10

    public static func isPostgresURL(_ url: String) -> Bool {
        url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
    }

    public init(url: String) throws {
        guard Self.isPostgresURL(url), let parts = URLComponents(string: url) else {
            throw PostgresSettingsError("Not a PostgreSQL URL (postgres://user:password@host:port/database): \(Self.redacted(url))")
        }
        guard let host = parts.host, !host.isEmpty else { throw PostgresSettingsError("The PostgreSQL URL names no host: \(Self.redacted(url))") }
        self.host = host
        port = parts.port ?? 5432
        username = parts.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        password = parts.password.flatMap { $0.removingPercentEncoding }
        let path = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        database = path.isEmpty ? nil : path.removingPercentEncoding
        let query = Dictionary((parts.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        sslMode = query["sslmode"] ?? "prefer"
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(sslMode) else {
            throw PostgresSettingsError("Unknown sslmode \(sslMode): use disable, prefer, require, verify-ca or verify-full.")
        }
        if let seconds = query["connect_timeout"] {
            guard let t = Double(seconds), t > 0 else { throw PostgresSettingsError("connect_timeout must be a number of seconds: \(seconds)") }
            connectTimeout = t
        }
    }

    /// TLS as libpq's sslmode means it: `require` encrypts without checking the certificate,
    /// `verify-ca` checks it against the system's roots, `verify-full` also checks the host name.
    var tls: PostgresClient.Configuration.TLS {
        func checking(_ verification: CertificateVerification) -> TLSConfiguration {
            var c = TLSConfiguration.makeClientConfiguration()
            c.certificateVerification = verification
            return c
        }
        switch sslMode {
        case "disable": return .disable
        case "allow", "prefer": return .prefer(checking(.none))
        case "require": return .require(checking(.none))
        case "verify-ca": return .require(checking(.noHostnameVerification))
        default: return .require(checking(.fullVerification))
        }
    }

    /// The URL with its password replaced, for messages and logs.
    public static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "***"
        return parts.string ?? url
    }

    /// Where this points, without the password (for the start-up banner).
    public var summary: String {
        "postgres://\(username)@\(host):\(port)/\(database ?? "") (sslmode=\(sslMode), pool \(poolSize))"
    }
}

public struct PostgresSettingsError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
