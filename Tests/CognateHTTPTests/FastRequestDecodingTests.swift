@testable import CognateHTTP
import CognateCore
import CognitoModel
import Foundation
import Testing

/// The sign-in requests' fast reading gives what the full reading (JSONDecoder, nulls dropped)
/// gives, or declines (and the full reading decodes the body).
@Suite("Fast request decoding")
struct FastRequestDecodingTests {
    /// Compares the fast reading with the full one; returns whether the fast reading took it.
    static func check<T: ModelShape>(_ type: T.Type, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let body = Data(text.utf8)
        let slow = try? Self.fullReading(T.self, body)
        guard let fast = ActionRegistry.fastDecode(T.self, from: body) else { return false }
        #expect(slow == fast, "\(text)", sourceLocation: sourceLocation)
        return true
    }

    /// The full reading alone (the fast one skipped): JSONDecoder, and again without nulls.
    static func fullReading<T: ModelShape>(_ type: T.Type, _ body: Data) throws -> T {
        let shape = String(describing: T.self)
        if let t = try? JSONDecoder().decode(T.self, from: body) { return t }
        guard let parsed = JSONValue.parse(Array(body)), let cleaned = ModelSchema.droppingNulls(parsed, kind: .structure(shape)).compactJSON() else {
            throw CognitoError(.serialization, "not JSON")
        }
        return try JSONDecoder().decode(T.self, from: Data(cleaned))
    }

    static let srpStart = #"{"AuthFlow":"USER_SRP_AUTH","ClientId":"3n4b5urk1ft4fl3mg5e62d9ado","AuthParameters":{"USERNAME":"erin","SRP_A":"ab01"}}"#
    static let srpAnswer = #"{"ChallengeName":"PASSWORD_VERIFIER","ClientId":"c1","ChallengeResponses":{"USERNAME":"erin","TIMESTAMP":"Tue Dec 1 10:00:00 UTC 2026","PASSWORD_CLAIM_SIGNATURE":"c2ln","PASSWORD_CLAIM_SECRET_BLOCK":"YmxvY2s="}}"#

    @Test func whatTheSDKsSendIsReadFastAndAsJSONDecoderReadsIt() {
        #expect(Self.check(InitiateAuthRequest.self, Self.srpStart))
        #expect(Self.check(RespondToAuthChallengeRequest.self, Self.srpAnswer))
        #expect(Self.check(InitiateAuthRequest.self, #"{"AuthFlow":"REFRESH_TOKEN_AUTH","ClientId":"c","AuthParameters":{"REFRESH_TOKEN":"t","SECRET_HASH":"h"},"ClientMetadata":{"k":"v"}}"#))
        #expect(Self.check(RespondToAuthChallengeRequest.self, #"{"ChallengeName":"NEW_PASSWORD_REQUIRED","ClientId":"c","Session":"s","ChallengeResponses":{},"ClientMetadata":{}}"#))
        #expect(Self.check(AdminInitiateAuthRequest.self, #"{"UserPoolId":"us-east-1_A","ClientId":"c","AuthFlow":"ADMIN_USER_PASSWORD_AUTH","AuthParameters":{"USERNAME":"u","PASSWORD":"p"}}"#))
        #expect(Self.check(AdminRespondToAuthChallengeRequest.self, #"{"UserPoolId":"us-east-1_A","ClientId":"c","ChallengeName":"X","ChallengeResponses":{"A":"b"},"Session":"s"}"#))
        // Escapes, unknown members, white space, a byte-order mark, a trailing comma, a repeated key.
        #expect(Self.check(InitiateAuthRequest.self, #"{"AuthFlow":"USER_SRP_AUTH","ClientId":"c","AuthParameters":{"USERNAME":"\u00e9\"\\\/\n\ud83d\ude00é"}}"#))
        #expect(Self.check(InitiateAuthRequest.self, #"{ "Extra": [1, {"x": null}], "AuthFlow" : "A" , "ClientId":"c" }"#))
        #expect(Self.check(InitiateAuthRequest.self, "\u{FEFF}" + #"{"AuthFlow":"A","ClientId":"c"}"#))
        #expect(Self.check(InitiateAuthRequest.self, #"{"AuthFlow":"A","ClientId":"c","AuthParameters":{"U":"x",},}"#))
        #expect(Self.check(InitiateAuthRequest.self, #"{"AuthFlow":"A","ClientId":"first","ClientId":"second"}"#))
        #expect(Self.check(InitiateAuthRequest.self, #"{"AuthFlow":"A","ClientId":"c","AuthParameters":{"U":"1","U":"2"}}"#))
        // Nulls, as the browser SDKs send them: absent members, dropped map entries.
        #expect(Self.check(InitiateAuthRequest.self, #"{"AuthFlow":"REFRESH_TOKEN_AUTH","ClientId":"c","AuthParameters":{"REFRESH_TOKEN":"t","DEVICE_KEY":null}}"#))
        #expect(Self.check(InitiateAuthRequest.self, #"{"AuthFlow":"A","ClientId":"c","Session":null}"#))
        #expect(Self.check(InitiateAuthRequest.self, #"{"AuthFlow":"A","ClientId":"c","AuthParameters":null,"UserContextData":null}"#))
        #expect(Self.check(RespondToAuthChallengeRequest.self, #"{"ChallengeName":"X","ClientId":"c","ChallengeResponses":{"A":"b","DEVICE_KEY":null},"ClientMetadata":null}"#))
    }

    @Test func anythingElseIsLeftToJSONDecoder() {
        let declined = [
            #"{"AuthFlow":"A","ClientId":null}"#,
            #"{"AuthFlow":"A","ClientId":5}"#,
            #"{"AuthFlow":"A"}"#,
            #"{"AuthFlow":"A","ClientId":"c","AuthParameters":{"U":1}}"#,
            #"{"AuthFlow":"A","ClientId":"c","AuthParameters":["U"]}"#,
            #"{"AuthFlow":"A","ClientId":"c","AnalyticsMetadata":{"AnalyticsEndpointId":"e"}}"#,
            #"{"AuthFlow":"A","ClientId":"c","UserContextData":{"EncodedData":"d"}}"#,
            #"["AuthFlow"]"#, "", "{", #"{"AuthFlow":"A","ClientId":"c"} x"#,
        ]
        for text in declined { #expect(!Self.check(InitiateAuthRequest.self, text), "\(text)") }
        #expect(!Self.check(AdminInitiateAuthRequest.self, #"{"UserPoolId":"p","ClientId":"c","AuthFlow":"A","ContextData":{"IpAddress":"1.2.3.4"}}"#))
        #expect(!Self.check(RespondToAuthChallengeRequest.self, #"{"ChallengeName":"X","ClientId":"c","ChallengeResponses":{"A":true}}"#))
        // Refusals still come from the JSONDecoder path, with Cognito's errors.
        #expect(throws: CognitoError.self) { try ActionRegistry.decode(InitiateAuthRequest.self, shape: "InitiateAuthRequest", from: Data(#"{"AuthFlow":"A"}"#.utf8)) }
        #expect(throws: CognitoError.self) { try ActionRegistry.decode(InitiateAuthRequest.self, shape: "InitiateAuthRequest", from: Data(#"{"AuthFlow":"A","ClientId":5}"#.utf8)) }
    }

    @Test func shapesOfOtherOperationsAreNotReadFast() {
        #expect(ActionRegistry.fastDecode(GetUserRequest.self, from: Data(#"{"AccessToken":"t"}"#.utf8)) == nil)
    }
}
