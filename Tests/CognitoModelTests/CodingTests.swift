import Foundation
import Testing
@testable import CognitoModel

@Suite struct CodingTests {
    @Test func decodesSignUpRequestWithWireNames() throws {
        let json = """
        {
          "ClientId": "1example23456789",
          "Username": "alice",
          "Password": "Passw0rd!",
          "SecretHash": "abc=",
          "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}],
          "ClientMetadata": {"k": "v"},
          "UnknownMember": 1
        }
        """
        let request = try JSONDecoder().decode(SignUpRequest.self, from: Data(json.utf8))
        #expect(request.clientId == "1example23456789")
        #expect(request.username == "alice")
        #expect(request.password == "Passw0rd!")
        #expect(request.secretHash == "abc=")
        #expect(request.userAttributes == [AttributeType(name: "email", value: "alice@example.com")])
        #expect(request.clientMetadata == ["k": "v"])
        #expect(request.validationData == nil)
        #expect(request.validationErrors().isEmpty)
    }

    @Test func missingRequiredMemberIsADecodingError() {
        let json = #"{"ClientId": "1example23456789"}"#
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(SignUpRequest.self, from: Data(json.utf8))
        }
    }

    @Test func encodingOmitsNilMembersAndUsesWireNames() throws {
        let response = SignUpResponse(
            userConfirmed: false,
            codeDeliveryDetails: CodeDeliveryDetailsType(destination: "a***@e***", deliveryMedium: "EMAIL"),
            userSub: "5a1b"
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(response), as: UTF8.self)
        #expect(text == #"{"CodeDeliveryDetails":{"DeliveryMedium":"EMAIL","Destination":"a***@e***"},"UserConfirmed":false,"UserSub":"5a1b"}"#)
        #expect(!text.contains("null"))
        #expect(!text.contains("AttributeName"))
        #expect(!text.contains("Session"))

        let back = try JSONDecoder().decode(SignUpResponse.self, from: Data(text.utf8))
        #expect(back == response)
    }

    @Test func emptyStructuresEncodeAsEmptyObjects() throws {
        let text = String(decoding: try JSONEncoder().encode(AdminConfirmSignUpResponse()), as: UTF8.self)
        #expect(text == "{}")
        _ = try JSONDecoder().decode(AdminConfirmSignUpResponse.self, from: Data("{}".utf8))
    }

    @Test func memberNamesAreLowerCamel() throws {
        // MFAOptions -> mfaOptions, SMSMfaSettings -> smsMfaSettings, CSS -> css,
        // CallbackURLs -> callbackURLs, IdTokenValidity -> idTokenValidity
        var user = AdminGetUserResponse(username: "bob")
        user.mfaOptions = [MFAOptionType(deliveryMedium: "SMS", attributeName: "phone_number")]
        let settings = SetUserMFAPreferenceRequest(smsMfaSettings: SMSMfaSettingsType(enabled: true), accessToken: "t")
        let ui = UICustomizationType(css: "body{}")
        let client = UserPoolClientType(idTokenValidity: 60, callbackURLs: ["https://x"])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(user), as: UTF8.self)
        #expect(text.contains(#""MFAOptions":[{"AttributeName":"phone_number","DeliveryMedium":"SMS"}]"#))
        #expect(String(decoding: try encoder.encode(settings), as: UTF8.self).contains(#""SMSMfaSettings":{"Enabled":true}"#))
        #expect(String(decoding: try encoder.encode(ui), as: UTF8.self) == #"{"CSS":"body{}"}"#)
        #expect(String(decoding: try encoder.encode(client), as: UTF8.self) == #"{"CallbackURLs":["https:\/\/x"],"IdTokenValidity":60}"#)
    }

    @Test func timestampsAreEpochSecondsAndDocumentsRoundTrip() throws {
        let json = #"{"Username":"u","UserCreateDate":1.7000000005E9,"Enabled":true}"#
        let user = try JSONDecoder().decode(AdminGetUserResponse.self, from: Data(json.utf8))
        #expect(user.userCreateDate == 1_700_000_000.5)
        #expect(user.enabled == true)

        let branding = #"{"UserPoolId":"us-east-1_abc","ClientId":"c","Settings":{"a":[1,true,null,"x"],"b":{"c":2.5}}}"#
        let request = try JSONDecoder().decode(CreateManagedLoginBrandingRequest.self, from: Data(branding.utf8))
        #expect(request.settings == .object(["a": .array([.number(1), .bool(true), .null, .string("x")]), "b": .object(["c": .number(2.5)])]))
        let again = try JSONDecoder().decode(CreateManagedLoginBrandingRequest.self, from: try JSONEncoder().encode(request))
        #expect(again == request)
    }
}
