import ArgumentParser
import CognateHTTP
import Foundation
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (the default).")

    @Option(help: "Address to listen on. [env: COGNATE_HOST]") var host: String?
    @Option(help: "Port to listen on. [env: COGNATE_PORT] (default: 9229)") var port: Int?
    @Option(help: "Directory for the database and master key. [env: COGNATE_DATA_DIR] (default: ./.cognate)") var dataDir: String?
    @Option(help: "Database: a SQLite file path or sqlite:PATH. [env: COGNATE_DATABASE_URL] (default: DATA_DIR/cognate.sqlite)") var databaseURL: String?
    @Option(help: "Public base URL for token issuers and links. [env: COGNATE_PUBLIC_URL] (default: http://HOST:PORT)") var publicURL: String?
    @Option(help: "Region for requests without a SigV4 scope. [env: COGNATE_REGION] (default: us-east-1)") var region: String?
    @Flag(help: "Issue tokens with Cognito's issuer https://cognito-idp.REGION.amazonaws.com/POOL. [env: COGNATE_COGNITO_ISSUER=1]") var cognitoIssuer = false
    @Flag(help: "Development mode: serve GET /_dev/outbox with every code and message. [env: COGNATE_DEV=1]") var dev = false
    @Option(help: "Folder of *.mustache files replacing the hosted UI's templates (all of them). [env: COGNATE_UI_TEMPLATES]") var uiTemplates: String?
    @Option(help: "Log level (trace, debug, info, notice, warning, error). [env: COGNATE_LOG_LEVEL] (default: info)") var logLevel: String?

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        func flag(_ name: String) -> Bool { ["1", "true", "yes"].contains(env[name]?.lowercased() ?? "") }
        var config = ServerConfiguration()
        config.host = host ?? env["COGNATE_HOST"] ?? config.host
        if let p = port ?? env["COGNATE_PORT"].flatMap(Int.init) { config.port = p }
        config.dataDirectory = dataDir ?? env["COGNATE_DATA_DIR"] ?? config.dataDirectory
        config.databaseURL = databaseURL ?? env["COGNATE_DATABASE_URL"]
        config.publicURL = publicURL ?? env["COGNATE_PUBLIC_URL"]
        config.defaultRegion = region ?? env["COGNATE_REGION"] ?? config.defaultRegion
        config.cognitoIssuer = cognitoIssuer || flag("COGNATE_COGNITO_ISSUER")
        config.dev = dev || flag("COGNATE_DEV")
        config.masterKey = env["COGNATE_MASTER_KEY"]
        config.uiTemplatesDirectory = uiTemplates ?? env["COGNATE_UI_TEMPLATES"]

        var logger = Logger(label: "cognate")
        logger.logLevel = (logLevel ?? env["COGNATE_LOG_LEVEL"]).flatMap(Logger.Level.init(rawValue:)) ?? .info
        if config.databaseURL?.hasPrefix("postgres") == true {
            throw ValidationError("PostgreSQL is not supported yet; use a SQLite path.")
        }
        let banner = QuickStart.text(config)
        let app = try await buildApplication(config, logger: logger) { _ in
            // Written unbuffered: with stdout on a file or pipe, print() would hold it back.
            FileHandle.standardOutput.write(Data((banner + "\n").utf8))
        }
        try await app.runService()
    }
}

enum QuickStart {
    /// Lines a user can paste into a shell as they are; each builds on the one before.
    static func text(_ c: ServerConfiguration) -> String {
        let url = c.resolvedPublicURL
        return """

        Cognate is running at \(url)\(c.dev ? "  (development mode: codes at \(url)/_dev/outbox)" : "")
        Database: \(c.databasePath)

        Quick start with the AWS CLI (any credentials work):
          export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=\(c.defaultRegion)
          POOL=$(aws --endpoint-url \(url) cognito-idp create-user-pool --pool-name demo --query UserPool.Id --output text)
          CLIENT=$(aws --endpoint-url \(url) cognito-idp create-user-pool-client --user-pool-id $POOL --client-name web --explicit-auth-flows ALLOW_USER_PASSWORD_AUTH ALLOW_USER_SRP_AUTH ALLOW_REFRESH_TOKEN_AUTH --query UserPoolClient.ClientId --output text)
          aws --endpoint-url \(url) cognito-idp admin-create-user --user-pool-id $POOL --username alice --message-action SUPPRESS
          aws --endpoint-url \(url) cognito-idp admin-set-user-password --user-pool-id $POOL --username alice --password 'Str0ng#Pass' --permanent
          aws --endpoint-url \(url) cognito-idp initiate-auth --client-id $CLIENT --auth-flow USER_PASSWORD_AUTH --auth-parameters 'USERNAME=alice,PASSWORD=Str0ng#Pass'
          curl \(url)/$POOL/.well-known/jwks.json

        """
    }
}
