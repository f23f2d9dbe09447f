@testable import CognateCore
import CognitoModel
import Testing

/// The keys the store indexes users by, as the core computes them.
@Suite("User index")
struct ReindexTests {
    func pool(caseSensitive: Bool = false, aliases: [String]? = nil, usernameAttributes: [String]? = nil) -> UserPool {
        UserPool(
            type: UserPoolType(
                id: "us-east-1_p", name: "p", aliasAttributes: aliases, usernameAttributes: usernameAttributes,
                usernameConfiguration: UsernameConfigurationType(caseSensitive: caseSensitive)
            ),
            region: "us-east-1"
        )
    }

    func user(_ username: String, _ attributes: [String: String], status: UserStatus = .confirmed, enabled: Bool = true) -> User {
        User(poolId: "us-east-1_p", username: username, sub: "SUB-1234", attributes: attributes, status: status, enabled: enabled,
             createdAt: 0, modifiedAt: 0, password: nil)
    }

    func indexed(_ u: User, _ p: UserPool) -> UserIndex {
        var u = u
        Cognate.reindex(&u, pool: p)
        return u.index
    }

    @Test("the username key folds case only in case-insensitive pools")
    func usernameKey() {
        #expect(indexed(user("MixedCase", [:]), pool(caseSensitive: false)).usernameKey == "mixedcase")
        #expect(indexed(user("MixedCase", [:]), pool(caseSensitive: true)).usernameKey == "MixedCase")
        let noConfig = UserPool(type: UserPoolType(id: "p"), region: "r")
        #expect(indexed(user("MixedCase", [:]), noConfig).usernameKey == "MixedCase", "pools are case-sensitive unless configured")
    }

    @Test("alias attributes are keys only once verified; preferred_username always")
    func aliases() {
        let p = pool(aliases: ["email", "phone_number", "preferred_username"])
        let verified = user("u", ["email": "A@X.com", "email_verified": "true", "phone_number": "+15550001", "phone_number_verified": "true", "preferred_username": "Ally"])
        #expect(indexed(verified, p).aliasKeys == [
            AliasKey(attribute: "email", value: "a@x.com"), AliasKey(attribute: "phone_number", value: "+15550001"),
            AliasKey(attribute: "preferred_username", value: "ally"),
        ])
        let unverified = user("u", ["email": "a@x.com", "email_verified": "false", "phone_number": "+15550001", "preferred_username": "ally"])
        #expect(indexed(unverified, p).aliasKeys == [AliasKey(attribute: "preferred_username", value: "ally")])
        // Attributes that are not aliases of the pool are not keys.
        #expect(indexed(verified, pool(aliases: ["phone_number"])).aliasKeys == [AliasKey(attribute: "phone_number", value: "+15550001")])
        #expect(indexed(verified, pool()).aliasKeys.isEmpty)
        // A case-sensitive pool keeps the alias's case.
        #expect(indexed(verified, pool(caseSensitive: true, aliases: ["email"])).aliasKeys == [AliasKey(attribute: "email", value: "A@X.com")])
    }

    @Test("username attributes are keys whether or not verified")
    func usernameAttributes() {
        let p = pool(usernameAttributes: ["email"])
        let u = user("uuid-1", ["email": "Bob@X.com", "email_verified": "false", "preferred_username": "bobby"])
        #expect(indexed(u, p).aliasKeys == [AliasKey(attribute: "email", value: "bob@x.com")])
    }

    @Test("search keys cover the searchable attributes, lowercased but for username and status")
    func searchKeys() {
        let u = user("Alice", ["email": "A@X.com", "name": "Alice A", "given_name": "Al", "custom:tier": "Gold", "address": "Here"],
                     status: .forceChangePassword, enabled: false)
        let keys = Set(indexed(u, pool()).searchKeys)
        #expect(keys == [
            SearchKey(attribute: "username", value: "Alice"), SearchKey(attribute: "email", value: "a@x.com"),
            SearchKey(attribute: "name", value: "alice a"), SearchKey(attribute: "given_name", value: "al"),
            SearchKey(attribute: "sub", value: "sub-1234"), SearchKey(attribute: "cognito:user_status", value: "force_change_password"),
            SearchKey(attribute: "status", value: "Disabled"),
        ])
        #expect(indexed(user("b", [:]), pool()).searchKeys.contains(SearchKey(attribute: "status", value: "Enabled")))
    }

    @Test("a filter's indexValue finds the key reindex wrote")
    func filterMatchesIndex() throws {
        let u = user("Alice", ["email": "Alice@Example.com", "phone_number": "+15550001"], status: .unconfirmed)
        let keys = Set(indexed(u, pool()).searchKeys)
        for text in [#"email = "ALICE@example.com""#, #"username = "Alice""#, #"status = "Enabled""#, #"cognito:user_status = "UNCONFIRMED""#,
                     #"sub = "sub-1234""#, #"phone_number = "+15550001""#] {
            let f = try #require(try ListUsersFilter.parse(text))
            #expect(keys.contains(SearchKey(attribute: f.attribute, value: f.indexValue)), "\(text)")
        }
    }
}
