@testable import CognateHTTP
import CognateCore
import CognitoModel
import Foundation
import Testing

/// Requests are read as Cognito reads them: a JSON null is an absent value, a null entry of a map
/// or list is dropped, and a missing required member is named as AWS names it. Walks the model:
/// every registered operation, every member of its request, nested shapes included.
@Suite("Nulls in requests")
struct NullReadingTests {
    /// How a request body is built from the model's schema.
    enum Fill {
        /// Every member with a value.
        case everything
        /// Every member with a value, plus a null entry in every map and a null element in every list.
        case everythingWithNullEntries
        /// Required members with a value, optional ones absent.
        case requiredOnly
        /// Required members with a value, optional ones present as null.
        case requiredWithNullOptionals
    }

    static func sample(_ kind: WireKind, _ fill: Fill) -> JSONValue {
        switch kind {
        case .string: return .string("x")
        case .integer: return .int(1)
        case .boolean: return .bool(true)
        case .timestamp: return .number(1.5)
        case .blob: return .string("eA==")
        case .document: return .object(["kept": .null])
        case .structure(let shape): return body(shape, fill)
        case .list(let element):
            let item = sample(element, fill)
            return .array(fill == .everythingWithNullEntries ? [.null, item, .null] : [item])
        case .map(let element):
            var entries: [String: JSONValue] = ["KEY_one": sample(element, fill)]
            if fill == .everythingWithNullEntries { entries["DEVICE_KEY"] = .null }
            return .object(entries)
        }
    }

    static func body(_ shape: String, _ fill: Fill) -> JSONValue {
        var out: [String: JSONValue] = [:]
        for m in ModelSchema.members(of: shape) ?? [] {
            switch fill {
            case .everything, .everythingWithNullEntries: out[m.name] = sample(m.kind, fill)
            case .requiredOnly: if m.required { out[m.name] = sample(m.kind, fill) }
            case .requiredWithNullOptionals: out[m.name] = m.required ? sample(m.kind, fill) : .null
            }
        }
        return .object(out)
    }

    static func read(_ operation: String, _ value: JSONValue) throws -> Data {
        let reader = try #require(ActionRegistry.cognate.readers[operation], "\(operation) has no reader")
        return try reader(Data(value.compactJSON()!))
    }

    static var operations: [(name: String, shape: String)] {
        ActionRegistry.cognate.operationNames.map { ($0, CognitoOperations.named($0)!.inputShape) }
    }

    @Test func nullEntriesOfMapsAndListsAreDroppedInEveryOperation() throws {
        #expect(Self.operations.count >= 62)
        for (name, shape) in Self.operations {
            let plain = try Self.read(name, Self.body(shape, .everything))
            let withNulls = try Self.read(name, Self.body(shape, .everythingWithNullEntries))
            #expect(plain == withNulls, "\(name): \(String(decoding: withNulls, as: UTF8.self))")
        }
    }

    @Test func nullOptionalMembersAreAbsentInEveryOperation() throws {
        for (name, shape) in Self.operations {
            let plain = try Self.read(name, Self.body(shape, .requiredOnly))
            let withNulls = try Self.read(name, Self.body(shape, .requiredWithNullOptionals))
            #expect(plain == withNulls, "\(name)")
        }
    }

    /// Every required member (at the top level) missing at once: each is named, lower-camel,
    /// in model order, in one message — whether it is absent or null.
    @Test func missingRequiredMembersAreAllNamedInEveryOperation() throws {
        for (name, shape) in Self.operations {
            let required = (ModelSchema.members(of: shape) ?? []).filter(\.required).map(\.name)
            guard !required.isEmpty else { continue }
            let expected = ValidationError.summary(required.map {
                let path = ModelSchema.memberName($0)
                return ValidationError(path: path, message: "Value null at '\(path)' failed to satisfy constraint: Member must not be null")
            })
            for value in [JSONValue.object([:]), .object(Dictionary(uniqueKeysWithValues: required.map { ($0, JSONValue.null) }))] {
                do {
                    _ = try Self.read(name, value)
                    Issue.record("\(name) read a request without its required members")
                } catch let error as CognitoError {
                    #expect(error.code == .invalidParameter, "\(name)")
                    #expect(error.message == expected, "\(name)")
                }
            }
        }
    }

    /// What amazon-cognito-identity-js's refreshSession sends when no device is remembered.
    @Test func theBrowserSDKsRefreshIsRead() throws {
        let body = #"{"ClientId":"c","AuthFlow":"REFRESH_TOKEN_AUTH","AuthParameters":{"REFRESH_TOKEN":"t","DEVICE_KEY":null},"ClientMetadata":{}}"#
        let input = try ActionRegistry.decode(InitiateAuthRequest.self, shape: "InitiateAuthRequest", from: Data(body.utf8))
        #expect(input.authParameters == ["REFRESH_TOKEN": "t"])
        // And through the fast reading, which takes the same body.
        #expect(ActionRegistry.fastDecode(InitiateAuthRequest.self, from: Data(body.utf8)) == input)
    }

    @Test func nestedMissingMembersAndMapKeysAreNamedAsSent() throws {
        // A list element's required member: `userAttributes.2.member.name`, after the null element is dropped.
        let body = #"{"UserPoolId":"p","Username":"u","UserAttributes":[{"Name":"a","Value":"b"},null,{"Value":"c"}]}"#
        do {
            _ = try ActionRegistry.decode(AdminUpdateUserAttributesRequest.self, shape: "AdminUpdateUserAttributesRequest", from: Data(body.utf8))
            Issue.record("read an attribute without its name")
        } catch let error as CognitoError {
            #expect(error.message == "1 validation error detected: Value null at 'userAttributes.2.member.name' failed to satisfy constraint: Member must not be null")
        }
        // A map entry of the wrong type names the key as sent (not `dEVICE_KEY`).
        do {
            _ = try ActionRegistry.decode(InitiateAuthRequest.self, shape: "InitiateAuthRequest", from: Data(#"{"ClientId":"c","AuthFlow":"A","AuthParameters":{"DEVICE_KEY":5}}"#.utf8))
            Issue.record("read a number as a string")
        } catch let error as CognitoError {
            #expect(error.code == .serialization)
            #expect(error.message.contains("'authParameters.DEVICE_KEY'"), "\(error.message)")
        }
    }

    @Test func documentsKeepTheirNulls() throws {
        let body = #"{"AccessToken":"t","Credential":{"id":"x","authenticatorAttachment":null}}"#
        let input = try ActionRegistry.decode(CompleteWebAuthnRegistrationRequest.self, shape: "CompleteWebAuthnRegistrationRequest", from: Data(body.utf8))
        #expect(input.credential == .object(["id": .string("x"), "authenticatorAttachment": .null]))
        // Also when the body is read again without its nulls (after a null elsewhere).
        let value = JSONValue.parse(Array(body.utf8))!
        #expect(ModelSchema.droppingNulls(value, kind: .structure("CompleteWebAuthnRegistrationRequest")) == value)
    }
}
