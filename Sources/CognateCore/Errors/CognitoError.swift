import CognitoModel

/// The one error type of the domain: a Cognito exception code and its message. Every transport
/// renders it in its own way (AWS JSON `__type`, an OAuth2 `error`, a hosted-UI page); any other
/// error that escapes a handler is a logged 500 `InternalErrorException`.
public struct CognitoError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: CognitoErrorCode
    public var message: String

    public init(_ code: CognitoErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.name): \(message)" }
}

// Cognito's own wording, collected in one place because apps string-match on them.
extension CognitoError {
    public static let incorrectCredentials = CognitoError(.notAuthorized, "Incorrect username or password.")
    public static let userDisabled = CognitoError(.notAuthorized, "User is disabled.")
    public static let passwordAttemptsExceeded = CognitoError(.notAuthorized, "Password attempts exceeded")
    public static let temporaryPasswordExpired = CognitoError(.notAuthorized, "Temporary password has expired and must be reset by an administrator.")
    public static let userNotFound = CognitoError(.userNotFound, "User does not exist.")
    public static let userNotConfirmed = CognitoError(.userNotConfirmed, "User is not confirmed.")
    public static let passwordResetRequired = CognitoError(.passwordResetRequired, "Password reset required for the user")
    public static let invalidAccessToken = CognitoError(.notAuthorized, "Invalid Access Token")
    public static let accessTokenExpired = CognitoError(.notAuthorized, "Access Token has expired")
    public static let accessTokenRevoked = CognitoError(.notAuthorized, "Access Token has been revoked")
    public static let invalidRefreshToken = CognitoError(.notAuthorized, "Invalid Refresh Token")
    public static let refreshTokenRevoked = CognitoError(.notAuthorized, "Refresh Token has been revoked")
    public static let refreshTokenExpired = CognitoError(.notAuthorized, "Refresh Token has expired")
    public static let sessionExpired = CognitoError(.notAuthorized, "Invalid session for the user, session is expired.")
    public static let codeMismatch = CognitoError(.codeMismatch, "Invalid verification code provided, please try again.")
    public static let codeExpired = CognitoError(.expiredCode, "Invalid code provided, please request a code again.")
    public static let attemptLimit = CognitoError(.limitExceeded, "Attempt limit exceeded, please try after some time.")
    public static let noRecoveryTarget = CognitoError(
        .invalidParameter, "Cannot reset password for the user as there is no registered/verified email or phone_number")
    public static let groupExists = CognitoError(.groupExists, "A group with the name already exists.")
    public static let groupNotFound = CognitoError(.resourceNotFound, "Group not found.")
    public static let unauthorizedAttributeWrite = CognitoError(.notAuthorized, "A client attempted to write unauthorized attribute")

    // The OAuth endpoints' refusals; the HTTP layer turns the codes into OAuth's error names.
    public static let invalidClient = CognitoError(.unauthorized, "Client authentication failed.")
    public static let invalidGrant = CognitoError(.notAuthorized, "The authorization grant is invalid, expired, revoked, or was issued to another client.")
    public static let redirectMismatch = CognitoError(.invalidParameter, "The redirect_uri is not one of the app client's callback URLs.")
    public static let logoutMismatch = CognitoError(.invalidParameter, "The logout_uri is not one of the app client's sign-out URLs.")

    public static func poolNotFound(_ id: String) -> CognitoError {
        CognitoError(.resourceNotFound, "User pool \(id) does not exist.")
    }
    public static func clientNotFound(_ id: String) -> CognitoError {
        CognitoError(.resourceNotFound, "User pool client \(id) does not exist.")
    }
    public static func invalidParameter(_ message: String) -> CognitoError {
        CognitoError(.invalidParameter, message)
    }
    public static func secretHashMissing(_ clientId: String) -> CognitoError {
        CognitoError(.notAuthorized, "Client \(clientId) is configured for secret but secret was not received")
    }
    public static func secretHashMismatch(_ clientId: String) -> CognitoError {
        CognitoError(.notAuthorized, "Unable to verify secret hash for client \(clientId)")
    }
}
