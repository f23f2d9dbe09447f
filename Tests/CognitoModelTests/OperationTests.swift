import Testing
@testable import CognitoModel

@Suite struct OperationTests {
    @Test func allOperations() {
        #expect(CognitoOperations.all.count == 141)
        #expect(CognitoOperations.all.map(\.name) == CognitoOperations.all.map(\.name).sorted())
        #expect(CognitoOperations.named("SignUp")?.requiresSignature == false)
        #expect(CognitoOperations.named("InitiateAuth")?.requiresSignature == false)
        #expect(CognitoOperations.named("AdminCreateUser")?.requiresSignature == true)
        #expect(CognitoOperations.named("AdminCreateUser")?.inputShape == "AdminCreateUserRequest")
        #expect(CognitoOperations.named("AdminAddUserToGroup")?.outputShape == nil)
        #expect(CognitoOperations.named("SignUp")?.errors.contains("UsernameExistsException") == true)
        #expect(CognitoOperations.named("signUp") == nil)
        #expect(CognitoOperations.all.filter { !$0.requiresSignature }.count == 34)
        #expect(CognitoOperations.targetPrefix == "AWSCognitoIdentityProviderService")
    }

    @Test func errorCodes() {
        #expect(CognitoErrorCode.notAuthorized.name == "NotAuthorizedException")
        #expect(CognitoErrorCode.notAuthorized.httpStatus == 400)
        #expect(CognitoErrorCode.internalError == CognitoErrorCode("InternalErrorException", httpStatus: 500))
        #expect(CognitoErrorCode.unknownOperation.name == "UnknownOperationException")
        #expect(CognitoErrorCode.serialization.description == "SerializationException")
        #expect(CognitoErrorCode.mfaMethodNotFound.name == "MFAMethodNotFoundException")
        #expect(CognitoErrorCode.modelled.count == 59)
        #expect(Set(CognitoErrorCode.modelled).count == 59)
        // Every error an operation declares has a constant.
        let names = Set(CognitoErrorCode.modelled.map(\.name))
        for op in CognitoOperations.all {
            for e in op.errors { #expect(names.contains(e), "\(op.name): \(e)") }
        }
    }
}
