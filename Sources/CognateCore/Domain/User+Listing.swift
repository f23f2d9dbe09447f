import CognitoModel
import Foundation

extension User {
    /// The attributes as Cognito lists them: sub first, then by name.
    public func attributeList() -> [AttributeType] {
        var out = [AttributeType(name: "sub", value: sub)]
        for (k, v) in attributes.sorted(by: { $0.key < $1.key }) where k != "sub" {
            out.append(AttributeType(name: k, value: v))
        }
        return out
    }

    /// The user as ListUsers, ListUsersInGroup and AdminCreateUser show it.
    public func listed() -> UserType {
        UserType(
            username: username, attributes: attributeList(), userCreateDate: createdAt,
            userLastModifiedDate: modifiedAt, enabled: enabled, userStatus: status.rawValue
        )
    }

    /// `listed()` as JSON. The store keeps it beside the user on every write, so that a ListUsers
    /// page is spliced from stored bytes: decoding 61 stored users and writing them again was
    /// ~15 µs a user, most of a page's server CPU.
    public func listingJSON() -> [UInt8] {
        let type = listed()
        // The writer declines only non-finite dates, which no user has; JSONEncoder would throw on them too.
        return type.fastJSON() ?? (try? [UInt8](JSONEncoder().encode(type))) ?? []
    }
}
