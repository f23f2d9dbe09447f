/// A Cognito error code: the exception name sent as `__type` in an AWS JSON 1.1 error response,
/// and the HTTP status that goes with it.
///
/// One constant per exception shape of the model is generated in `Generated/ErrorCodes.swift`
/// (`.notAuthorized`, `.userNotFound`, `.internalError` (500), ...); the few codes AWS sends
/// that the model does not declare are added below.
public struct CognitoErrorCode: Hashable, Sendable, CustomStringConvertible {
    /// The exception name, e.g. `NotAuthorizedException`.
    public let name: String
    public let httpStatus: Int

    public init(_ name: String, httpStatus: Int = 400) {
        self.name = name
        self.httpStatus = httpStatus
    }

    public var description: String { name }
}

extension CognitoErrorCode {
    /// The `X-Amz-Target` names an operation the server does not implement (or that does not exist).
    public static let unknownOperation = CognitoErrorCode("UnknownOperationException")
    /// The request body is not valid JSON or a member has the wrong JSON type.
    public static let serialization = CognitoErrorCode("SerializationException")

    // SigV4 refusals of signed operations (when the deployment configures a credential).
    /// A signed operation called without an `Authorization` header.
    public static let missingAuthenticationToken = CognitoErrorCode("MissingAuthenticationTokenException")
    /// The access key id is not the configured one.
    public static let unrecognizedClient = CognitoErrorCode("UnrecognizedClientException")
    /// The signature does not match, or its date is too far from the server's clock.
    public static let invalidSignature = CognitoErrorCode("InvalidSignatureException")
    /// The `Authorization` header or the date is malformed or lacks a part.
    public static let incompleteSignature = CognitoErrorCode("IncompleteSignatureException")
}
