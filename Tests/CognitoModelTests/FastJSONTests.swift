import CognitoModel
import Foundation
import Testing

/// The hand-written response JSON must parse to what JSONEncoder writes.
@Suite struct FastJSONTests {
    func same<T: Encodable & FastJSONEncodable>(_ value: T) throws {
        let fast = try #require(value.fastJSON())
        let a = try JSONSerialization.jsonObject(with: Data(fast)) as? NSDictionary
        let b = try JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as? NSDictionary
        #expect(a != nil && a == b, "\(String(decoding: fast, as: UTF8.self))")
    }

    static let attributes = [
        AttributeType(name: "sub", value: "5f0c-11"), AttributeType(name: "email", value: "a/b\"c\\d@example.com"),
        AttributeType(name: "custom:note", value: "tab\there\nline\u{1}\u{1f} é 😀"), AttributeType(name: "empty", value: ""),
        AttributeType(name: "novalue", value: nil),
    ]

    @Test func userType() throws {
        try same(UserType(username: "alice", attributes: Self.attributes, userCreateDate: 1_767_225_600.123456, userLastModifiedDate: 1_767_225_601,
                          enabled: true, userStatus: "CONFIRMED"))
        try same(UserType(username: "bob", attributes: [], userCreateDate: 0.1, userLastModifiedDate: 1e20, enabled: false, userStatus: "UNCONFIRMED"))
        try same(UserType(username: "carol"))
        #expect(UserType(username: "x", mfaOptions: [MFAOptionType()]).fastJSON() == nil)
        #expect(UserType(username: "x", userCreateDate: .nan).fastJSON() == nil)
    }

    @Test func getUserAndAdminGetUser() throws {
        try same(GetUserResponse(username: "alice", userAttributes: Self.attributes))
        try same(AdminGetUserResponse(username: "alice", userAttributes: Self.attributes, userCreateDate: 12.5, userLastModifiedDate: 13,
                                      enabled: true, userStatus: "FORCE_CHANGE_PASSWORD"))
        try same(AdminGetUserResponse(username: "bob"))
        #expect(GetUserResponse(username: "x", userAttributes: [], preferredMfaSetting: "SMS_MFA").fastJSON() == nil)
    }

    @Test func signInResponses() throws {
        let tokens = AuthenticationResultType(accessToken: "eyJ.a/b.c", expiresIn: 3600, tokenType: "Bearer", refreshToken: "r+/=", idToken: "eyJ.i.d")
        let params = ["SALT": "0a1b", "SRP_B": "ff", "SECRET_BLOCK": "x/y+z=", "USERNAME": "a\"b", "USER_ID_FOR_SRP": "é😀"]
        try same(InitiateAuthResponse(authenticationResult: tokens))
        try same(InitiateAuthResponse(challengeName: "PASSWORD_VERIFIER", challengeParameters: params))
        try same(InitiateAuthResponse(challengeName: "EMAIL_OTP", session: "s", challengeParameters: [:], availableChallenges: ["A", "B"]))
        try same(AdminInitiateAuthResponse(challengeName: "NEW_PASSWORD_REQUIRED", session: "s/1", challengeParameters: params))
        try same(RespondToAuthChallengeResponse(challengeParameters: [:], authenticationResult: tokens))
        try same(AdminRespondToAuthChallengeResponse(authenticationResult: AuthenticationResultType(accessToken: "a", expiresIn: 1)))
        try same(RespondToAuthChallengeResponse())
        #expect(InitiateAuthResponse(authenticationResult: AuthenticationResultType(newDeviceMetadata: NewDeviceMetadataType(deviceKey: "k"))).fastJSON() == nil)
    }

    /// A regenerated model with more members must teach the writers about them.
    @Test func knowsEveryMember() {
        #expect(Mirror(reflecting: ListUsersResponse()).children.map(\.label) == ["users", "paginationToken"])
        #expect(Mirror(reflecting: UserType()).children.map(\.label) == ["username", "attributes", "userCreateDate", "userLastModifiedDate", "enabled", "userStatus", "mfaOptions"])
        #expect(Mirror(reflecting: AttributeType(name: "n")).children.map(\.label) == ["name", "value"])
        #expect(Mirror(reflecting: GetUserResponse(username: "u", userAttributes: [])).children.map(\.label) == ["username", "userAttributes", "mfaOptions", "preferredMfaSetting", "userMFASettingList"])
        let step = ["challengeName", "session", "challengeParameters", "authenticationResult", "availableChallenges"]
        #expect(Mirror(reflecting: InitiateAuthResponse()).children.map(\.label) == step)
        #expect(Mirror(reflecting: AdminInitiateAuthResponse()).children.map(\.label) == step)
        #expect(Mirror(reflecting: RespondToAuthChallengeResponse()).children.map(\.label) == step)
        #expect(Mirror(reflecting: AdminRespondToAuthChallengeResponse()).children.map(\.label) == step)
        #expect(Mirror(reflecting: AuthenticationResultType()).children.map(\.label) == ["accessToken", "expiresIn", "tokenType", "refreshToken", "idToken", "newDeviceMetadata"])
        #expect(Mirror(reflecting: AdminGetUserResponse(username: "u")).children.map(\.label) == ["username", "userAttributes", "userCreateDate", "userLastModifiedDate", "enabled", "userStatus", "mfaOptions", "preferredMfaSetting", "userMFASettingList"])
    }
}
