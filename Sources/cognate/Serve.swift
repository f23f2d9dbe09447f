import ArgumentParser
import CognateHTTP
import Foundation
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (the default).")

    @Option(help: "Address to listen on. [env: COGNATE_HOST]") var host: String?
    @Option(help: "Port to listen on. [env: COGNATE_PORT] (default: 9229)") var port: Int?
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Public base URL for token issuers and links. [env: COGNATE_PUBLIC_URL] (default: http://HOST:PORT)") var publicURL: String?
    @Option(help: "Region for requests without a SigV4 scope. [env: COGNATE_REGION] (default: us-east-1)") var region: String?
    @Option(help: "Access key id that signed (admin) operations must be SigV4-signed with, beside --secret-access-key. [env: COGNATE_ACCESS_KEY_ID] (default: any signature is accepted)") var accessKeyId: String?
    @Option(help: "Secret access key of --access-key-id. [env: COGNATE_SECRET_ACCESS_KEY]") var secretAccessKey: String?
    @Flag(help: "Listen on a non-loopback address with signed (admin) operations open to any signature. [env: COGNATE_ALLOW_UNSIGNED_ADMIN=1]") var allowUnsignedAdmin = false
    @Flag(help: "Issue tokens with Cognito's issuer https://cognito-idp.REGION.amazonaws.com/POOL. [env: COGNATE_COGNITO_ISSUER=1]") var cognitoIssuer = false
    @Flag(help: "Development mode: serve GET /_dev/outbox with every code and message. [env: COGNATE_DEV=1]") var dev = false
    @Option(help: "Folder of *.mustache files replacing the hosted UI's templates (all of them). [env: COGNATE_UI_TEMPLATES]") var uiTemplates: String?
    @Option(help: "Log level (trace, debug, info, notice, warning, error). [env: COGNATE_LOG_LEVEL] (default: info)") var logLevel: String?
    @Option(help: "Send e-mail over SMTP: smtp://[user:pass@]host[:port] (STARTTLS when offered) or smtps://… [env: COGNATE_SMTP_URL] (default: e-mail goes to the log)") var smtpURL: String?
    @Option(help: "PEM file of certificate authorities to trust for SMTP's TLS. [env: COGNATE_SMTP_CA_FILE] (default: the system's)") var smtpCAFile: String?
    @Option(help: "From address for pools whose EmailConfiguration names none. [env: COGNATE_SMTP_FROM] (default: no-reply@verificationemail.com)") var smtpFrom: String?
    @Option(help: "POST SMS messages as signed JSON to this URL. [env: COGNATE_SMS_WEBHOOK] (default: SMS goes to the log)") var smsWebhook: String?
    @Option(help: "Key that signs webhook bodies (X-Cognate-Signature). [env: COGNATE_WEBHOOK_SECRET] (default: derived from the master key; see `cognate webhook-key`)") var webhookSecret: String?
    @Option(help: "JSON file mapping Lambda ARNs or function names to webhook URLs. [env: COGNATE_TRIGGER_MAP]") var triggerMap: String?
    @Option(help: "Longest wait in seconds between tries of a message that could not be sent. [env: COGNATE_DELIVERY_MAX_BACKOFF] (default: 300)") var deliveryMaxBackoff: Double?

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        func flag(_ name: String) -> Bool { ["1", "true", "yes"].contains(env[name]?.lowercased() ?? "") }
        var config = ServerConfiguration()
        config.host = host ?? env["COGNATE_HOST"] ?? config.host
        if let p = port ?? env["COGNATE_PORT"].flatMap(Int.init) { config.port = p }
        try database.apply(to: &config, env: env)
        config.publicURL = publicURL ?? env["COGNATE_PUBLIC_URL"]
        config.defaultRegion = region ?? env["COGNATE_REGION"] ?? config.defaultRegion
        let keyId = accessKeyId ?? env["COGNATE_ACCESS_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = secretAccessKey ?? env["COGNATE_SECRET_ACCESS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        switch (keyId, secret) {
        case (let id?, let secret?): config.accessCredential = AccessCredential(accessKeyId: id, secretAccessKey: secret)
        case (nil, nil): break
        default: throw ValidationError("Set both --access-key-id and --secret-access-key (or neither).")
        }
        config.cognitoIssuer = cognitoIssuer || flag("COGNATE_COGNITO_ISSUER")
        config.dev = dev || flag("COGNATE_DEV")
        config.uiTemplatesDirectory = uiTemplates ?? env["COGNATE_UI_TEMPLATES"]
        config.smtpURL = smtpURL ?? env["COGNATE_SMTP_URL"].flatMap { $0.isEmpty ? nil : $0 }
        config.smtpFrom = smtpFrom ?? env["COGNATE_SMTP_FROM"] ?? config.smtpFrom
        config.smtpCAFile = smtpCAFile ?? env["COGNATE_SMTP_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        config.smsWebhookURL = smsWebhook ?? env["COGNATE_SMS_WEBHOOK"].flatMap { $0.isEmpty ? nil : $0 }
        config.webhookSecret = webhookSecret ?? env["COGNATE_WEBHOOK_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        if let b = deliveryMaxBackoff ?? env["COGNATE_DELIVERY_MAX_BACKOFF"].flatMap(Double.init) { config.deliveryMaxBackoff = max(b, 0.1) }
        if let file = triggerMap ?? env["COGNATE_TRIGGER_MAP"].flatMap({ $0.isEmpty ? nil : $0 }) {
            config.triggerMap = try Self.readTriggerMap(file)
        }

        var logger = Logger(label: "cognate")
        logger.logLevel = (logLevel ?? env["COGNATE_LOG_LEVEL"]).flatMap(Logger.Level.init(rawValue:)) ?? .info
        if config.accessCredential == nil, !config.dev, !Self.isLoopback(config.host), !(allowUnsignedAdmin || flag("COGNATE_ALLOW_UNSIGNED_ADMIN")) {
            throw ValidationError("""
                Listening on \(config.host) would open the signed (admin) operations to anyone who reaches it: \
                set --access-key-id and --secret-access-key (admin calls must then be signed with them), \
                or pass --allow-unsigned-admin to accept that.
                """)
        }
        if config.accessCredential == nil {
            logger.warning("signed (admin) operations accept any signature: anyone who reaches this port can administer every pool; set --access-key-id and --secret-access-key")
        }
        let banner = QuickStart.text(config)
        let app = try await buildApplication(config, logger: logger) { _ in
            // Written unbuffered: with stdout on a file or pipe, print() would hold it back.
            FileHandle.standardOutput.write(Data((banner + "\n").utf8))
        }
        try await app.runService()
    }

    /// Only this machine can reach the address (where "any signature" is a local server's default).
    static func isLoopback(_ host: String) -> Bool {
        let h = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return h == "localhost" || h == "::1" || h.hasPrefix("127.")
    }

    /// `{"arn:aws:lambda:…:function:name": "https://…", "other-function": "http://…"}`
    static func readTriggerMap(_ file: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("Cannot read the trigger map \(file).") }
        guard let map = try? JSONDecoder().decode([String: String].self, from: data) else {
            throw ValidationError("The trigger map \(file) must be a JSON object of ARNs or function names to URLs.")
        }
        for (arn, url) in map where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ValidationError("The trigger map gives \(arn) a URL that is not http(s): \(url)")
        }
        return map
    }
}

