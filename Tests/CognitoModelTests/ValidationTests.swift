import Testing
@testable import CognitoModel

@Suite struct ValidationTests {
    @Test func usernameTooLong() {
        let name = String(repeating: "a", count: 129)
        let errors = AdminGetUserRequest(userPoolId: "us-east-1_abc", username: name).validationErrors()
        // Username is sensitive in the model: its value is never echoed.
        #expect(errors == [ValidationError(
            path: "username",
            message: "Value at 'username' failed to satisfy constraint: Member must have length less than or equal to 128"
        )])
        #expect(ValidationError.summary(errors) == "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must have length less than or equal to 128")
    }

    @Test func groupNameTooLongShowsTheValue() {
        let name = String(repeating: "g", count: 129)
        let errors = GetGroupRequest(groupName: name, userPoolId: "us-east-1_abc").validationErrors()
        #expect(errors.map(\.message) == [
            "Value '\(name)' at 'groupName' failed to satisfy constraint: Member must have length less than or equal to 128",
        ])
    }

    @Test func lengthCountsCharacters() {
        // 128 characters of 2 UTF-8 bytes each are still 128 characters.
        let name = String(repeating: "é", count: 128)
        #expect(GetGroupRequest(groupName: name, userPoolId: "us-east-1_abc").validationErrors().isEmpty)
        #expect(GetGroupRequest(groupName: name + "é", userPoolId: "us-east-1_abc").validationErrors().count == 1)
    }

    @Test func badUserPoolIdPattern() {
        let errors = ListUsersRequest(userPoolId: "not a pool").validationErrors()
        #expect(errors.map(\.message) == [
            #"Value 'not a pool' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w-]+_[0-9a-zA-Z]+"#,
        ])
        #expect(ListUsersRequest(userPoolId: "us-east-1_AbC123").validationErrors().isEmpty)
    }

    @Test func limitOutOfRange() {
        let errors = ListUsersRequest(userPoolId: "us-east-1_abc", limit: 61).validationErrors()
        #expect(errors.map(\.message) == [
            "Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60",
        ])
        let negative = ListUsersRequest(userPoolId: "us-east-1_abc", limit: -1).validationErrors()
        #expect(negative.map(\.message) == [
            "Value '-1' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 0",
        ])
        #expect(ListUsersRequest(userPoolId: "us-east-1_abc", limit: 60).validationErrors().isEmpty)
    }

    @Test func enumViolation() {
        let request = AdminInitiateAuthRequest(userPoolId: "us-east-1_abc", clientId: "client1", authFlow: "PASSWORD_AUTH")
        #expect(request.validationErrors().map(\.message) == [
            "Value 'PASSWORD_AUTH' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]",
        ])
    }

    @Test func passwordIsNeverEchoed() {
        let secret = "has space " + String(repeating: "x", count: 300)
        let request = SignUpRequest(clientId: "client1", username: "alice", password: secret)
        let errors = request.validationErrors()
        #expect(errors.map(\.message) == [
            "Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 256",
            #"Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\S]+"#,
        ])
        #expect(!ValidationError.summary(errors).contains("has space"))
    }

    @Test func nestedListElementPath() {
        let request = AdminCreateUserRequest(
            userPoolId: "us-east-1_abc", username: "alice",
            userAttributes: [AttributeType(name: "email", value: "a@b.c"), AttributeType(name: "")]
        )
        // Shaped like a real Cognito message for this input (whose pattern was
        // `[\p{L}\p{M}\p{S}\p{N}\p{P}]+` in older models).
        #expect(ValidationError.summary(request.validationErrors()) ==
            #"2 validation errors detected: Value '' at 'userAttributes.2.member.name' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'userAttributes.2.member.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r ]+"#)
        let long = SignUpRequest(clientId: "c", username: "u",
                                 userAttributes: [AttributeType(name: "email", value: String(repeating: "v", count: 2049))])
        #expect(long.validationErrors().map(\.message) == [
            "Value at 'userAttributes.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 2048",
        ])
    }

    @Test func nestedStructurePath() {
        var request = CreateUserPoolRequest(poolName: "pool")
        request.policies = UserPoolPolicyType(passwordPolicy: PasswordPolicyType(minimumLength: 5))
        #expect(request.validationErrors().map(\.message) == [
            "Value '5' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value greater than or equal to 6",
        ])
    }

    @Test func listSizeAndScalarListMembers() {
        var request = CreateUserPoolClientRequest(userPoolId: "us-east-1_abc", clientName: "app")
        request.callbackURLs = ["https://ok.example", String(repeating: "u", count: 1025)]
        request.allowedOAuthFlows = ["code", "implicit", "client_credentials", "nope"]
        // A list of scalars is reported once, at the list, with all the element constraints.
        #expect(request.validationErrors().map(\.message) == [
            #"Value at 'callbackURLs' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+]"#,
            "Value at 'allowedOAuthFlows' failed to satisfy constraint: Member must have length less than or equal to 3",
            "Value at 'allowedOAuthFlows' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [code, implicit, client_credentials]]",
        ])
    }

    @Test func mapKeysAndValues() {
        let arn = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"
        #expect(TagResourceRequest(resourceArn: arn, tags: ["team": "x"]).validationErrors().isEmpty)
        let request = TagResourceRequest(resourceArn: arn, tags: ["": "v", "ok": String(repeating: "v", count: 257)])
        #expect(request.validationErrors().map(\.message) == [
            "Value at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]",
            "Value at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]",
        ])
        let badArn = TagResourceRequest(resourceArn: "arn:aws:nothing-here", tags: [:])
        #expect(badArn.validationErrors().map(\.message) == [
            #"Value 'arn:aws:nothing-here' at 'resourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?"#,
        ])
    }

    @Test func mapOfStructuresUsesKeyPaths() {
        var request = CreateUserPoolRequest(poolName: "pool")
        request.acrConfiguration = ["Level9": AcrLevelConfigType(acrValue: ""), "Level1": AcrLevelConfigType(acrValue: "ok")]
        #expect(request.validationErrors().map(\.message) == [
            "Value at 'acrConfiguration' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: Level[1-4]]",
            "Value '' at 'acrConfiguration.Level9.member.acrValue' failed to satisfy constraint: Member must have length greater than or equal to 1",
            #"Value '' at 'acrConfiguration.Level9.member.acrValue' failed to satisfy constraint: Member must satisfy regular expression pattern: [\x21\x23-\x5B\x5D-\x7E]+"#,
        ])
    }

    @Test func sensitiveStructureHidesNestedValues() {
        let context = UserContextDataType(ipAddress: String(repeating: "1", count: 131_073))
        let errors = InitiateAuthRequest(authFlow: "USER_AUTH", clientId: "c", userContextData: context).validationErrors()
        #expect(errors.count == 1)
        #expect(errors.first?.message.hasPrefix("Value at 'userContextData.ipAddress' failed") == true)
    }

    @Test func pathsUseAWSMemberNaming() {
        // AWS lowercases only the first letter of a member name in paths (Coral: `sSESpecification`).
        var request = AdminSetUserMFAPreferenceRequest(username: "u", userPoolId: "us-east-1_abc")
        request.smsMfaSettings = SMSMfaSettingsType(enabled: true)
        #expect(request.validationErrors().isEmpty)
        var tooMany = AdminSetUserSettingsRequest(userPoolId: "bad", username: "u", mfaOptions: [])
        tooMany.mfaOptions = [MFAOptionType(deliveryMedium: "PIGEON")]
        #expect(tooMany.validationErrors().map(\.path) == ["userPoolId", "mFAOptions.1.member.deliveryMedium"])
    }

    @Test func summaryFormat() {
        #expect(ValidationError.summary([ValidationError(path: "a", message: "m1")]) == "1 validation error detected: m1")
        #expect(ValidationError.summary([ValidationError(path: "a", message: "m1"), ValidationError(path: "b", message: "m2")])
            == "2 validation errors detected: m1; m2")
    }
}
