/// What the request reader needs to know of the model beyond the Codable shapes: each
/// structure's members, what kind of value each holds and which are required. The members
/// themselves are generated (`Generated/Schema.swift`).
///
/// AWS JSON servers read a JSON `null` as an absent value (Smithy's
/// `AwsJson11ServersDontDeserializeNullStructureValues`), and Cognito drops a null entry of a
/// map or list: amazon-cognito-identity-js sends `"DEVICE_KEY": null` with every refresh when no
/// device is remembered, and Cognito refreshes. `ModelSchema.droppingNulls` does that to a body
/// before it is decoded (CognateHTTP's RequestReading), and `missingRequired` lists every required member left absent, as AWS
/// reports them all at once.
public enum ModelSchema {}

/// The kind of value a member holds on the wire.
public indirect enum WireKind: Sendable, Equatable {
    case string, integer, boolean, timestamp, blob
    /// Arbitrary JSON, kept as sent (nulls included).
    case document
    case structure(String)
    case list(WireKind)
    case map(WireKind)
}

public struct WireMember: Sendable, Equatable {
    /// The wire (PascalCase) name.
    public let name: String
    public let kind: WireKind
    public let required: Bool

    public init(_ name: String, _ kind: WireKind, required: Bool = false) {
        self.name = name
        self.kind = kind
        self.required = required
    }
}

/// The `CodingKeys` of a model structure, as opposed to the keys of a map: AWS names a member
/// in messages with a lower-case first letter (`authParameters`), a map key as it was sent.
public protocol ModelMemberKey: CodingKey {}

extension ModelSchema {
    /// A member's name in AWS messages: its wire name with a lower-case first letter.
    public static func memberName(_ wire: String) -> String {
        guard let first = wire.first else { return wire }
        return first.lowercased() + wire.dropFirst()
    }
}
