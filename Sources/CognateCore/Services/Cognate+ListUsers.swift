import CognitoModel
import Foundation

extension Cognate {
    public func listUsers(_ input: ListUsersRequest, _ ctx: CallContext) async throws -> ListUsersPage {
        let pool = try await requirePool(input.userPoolId)
        // No filter lists everyone: every user has a `username` search key, and "" is a prefix of all.
        let filter = try input.filter.flatMap { try ListUsersFilter.parse($0) }
            ?? ListUsersFilter(attribute: "username", value: "", prefix: true)
        let limit = (input.limit ?? 0) == 0 ? 60 : input.limit!
        let kind = "users:" + pool.id + ":" + (input.filter ?? "")
        let cursor = try input.paginationToken.map { token -> SearchCursor in
            let raw = try PageToken.decode(token, kind: kind)
            guard let c = try? JSONDecoder().decode(SearchCursor.self, from: Data(raw.utf8)) else {
                throw CognitoError.invalidParameter("Invalid pagination token.")
            }
            return c
        }
        let users = try await store.searchUsers(
            poolId: pool.id, attribute: filter.attribute, value: filter.indexValue, prefix: filter.prefix, after: cursor, limit: limit + 1
        )
        let page = users.prefix(limit)
        var next: String?
        if users.count > limit, let last = page.last {
            let json = try JSONEncoder().encode(SearchCursor(value: last.searchValue, username: last.username))
            next = PageToken.encode(String(decoding: json, as: UTF8.self), kind: kind)
        }
        guard let only = input.attributesToGet.map(Set.init) else {
            return ListUsersPage(listings: page.map(\.listing), paginationToken: next)
        }
        // AttributesToGet: the stored listing with the other attributes left out.
        let listings = try page.map { user -> [UInt8] in
            var type = try JSONDecoder().decode(UserType.self, from: Data(user.listing))
            type.attributes = type.attributes?.filter { only.contains($0.name) }
            return try type.fastJSON() ?? [UInt8](JSONEncoder().encode(type))
        }
        return ListUsersPage(listings: listings, paginationToken: next)
    }
}
