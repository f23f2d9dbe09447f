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
    /// Each operation's request reading alone: the body as its typed input would encode it
    /// (sorted keys), or the refusal. Tests walk the model with it.
    private(set) var readers: [String: @Sendable (Data) throws -> Data] = [:]

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
        readers[name] = { body in
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return try encoder.encode(try Self.decode(Input.self, shape: info.inputShape, from: body))
        }
        factories[name] = { cognate in
            let handler = method(cognate)
            return Action(signed: info.requiresSignature) { body, ctx in
            let input = try Self.decode(Input.self, shape: info.inputShape, from: body)
            try Cognate.validate(input)
            let output = try await handler(input, ctx)
            if let fast = (output as? any FastJSONEncodable)?.fastJSON() { return Data(fast) }
            return try JSONEncoder().encode(output)
            }
        }
    }

    /// Reads a request of the model structure `shape` as Cognito reads it. A JSON null is an
    /// absent value, also as an entry of a map or list (`"DEVICE_KEY": null`); a required member
    /// that is absent is a validation error naming every such member; anything else wrong with
    /// the JSON is a SerializationException.
    static func decode<T: Decodable>(_ type: T.Type, shape: String, from body: Data) throws -> T {
        if let fast = fastDecode(T.self, from: body) { return fast }
        do {
            return try decodeJSON(T.self, body.isEmpty ? Data("{}".utf8) : body)
        } catch DecodingError.keyNotFound, DecodingError.valueNotFound {
            // Rare: read again without the nulls, which only then costs a second parse.
            guard var value = JSONValue.parse([UInt8](body.isEmpty ? Data("{}".utf8) : body)) else {
                throw CognitoError(.serialization, "The request body is not valid JSON.")
            }
            if value == .null { value = .object([:]) }
            let kind = WireKind.structure(shape)
            value = ModelSchema.droppingNulls(value, kind: kind)
            let missing = ModelSchema.missingRequired(value, kind: kind)
            if !missing.isEmpty {
                let errors = missing.map { ValidationError(path: $0, message: "Value null at '\($0)' failed to satisfy constraint: Member must not be null") }
                throw CognitoError(.invalidParameter, ValidationError.summary(errors))
            }
            guard let cleaned = value.compactJSON() else { throw CognitoError(.serialization, "The request body is not valid JSON.") }
            do {
                return try decodeJSON(T.self, Data(cleaned))
            } catch DecodingError.keyNotFound(let key, let context) {
                throw Self.missingMember(context.codingPath + [key])
            } catch DecodingError.valueNotFound(_, let context) {
                throw Self.missingMember(context.codingPath)
            }
        }
    }

    /// JSONDecoder, with its refusals other than missing values as Cognito's errors.
    private static func decodeJSON<T: Decodable>(_ type: T.Type, _ body: Data) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch let error as DecodingError {
            switch error {
            case .keyNotFound, .valueNotFound: throw error
            case .typeMismatch(let type, let context):
                let path = context.codingPath.map(Self.pathComponent).joined(separator: ".")
                throw CognitoError(.serialization, "Unexpected value at '\(path)': expected \(Self.wireType(type)).")
            default:
                throw CognitoError(.serialization, "The request body is not valid JSON.")
            }
        } catch {
            throw CognitoError(.serialization, "The request body is not valid JSON.")
        }
    }

    private static func missingMember(_ codingPath: [any CodingKey]) -> CognitoError {
        let path = codingPath.map(Self.pathComponent).joined(separator: ".")
        return CognitoError(.invalidParameter, "1 validation error detected: Value null at '\(path)' failed to satisfy constraint: Member must not be null")
    }

    /// AWS paths name a member with a lower-case first letter, a map key as it was sent, and a
    /// list element `N.member` (1-based).
    static func pathComponent(_ key: any CodingKey) -> String {
        if let i = key.intValue { return "\(i + 1).member" }
        return key is any ModelMemberKey ? ModelSchema.memberName(key.stringValue) : key.stringValue
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
