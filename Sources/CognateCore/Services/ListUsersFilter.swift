/// ListUsers' `Filter`: `attr = "value"` or `attr ^= "value"`, spaces around the operator optional,
/// `\"` escaping a quote. Parsed without I/O so it can be tested on its own.
public struct ListUsersFilter: Sendable, Equatable {
    public var attribute: String
    public var value: String
    public var prefix: Bool

    public static let searchableAttributes = [
        "username", "email", "phone_number", "name", "given_name", "family_name", "preferred_username",
        "cognito:user_status", "status", "sub",
    ]

    /// The value as the index stores it: lowercased except for the case-sensitive attributes.
    public var indexValue: String {
        switch attribute {
        case "username", "status": value
        default: value.lowercased()
        }
    }

    public static func parse(_ text: String) throws -> ListUsersFilter? {
        let s = Array(text)
        var i = 0
        func skipSpaces() { while i < s.count && s[i] == " " { i += 1 } }
        skipSpaces()
        if i == s.count { return nil }
        var name = ""
        while i < s.count, s[i] != " ", s[i] != "=", s[i] != "^" { name.append(s[i]); i += 1 }
        skipSpaces()
        var prefix = false
        if i < s.count && s[i] == "^" { prefix = true; i += 1 }
        guard i < s.count, s[i] == "=" else { throw CognitoError.invalidParameter("Error while parsing filter.") }
        i += 1
        skipSpaces()
        guard i < s.count, s[i] == "\"" else { throw CognitoError.invalidParameter("Error while parsing filter.") }
        i += 1
        var value = ""
        var closed = false
        while i < s.count {
            if s[i] == "\\" && i + 1 < s.count { value.append(s[i + 1]); i += 2; continue }
            if s[i] == "\"" { closed = true; i += 1; break }
            value.append(s[i]); i += 1
        }
        skipSpaces()
        guard closed, i == s.count, !name.isEmpty else { throw CognitoError.invalidParameter("Error while parsing filter.") }
        guard searchableAttributes.contains(name) else { throw CognitoError.invalidParameter("Invalid search attribute: \(name)") }
        return ListUsersFilter(attribute: name, value: value, prefix: prefix)
    }
}
