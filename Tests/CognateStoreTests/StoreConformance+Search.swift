import CognateCore
import Testing

// MARK: - searchUsers (ListUsers)

/// Users whose `name` values tie and nest as prefixes of each other, in a shuffled username
/// order, plus users without a name and a second pool holding the same values.
private let names: [String?] = [
    "ann", "anna", "annabel", "anne", "anna", "an", "a", "anm", "ano", "ann", "annabel", "bob", "anna",
    "ann😀", "annè", "ann z", "ann", "ann\u{10FFFF}z", "50%_off", "50x_off", "anna", nil, nil, "b", "ann_",
    "annA", "zed", "anna", "ann", "ANN", "anna",
]

private func seed(_ store: any CognateStorage) async throws -> [User] {
    var users: [User] = []
    // Usernames are not in value order, so ties are broken by username, not by insertion.
    for (i, name) in names.enumerated() {
        let username = "user-\(String((i * 17) % 97, radix: 36))-\(i)"
        let user = Fixture.user("p1", username, attributes: name.map { ["name": $0] } ?? [:])
        try await store.createUser(user)
        users.append(user)
        try await store.createUser(Fixture.user("p2", username, attributes: name.map { ["name": $0] } ?? [:]))
    }
    return users
}

/// The expected result, by the index's byte order.
private func expected(_ users: [User], attribute: String, where match: (String) -> Bool) -> [String] {
    users.compactMap { u in u.searchValue(attribute).flatMap { match($0) ? (value: $0, username: u.username) : nil } }
        .sorted { a, b in
            a.value == b.value ? a.username.utf8.lexicographicallyPrecedes(b.username.utf8) : a.value.utf8.lexicographicallyPrecedes(b.value.utf8)
        }
        .map(\.username)
}

/// Walks every page as ListUsers does, checking each page on the way.
private func walk(
    _ store: any CognateStorage, _ users: [User], attribute: String, value: String, prefix: Bool, pageSize: Int
) async throws -> [String] {
    let byName = Dictionary(uniqueKeysWithValues: users.map { ($0.username, $0) })
    var seen: [String] = []
    var cursor: SearchCursor?
    for _ in 0..<1000 {
        let page = try await store.searchUsers(poolId: "p1", attribute: attribute, value: value, prefix: prefix, after: cursor, limit: pageSize)
        #expect(page.count <= pageSize)
        // Each of p1's users with its listing and the value the page is ordered by.
        #expect(page.allSatisfy { $0.listing == byName[$0.username]?.listingJSON() && $0.searchValue == byName[$0.username]?.searchValue(attribute) })
        seen += page.map(\.username)
        guard page.count == pageSize, let last = page.last else { return seen }
        cursor = SearchCursor(value: last.searchValue, username: last.username)
    }
    Issue.record("paging did not end")
    return seen
}

extension StoreConformance {
    @Test("exact search matches the whole value, ordered by username", arguments: Backend.all)
    func searchExact(_ backend: Backend) async throws {
        try await backend.run { store in
            let users = try await seed(store)
            let anna = try await store.searchUsers(poolId: "p1", attribute: "name", value: "anna", prefix: false, after: nil, limit: 100)
            #expect(anna.map(\.username) == expected(users, attribute: "name") { $0 == "anna" })
            #expect(anna.count == 7)  // "annA" is indexed lowercased, as the core does
            let listings = Set(users.map { $0.listingJSON() })
            #expect(anna.allSatisfy { listings.contains($0.listing) }, "p1's users, not p2's")
            #expect(try await store.searchUsers(poolId: "p1", attribute: "name", value: "ann", prefix: false, after: nil, limit: 100).count == 5)
            #expect(try await store.searchUsers(poolId: "p1", attribute: "name", value: "nobody", prefix: false, after: nil, limit: 100).isEmpty)
            // Another attribute with the same value does not match.
            #expect(try await store.searchUsers(poolId: "p1", attribute: "given_name", value: "anna", prefix: false, after: nil, limit: 100).isEmpty)
            #expect(anna.allSatisfy { $0.searchValue == "anna" })
        }
    }

