import CognitoModel
import Foundation

/// ListUsers' answer spliced from the users' stored listings (`User.listingJSON`): the page
/// is written without decoding a single user. Encodes as the model's `ListUsersResponse`.
public struct ListUsersPage: Encodable, Sendable, FastJSONEncodable {
    /// Each user's JSON object, as `UserType` writes it.
    public var listings: [[UInt8]]
    public var paginationToken: String?

    public init(listings: [[UInt8]], paginationToken: String?) {
        self.listings = listings
        self.paginationToken = paginationToken
    }

    /// The same page as the model's shape (for JSONEncoder and in-process callers).
    public func response() throws -> ListUsersResponse {
        ListUsersResponse(users: try listings.map { try JSONDecoder().decode(UserType.self, from: Data($0)) }, paginationToken: paginationToken)
    }

    public func encode(to encoder: any Encoder) throws {
        try response().encode(to: encoder)
    }

    public func fastJSON() -> [UInt8]? {
        var w = JSONWriter(capacity: 64 + listings.reduce(0) { $0 + $1.count + 1 })
        w.beginObject()
        w.key("Users")
        w.beginArray()
        for listing in listings {
            w.next()
            w.bytes.append(contentsOf: listing)
        }
        w.endArray()
        if let paginationToken { w.key("PaginationToken"); w.string(paginationToken) }
        w.endObject()
        return w.bytes
    }
}

/// One user of a ListUsers page as the store returns it: the search value the page is ordered
/// by (the next page's cursor) and the user's stored listing.
public struct ListedUser: Sendable, Equatable {
    public var username: String
    public var searchValue: String
    public var listing: [UInt8]

    public init(username: String, searchValue: String, listing: [UInt8]) {
        self.username = username
        self.searchValue = searchValue
        self.listing = listing
    }
}
