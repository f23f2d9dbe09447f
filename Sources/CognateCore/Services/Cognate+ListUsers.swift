import CognitoModel
import Foundation

extension Cognate {
    public func listUsers(_ input: ListUsersRequest, _ ctx: CallContext) async throws -> ListUsersResponse {
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
        let page = Array(users.prefix(limit))
        var next: String?
        if users.count > limit, let last = page.last,
           let key = last.index.searchKeys.first(where: { $0.attribute == filter.attribute }) {
            let json = try JSONEncoder().encode(SearchCursor(value: key.value, username: last.username))
            next = PageToken.encode(String(decoding: json, as: UTF8.self), kind: kind)
        }
        let only = input.attributesToGet.map { Set($0) }
        return ListUsersResponse(users: page.map { userType($0, only: only) }, paginationToken: next)
    }
}