    @Test("prefix search matches values that start with the prefix, ordered by (value, username)", arguments: Backend.all)
    func searchPrefix(_ backend: Backend) async throws {
        try await backend.run { store in
            let users = try await seed(store)
            for prefix in ["ann", "anna", "an", "a", "annabel", "annabelx", "ann\u{10FFFF}", "50%", "ann_", "b", "z", "ann ", "😀"] {
                let got = try await store.searchUsers(poolId: "p1", attribute: "name", value: prefix, prefix: true, after: nil, limit: 100)
                #expect(got.map(\.username) == expected(users, attribute: "name") { $0.hasPrefix(prefix) }, "prefix \(prefix)")
            }
            // SQL wildcards in the prefix are literal.
            #expect(try await store.searchUsers(poolId: "p1", attribute: "name", value: "50%", prefix: true, after: nil, limit: 100).map { $0.attributes["name"] } == ["50%_off"])
            #expect(try await store.searchUsers(poolId: "p1", attribute: "name", value: "ann_", prefix: true, after: nil, limit: 100).map { $0.attributes["name"] } == ["ann_"])
        }
    }

    @Test("an empty prefix matches every user with the attribute", arguments: Backend.all)
    func searchEmptyPrefix(_ backend: Backend) async throws {
        try await backend.run { store in
            let users = try await seed(store)
            let all = try await store.searchUsers(poolId: "p1", attribute: "name", value: "", prefix: true, after: nil, limit: 1000)
            #expect(all.count == names.compactMap { $0 }.count)
            #expect(all.map(\.username) == expected(users, attribute: "name") { _ in true })
            // Every user has a username key: "" lists the whole pool, in username order.
            let everyone = try await store.searchUsers(poolId: "p1", attribute: "username", value: "", prefix: true, after: nil, limit: 1000)
            #expect(everyone.map(\.username) == users.map(\.username).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            // An attribute nobody has matches nobody.
            #expect(try await store.searchUsers(poolId: "p1", attribute: "family_name", value: "", prefix: true, after: nil, limit: 1000).isEmpty)
            #expect(try await store.searchUsers(poolId: "p3", attribute: "username", value: "", prefix: true, after: nil, limit: 1000).isEmpty)
        }
    }

    @Test("cursor paging visits every match exactly once", arguments: Backend.all)
    func searchPaging(_ backend: Backend) async throws {
        try await backend.run { store in
            let users = try await seed(store)
            let cases: [(value: String, prefix: Bool)] = [("", true), ("ann", true), ("anna", false), ("a", true), ("nobody", true)]
            for (value, prefix) in cases {
                let all = expected(users, attribute: "name") { prefix ? $0.hasPrefix(value) : $0 == value }
                for size in [1, 2, 3, 4, 7, 10, all.count, all.count + 1, 100] where size > 0 {
                    let seen = try await walk(store, users, attribute: "name", value: value, prefix: prefix, pageSize: size)
                    #expect(seen == all, "value \(value) prefix \(prefix) page size \(size)")
                    #expect(Set(seen).count == seen.count, "no duplicates across pages")
                }
            }
        }
    }

