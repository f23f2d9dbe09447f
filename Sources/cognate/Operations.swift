import ArgumentParser
import CognateHTTP

/// Prints the operations this build implements, one per line (docs/compatibility.md is generated from it).
struct Operations: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the Cognito operations this build implements.")

    func run() throws {
        for name in ActionRegistry.cognate.operationNames { print(name) }
    }
}
