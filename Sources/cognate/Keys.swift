import ArgumentParser
import CognateCore
import CognateHTTP
import Foundation
import Logging

/// `cognate keys rotate|list`: the pools' token signing keys, worked on in the database
/// directly (a running server's too: SQLite lets several processes share the file, and every
/// node reads the keys from the database). The rules are the core's (`Cognate+SigningKeys`).
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rotate and list a pool's token signing keys, on the database directly.",
        discussion: "Exit status: 0 on success; 1 when the pool, the database or its master key is not there or does not match.",
        subcommands: [Rotate.self, List.self]
    )

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a new ID and access key: published by every node within a second, signing after --delay.",
            discussion: """
                The keys they supersede stay published until every token they signed has expired (the pool's \
                longest ID or access token lifetime, plus five minutes, after the new keys activate), then \
                leave the JWKS. The delay must exceed the time anything verifying tokens caches the JWKS \
                (Cognate sends it with max-age=300).
                """
        )
        @Option(help: "The user pool id.") var pool: String
        @Option(help: "How long until the new keys sign: seconds, or a number with s, m, h or d.") var delay: KeyDelay = KeyDelay(seconds: 86400)
        @Flag(help: "Print the pool's keys as JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            if delay.seconds < 300 {
                FileHandle.standardError.write(Data("""
                    note: a delay under 5 minutes: a verifier holding a JWKS fetched before now (Cognate sends it with \
                    max-age=300) may meet tokens signed with a key it does not know yet.\n
                    """.utf8))
            }
            let keys = try await KeysSession.with(database, pool: pool) { cognate in
                try await cognate.rotateSigningKeys(poolId: pool, delay: delay.seconds)
            }
            if json { return KeysOutput.json(pool: pool, keys) }
            let activates = keys.filter { $0.generation == keys.map(\.generation).max() }.first?.activatesAt ?? 0
            print("New signing keys for \(pool): published now (every node within a second), signing from \(KeysOutput.time(activates)).")
            print("Running nodes read them from the database: their JWKS lists them within a second, and each signs with them at most a minute after that time.")
            print("")
            KeysOutput.table(keys)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a pool's signing keys with their times and state (pending, active, retiring).")
        @Option(help: "The user pool id.") var pool: String
        @Flag(help: "Print them as JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let keys = try await KeysSession.with(database, pool: pool) { cognate in try await cognate.signingKeyInfo(poolId: pool) }
            if json { return KeysOutput.json(pool: pool, keys) }
            KeysOutput.table(keys)
        }
    }
}

/// A seconds count written as `90`, `90s`, `15m`, `1h` or `2d`.
struct KeyDelay: ExpressibleByArgument {
    var seconds: Double

    init(seconds: Double) { self.seconds = seconds }

    init?(argument: String) {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var text = Substring(argument.trimmingCharacters(in: .whitespaces))
        var unit = 1.0
        if let last = text.last, let u = units[last] {
            unit = u
            text = text.dropLast()
        }
        guard let n = Double(text), n >= 0, n.isFinite else { return nil }
        seconds = n * unit
    }

    var defaultValueDescription: String { "24h" }
}

/// The core over the configured database, for one command.
enum KeysSession {
    static func with<T>(_ database: DatabaseOptions, pool: String, _ body: (Cognate) async throws -> T) async throws -> T {
        var config = ServerConfiguration()
        try database.apply(to: &config, env: ProcessInfo.processInfo.environment)
        var logger = Logger(label: "cognate")
        logger.logLevel = .warning
        let opened: Bootstrap.Opened
        do {
            opened = try await Bootstrap.open(config, logger: logger, existing: true)
        } catch let error as BootstrapError {
            throw KeysError(error.description)
        }
        do {
            let result = try await body(Cognate(try opened.dependencies(delivery: LogDelivery(logger: logger, outbox: nil))))
            await opened.store.shutdown()
            return result
        } catch {
            await opened.store.shutdown()
            if let e = error as? CognitoError, e.code == .resourceNotFound { throw KeysError("There is no user pool \(pool) in \(config.databaseSummary).") }
            throw error
        }
    }
}

struct KeysError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum KeysOutput {
    static func time(_ t: Double) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date(timeIntervalSince1970: t))
    }

    static func table(_ keys: [SigningKeyInfo]) {
        let rows = [["KID", "USE", "GEN", "CREATED", "ACTIVATES", "RETIRES", "STATE"]] + keys.map { k in
            [k.kid, k.use.rawValue, "\(k.generation)", time(k.createdAt), time(k.activatesAt), k.retiresAt.map(time) ?? "-", k.state.rawValue]
        }
        let widths = rows[0].indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
        for row in rows {
            print(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
    }

    struct Document: Encodable {
        struct Key: Encodable {
            var kid, use: String
            var generation: Int
            var created, activates: String
            var retires: String?
            var state: String

            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(kid, forKey: .kid)
                try c.encode(use, forKey: .use)
                try c.encode(generation, forKey: .generation)
                try c.encode(created, forKey: .created)
                try c.encode(activates, forKey: .activates)
                try c.encode(retires, forKey: .retires)  // null rather than absent
                try c.encode(state, forKey: .state)
            }

            enum CodingKeys: String, CodingKey { case kid, use, generation, created, activates, retires, state }
        }
        var poolId: String
        var keys: [Key]
    }

    static func json(pool: String, _ keys: [SigningKeyInfo]) {
        let doc = Document(poolId: pool, keys: keys.map {
            .init(kid: $0.kid, use: $0.use.rawValue, generation: $0.generation, created: time($0.createdAt), activates: time($0.activatesAt),
                  retires: $0.retiresAt.map(time), state: $0.state.rawValue)
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: (try? encoder.encode(doc)) ?? Data(), as: UTF8.self))
    }
}