/// Prints the key webhooks are signed with when no --webhook-secret is set.
struct WebhookKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the key webhook signatures use (derived from the master key).")
    @Option(help: "Directory holding master.key. [env: COGNATE_DATA_DIR] (default: ./.cognate)") var dataDir: String?

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        var config = ServerConfiguration()
        config.dataDirectory = dataDir ?? env["COGNATE_DATA_DIR"] ?? config.dataDirectory
        config.masterKey = env["COGNATE_MASTER_KEY"]
        if let secret = env["COGNATE_WEBHOOK_SECRET"], !secret.isEmpty {
            print(secret)
            return
        }
        print(String(decoding: try Bootstrap.derivedWebhookKey(config), as: UTF8.self))
    }
}

enum QuickStart {
    /// Lines a user can paste into a shell as they are; each builds on the one before.
    static func text(_ c: ServerConfiguration) -> String {
        let url = c.resolvedPublicURL
        return """

        Cognate is running at \(url)\(c.dev ? "  (development mode: codes at \(url)/_dev/outbox)" : "")
        Database: \(c.databaseSummary)

        Quick start with the AWS CLI (\(c.accessCredential == nil ? "any credentials work" : "admin calls need the configured key")):
          export AWS_ACCESS_KEY_ID=\(c.accessCredential?.accessKeyId ?? "local") AWS_SECRET_ACCESS_KEY=\(c.accessCredential == nil ? "local" : "\"$COGNATE_SECRET_ACCESS_KEY\"") AWS_DEFAULT_REGION=\(c.defaultRegion)
          POOL=$(aws --endpoint-url \(url) cognito-idp create-user-pool --pool-name demo --query UserPool.Id --output text)
          CLIENT=$(aws --endpoint-url \(url) cognito-idp create-user-pool-client --user-pool-id $POOL --client-name web --explicit-auth-flows ALLOW_USER_PASSWORD_AUTH ALLOW_USER_SRP_AUTH ALLOW_REFRESH_TOKEN_AUTH --query UserPoolClient.ClientId --output text)
          aws --endpoint-url \(url) cognito-idp admin-create-user --user-pool-id $POOL --username alice --message-action SUPPRESS
          aws --endpoint-url \(url) cognito-idp admin-set-user-password --user-pool-id $POOL --username alice --password 'Str0ng#Pass' --permanent
          aws --endpoint-url \(url) cognito-idp initiate-auth --client-id $CLIENT --auth-flow USER_PASSWORD_AUTH --auth-parameters 'USERNAME=alice,PASSWORD=Str0ng#Pass'
          curl \(url)/$POOL/.well-known/jwks.json

        """
    }
}
