import ArgumentParser
import CognateHTTP

/// `cognate` with no subcommand serves.
@main
struct CognateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cognate",
        abstract: "A self-hosted, wire-compatible Amazon Cognito User Pools server.",
        subcommands: [Serve.self, Operations.self, WebhookKey.self],
        defaultSubcommand: Serve.self
    )
}
