import CognateCore
import CognitoModel
import Foundation
import Testing

/// A ListUsers page is spliced from stored listings: it must read as the model's response would.
@Suite struct ListUsersPageTests {
    static let users: [User] = [
        User(poolId: "p", username: "alice", sub: "5f0c-11", attributes: ["email": "a/b\"c\\d@example.com", "name": "tab\there é 😀", "sub": "5f0c-11"],
             status: .confirmed, enabled: true, createdAt: 1_767_225_600.123456, modifiedAt: 1_767_225_601, password: nil),
        User(poolId: "p", username: "bob", sub: "77", attributes: ["zoneinfo": "", "email_verified": "false"], status: .forceChangePassword,
             enabled: false, createdAt: 0.1, modifiedAt: 1e20, password: nil),
    ]

    func parsed(_ bytes: [UInt8]) throws -> NSDictionary? {
        try JSONSerialization.jsonObject(with: Data(bytes)) as? NSDictionary
    }

    @Test("a user's listing is its UserType: sub first, then the attributes by name")
    func listing() throws {
        for user in Self.users {
            let listing = user.listingJSON()
            #expect(try parsed(listing) == parsed([UInt8](JSONEncoder().encode(user.listed()))))
            let type = try JSONDecoder().decode(UserType.self, from: Data(listing))
            #expect(type == user.listed())
            #expect(type.attributes?.first?.name == "sub")
            #expect(type.attributes?.dropFirst().map(\.name) == user.attributes.keys.filter { $0 != "sub" }.sorted())
        }
    }

    @Test("the spliced page reads as ListUsersResponse, with and without a token, and empty")
    func page() throws {
        for token: String? in ["abc+/=\"", nil] {
            for users in [Self.users, [Self.users[0]], []] {
                let page = ListUsersPage(listings: users.map { $0.listingJSON() }, paginationToken: token)
                let fast = try #require(page.fastJSON())
                let model = ListUsersResponse(users: users.map { $0.listed() }, paginationToken: token)
                #expect(try parsed(fast) == parsed([UInt8](JSONEncoder().encode(model))), "\(String(decoding: fast, as: UTF8.self))")
                #expect(try page.response() == model)
                #expect(try parsed([UInt8](JSONEncoder().encode(page))) == parsed(fast))
            }
        }
    }
}
