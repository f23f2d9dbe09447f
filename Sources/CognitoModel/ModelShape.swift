/// A structure of the cognito-idp model: a request, a response or a nested type.
///
/// Decoding and encoding use the exact wire (PascalCase) member names; `nil` optionals are left
/// out when encoding. A missing required member is a decoding error (`DecodingError.keyNotFound`);
/// every other constraint of the model (lengths, ranges, patterns, enum values) is checked by
/// `validate(path:into:)`.
public protocol ModelShape: Codable, Sendable, Equatable {
    /// Appends a `ValidationError` for every constraint of the model that a member present in
    /// `self` (or in a nested structure, list element or map value) violates.
    ///
    /// - Parameter path: the AWS-style path of `self` in the request (`""` for the top level,
    ///   `"userAttributes.1.member"` for a list element, ...); member names are joined to it
    ///   with `.`.
    func validate(path: String, into errors: inout [ValidationError])
}

extension ModelShape {
    /// All the constraint violations of this value, checked from the top level; an empty array
    /// means the value is valid. Use `ValidationError.summary(_:)` to build the AWS message.
    public func validationErrors() -> [ValidationError] {
        var errors: [ValidationError] = []
        validate(path: "", into: &errors)
        return errors
    }
}
