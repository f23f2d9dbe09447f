import ArgumentParser
import CognateHTTP
import NIOCore
import NIOPosix

/// `cognate` with no subcommand serves.
@main
struct CognateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cognate",
        abstract: "A self-hosted, wire-compatible Amazon Cognito User Pools server.",
        subcommands: [Serve.self, Keys.self, Operations.self, WebhookKey.self],
        defaultSubcommand: Serve.self
    )

    /// Runs Swift concurrency on NIO's event loops before anything else is scheduled, so a
    /// request's handler runs on the threads that do its I/O instead of hopping to the default
    /// executor's threads and back (two thread wake-ups per request otherwise).
    static func main() async {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
