import CognateCore
import Foundation
import Testing

/// `User.fromStoredJSON` must read exactly what `JSONDecoder` reads, or decline.
@Suite struct UserStoredJSONTests {
    static let pool = UserPool(type: .init(id: "us-east-1_abc", name: "p"), region: "us-east-1")

    static func users() -> [User] {
        let index = { (u: User) in Cognate.indexed(u, in: pool) }
        return [
            index(User(poolId: "us-east-1_abc", username: "alice", sub: "5f0c", attributes: ["email": "a@example.com", "email_verified": "true", "custom:x": "é\"\\/\n"],
                       status: .confirmed, enabled: true, createdAt: 1_767_225_600.123456, modifiedAt: 1_767_225_601,
                       password: PasswordRecord(salt: [1, 2, 3], sealedVerifier: Array(0...255), setAt: 12.5, expiresAt: 99.25))),
            index(User(poolId: "us-east-1_abc", username: "bob", sub: "x", attributes: [:], status: .forceChangePassword, enabled: false,
                       createdAt: 0, modifiedAt: -1.5, password: PasswordRecord(salt: [], sealedVerifier: [9], setAt: 3, expiresAt: nil))),
            User(poolId: "p", username: "carol", sub: "s", attributes: ["a": ""], status: .unconfirmed, enabled: true, createdAt: 1e-7, modifiedAt: 1e20, password: nil),
            User(poolId: "p", username: "dave", sub: "s", attributes: [:], status: .confirmed, enabled: true, createdAt: 1, modifiedAt: 2, password: nil,
                 mfa: UserMFA(totp: TOTPFactor(sealedSecret: [7, 8, 9], verified: true, friendlyName: "phone \"1\"", lastStep: 59_000_000),
                              enabled: [.sms, .softwareToken], preferred: .softwareToken, legacySMS: true)),
            User(poolId: "p", username: "erin", sub: "s", attributes: [:], status: .confirmed, enabled: true, createdAt: 1, modifiedAt: 2, password: nil,
                 mfa: UserMFA(totp: TOTPFactor(sealedSecret: [1]))),
        ]
    }

    @Test func readsWhatJSONDecoderReads() throws {
        // The store writes '/' as is; rows from before it wrote "\/" (JSONEncoder's default).
        let unescaped = JSONEncoder()
        unescaped.outputFormatting = .withoutEscapingSlashes
        for encoder in [JSONEncoder(), unescaped] {
            for user in Self.users() {
                let data = try encoder.encode(user)
                let fast = try #require(User.fromStoredJSON(Array(data)))
                #expect(fast == user)
                #expect(fast == (try JSONDecoder().decode(User.self, from: data)))
            }
        }
        #expect(try String(decoding: unescaped.encode(Self.users()[0]), as: UTF8.self).contains("/"))
        #expect(try String(decoding: JSONEncoder().encode(Self.users()[0]), as: UTF8.self).contains("\\/"))
    }

    @Test func declinesOtherShapes() throws {
        let legacy = #"{"poolId":"p","username":"u","sub":"s","attributes":{},"status":"CONFIRMED","enabled":true,"createdAt":1,"modifiedAt":1,"password":{"salt":[1],"sealedVerifier":[2],"setAt":1},"index":{"usernameKey":"u","aliasKeys":[],"searchKeys":[]}}"#
        #expect(User.fromStoredJSON(Array(legacy.utf8)) == nil)
        #expect(try JSONDecoder().decode(User.self, from: Data(legacy.utf8)).password?.salt == [1])
        let extra = #"{"poolId":"p","username":"u","sub":"s","attributes":{},"status":"CONFIRMED","enabled":true,"createdAt":1,"modifiedAt":1,"index":{"usernameKey":"u","aliasKeys":[],"searchKeys":[]},"mfa":1}"#
        #expect(User.fromStoredJSON(Array(extra.utf8)) == nil)
        #expect(User.fromStoredJSON(Array("{}".utf8)) == nil)
    }

    /// Stored bytes with escapes: "\/" (rows from before slashes went unescaped), a "\u"
    /// escape (the general path), and an escaped quote, which no base64 has.
    @Test func readsEscapedBase64AsJSONDecoderDoes() throws {
        let shape = { (salt: String) in
            #"{"poolId":"p","username":"u","sub":"s","attributes":{},"status":"CONFIRMED","enabled":true,"createdAt":1,"modifiedAt":1,"password":{"salt":"\#(salt)","sealedVerifier":"AQID","setAt":1},"index":{"usernameKey":"u","aliasKeys":[],"searchKeys":[]}}"#
        }
        for salt in [#"ab\/\/"#, #"AQID"#, #"A\/QD"#, "AQID", #"AQ"D"#, #"AQ\D"#, "", "AQ=D"] {
            let json = Array(shape(salt).utf8)
            let reference = try? JSONDecoder().decode(User.self, from: Data(json))
            let fast = User.fromStoredJSON(json)
            if let fast { #expect(fast == reference, "\(salt)") }
            #expect(fast?.password?.salt == reference?.password?.salt, "\(salt)")
        }
    }

    /// Adding a stored property to these types means teaching `fromStoredJSON` about it.
    @Test func knowsEveryStoredProperty() throws {
        let user = Self.users()[0]
        #expect(Mirror(reflecting: user).children.map(\.label) == ["poolId", "username", "sub", "attributes", "status", "enabled", "createdAt", "modifiedAt", "password", "index", "mfa"])
        let mfa = try #require(Self.users()[3].mfa)
        #expect(Mirror(reflecting: mfa).children.map(\.label) == ["totp", "enabled", "preferred", "legacySMS"])
        #expect(Mirror(reflecting: mfa.totp!).children.map(\.label) == ["_sealedSecret", "verified", "friendlyName", "lastStep"])
        #expect(Mirror(reflecting: user.password!).children.map(\.label) == ["_salt", "_sealedVerifier", "setAt", "expiresAt"])
        #expect(Mirror(reflecting: user.index).children.map(\.label) == ["usernameKey", "aliasKeys", "searchKeys"])
        #expect(Mirror(reflecting: user.index.searchKeys[0]).children.map(\.label) == ["attribute", "value"])
    }
}
