/// One violated constraint, worded the way AWS words it, e.g.
/// `Value 'x' at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+`.
public struct ValidationError: Sendable, Equatable, CustomStringConvertible {
    /// The AWS-style path of the offending member (`username`, `userAttributes.1.member.name`).
    public var path: String
    /// The whole message for this violation (`Value '…' at '…' failed to satisfy constraint: …`).
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { message }

    /// The message of the error response for a list of violations, as AWS builds it:
    /// `1 validation error detected: <m>` or `2 validation errors detected: <m1>; <m2>`.
    public static func summary(_ errors: [ValidationError]) -> String {
        let noun = errors.count == 1 ? "error" : "errors"
        return "\(errors.count) validation \(noun) detected: " + errors.map(\.message).joined(separator: "; ")
    }
}
