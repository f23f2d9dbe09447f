import CognateCore
import CognitoModel
import Foundation

/// The dispatcher table: one typed handler per Cognito operation. Every request passes the same
/// pipeline — decode → validate against the model → handler → encode — and an operation that is
/// not registered does not exist (UnknownOperationException), so nothing pretends.
public struct ActionRegistry: Sendable {
    /// A handler bound to its use cases: request body in, response body out.
    struct Action: Sendable {
        /// The model's auth type: a SigV4-signed (IAM) operation rather than a public one.
        let signed: Bool
        let run: @Sendable (Data, CallContext) async throws -> Data
    }

    private var factories: [String: @Sendable (Cognate) -> Action] = [:]

    public init() {}

    /// The registered operation names, sorted (what `cognate operations` prints).
    public var operationNames: [String] { factories.keys.sorted() }

    /// The table with every handler bound to `cognate`.
    func bind(_ cognate: Cognate) -> [String: Action] {
        factories.mapValues { $0(cognate) }
    }

    /// The bound handlers without HTTP: request body in, response body out (decode, validate,
    /// handle, encode). The bench times the server's work below the HTTP layer with it.
    public func handlers(_ cognate: Cognate) -> [String: @Sendable (Data, CallContext) async throws -> Data] {
        bind(cognate).mapValues { $0.run }
    }

    public mutating func register<Input: ModelShape, Output: Encodable & Sendable>(
        _ name: String, _ method: @escaping @Sendable (Cognate) -> @Sendable (Input, CallContext) async throws -> Output
    ) {
        guard let info = CognitoOperations.named(name) else { preconditionFailure("\(name) is not an operation of the model") }
        factories[name] = { cognate in
            let handler = method(cognate)
            return Action(signed: info.requiresSignature) { body, ctx in
            let input = try Self.decode(Input.self, from: body)
            try Cognate.validate(input)
            let output = try await handler(input, ctx)
            if let fast = (output as? any FastJSONEncodable)?.fastJSON() { return Data(fast) }
            return try JSONEncoder().encode(output)
            }
        }
    }

    /// Decoding failures become Cognito's errors: a missing required member is a validation
    /// error; anything else wrong with the JSON is a SerializationException.
    static func decode<T: Decodable>(_ type: T.Type, from body: Data) throws -> T {
        if let fast = fastDecode(T.self, from: body) { return fast }
        do {
            return try JSONDecoder().decode(T.self, from: body.isEmpty ? Data("{}".utf8) : body)
        } catch DecodingError.keyNotFound(let key, let context) {
            let path = (context.codingPath + [key]).map(Self.pathComponent).joined(separator: ".")
            throw CognitoError(.invalidParameter, "1 validation error detected: Value null at '\(path)' failed to satisfy constraint: Member must not be null")
        } catch DecodingError.valueNotFound(_, let context) {
            let path = context.codingPath.map(Self.pathComponent).joined(separator: ".")
            throw CognitoError(.invalidParameter, "1 validation error detected: Value null at '\(path)' failed to satisfy constraint: Member must not be null")
        } catch DecodingError.typeMismatch(let type, let context) {
            let path = context.codingPath.map(Self.pathComponent).joined(separator: ".")
            throw CognitoError(.serialization, "Unexpected value at '\(path)': expected \(Self.wireType(type)).")
        } catch {
            throw CognitoError(.serialization, "The request body is not valid JSON.")
        }
    }

    /// AWS paths use the lowerCamel member name and 1-based `N.member` for list elements.
    static func pathComponent(_ key: any CodingKey) -> String {
        if let i = key.intValue { return "\(i + 1).member" }
        let s = key.stringValue
        guard let first = s.first else { return s }
        return first.lowercased() + s.dropFirst()
    }

    static func wireType(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        default: "an object or list"
        }
    }
}