    @Test("a cursor resumes after (value, username), even one no user has", arguments: Backend.all)
    func searchCursor(_ backend: Backend) async throws {
        try await backend.run { store in
            let users = try await seed(store)
            let ordered = expected(users, attribute: "name") { $0.hasPrefix("ann") }
            let byName = Dictionary(uniqueKeysWithValues: users.map { ($0.username, $0) })
            // After the third match: the rest.
            let third = try #require(byName[ordered[2]])
            let rest = try await store.searchUsers(
                poolId: "p1", attribute: "name", value: "ann", prefix: true,
                after: SearchCursor(value: try #require(third.searchValue("name")), username: third.username), limit: 100
            )
            #expect(rest.map(\.username) == Array(ordered.dropFirst(3)))
            // A cursor between values: everything from the next value on.
            let afterTilde = try await store.searchUsers(poolId: "p1", attribute: "name", value: "ann", prefix: true, after: SearchCursor(value: "ann~", username: ""), limit: 100)
            #expect(afterTilde.map(\.username) == expected(users, attribute: "name") { $0.hasPrefix("ann") && $0.utf8.lexicographicallyPrecedes("ann~".utf8) == false })
            // A cursor past the end.
            #expect(try await store.searchUsers(poolId: "p1", attribute: "name", value: "ann", prefix: true, after: SearchCursor(value: "b", username: ""), limit: 100).isEmpty)
            // A cursor before the prefix: every match.
            let early = try await store.searchUsers(poolId: "p1", attribute: "name", value: "ann", prefix: true, after: SearchCursor(value: "a", username: "zzz"), limit: 100)
            #expect(early.map(\.username) == ordered)
            // Cursors are compared as bytes: "anne" + U+0300 sorts after "anne", before "annè" (U+00E8),
            // though Swift's String finds the two spellings equal.
            let decomposed = "anne\u{300}"
            let afterDecomposed = try await store.searchUsers(poolId: "p1", attribute: "name", value: "ann", prefix: true, after: SearchCursor(value: decomposed, username: ""), limit: 100)
            #expect(afterDecomposed.map(\.username) == expected(users, attribute: "name") { $0.hasPrefix("ann") && decomposed.utf8.lexicographicallyPrecedes($0.utf8) })
            #expect(afterDecomposed.contains { $0.attributes["name"] == "annè" })
            // Exact search: a cursor on the value resumes after its username; one before the value
            // gives every match; one after it, none.
            let annas = expected(users, attribute: "name") { $0 == "anna" }
            let second = try #require(byName[annas[1]])
            let onValue = try await store.searchUsers(poolId: "p1", attribute: "name", value: "anna", prefix: false, after: SearchCursor(value: "anna", username: second.username), limit: 100)
            #expect(onValue.map(\.username) == Array(annas.dropFirst(2)))
            let before = try await store.searchUsers(poolId: "p1", attribute: "name", value: "anna", prefix: false, after: SearchCursor(value: "ann", username: "zzz"), limit: 100)
            #expect(before.map(\.username) == annas)
            #expect(try await store.searchUsers(poolId: "p1", attribute: "name", value: "anna", prefix: false, after: SearchCursor(value: "annb", username: ""), limit: 100).isEmpty)
        }
    }

    @Test("username search is case-sensitive and status values are kept as given", arguments: Backend.all)
    func searchCase(_ backend: Backend) async throws {
        try await backend.run { store in
            try await store.createUser(Fixture.user("p1", "Zed", email: "ZED@example.com"))
            try await store.createUser(Fixture.user("p1", "zed2", enabled: false))
            #expect(try await store.searchUsers(poolId: "p1", attribute: "username", value: "Zed", prefix: false, after: nil, limit: 10).map(\.username) == ["Zed"])
            #expect(try await store.searchUsers(poolId: "p1", attribute: "username", value: "zed", prefix: false, after: nil, limit: 10).isEmpty)
            #expect(try await store.searchUsers(poolId: "p1", attribute: "username", value: "zed", prefix: true, after: nil, limit: 10).map(\.username) == ["zed2"])
            #expect(try await store.searchUsers(poolId: "p1", attribute: "email", value: "zed@", prefix: true, after: nil, limit: 10).map(\.username) == ["Zed"])
            #expect(try await store.searchUsers(poolId: "p1", attribute: "status", value: "Disabled", prefix: false, after: nil, limit: 10).map(\.username) == ["zed2"])
            #expect(try await store.searchUsers(poolId: "p1", attribute: "status", value: "disabled", prefix: false, after: nil, limit: 10).isEmpty)
        }
    }
}
