/// Cognito's Lambda triggers. The core decides when a trigger runs, builds its event (contract §8)
/// and applies the answer; an implementation only carries the event to the function and back.
/// CognateDelivery's `WebhookTriggers` POSTs it, signed, to a URL (or the URL an ARN maps to).
public protocol Triggers: Sendable {
    /// Invokes `target` (the LambdaConfig value: a URL or a Lambda ARN) with `event` and returns the
    /// event the function answered. Throws `CognitoError`: `.lambdaRejected` when the function
    /// reported an error, `.lambdaUnreachable` when it could not be invoked or timed out, and
    /// `.lambdaInvalidResponse` when its answer is not a JSON object.
    func invoke(_ trigger: TriggerName, target: String, event: JSONValue) async throws -> JSONValue
}

/// A LambdaConfig member, named as Cognito names it in its error messages.
public struct TriggerName: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let preSignUp = TriggerName(rawValue: "PreSignUp")
    public static let postConfirmation = TriggerName(rawValue: "PostConfirmation")
    public static let preAuthentication = TriggerName(rawValue: "PreAuthentication")
    public static let postAuthentication = TriggerName(rawValue: "PostAuthentication")
    public static let preTokenGeneration = TriggerName(rawValue: "PreTokenGeneration")
    public static let customMessage = TriggerName(rawValue: "CustomMessage")
    public static let userMigration = TriggerName(rawValue: "UserMigration")
    public static let defineAuthChallenge = TriggerName(rawValue: "DefineAuthChallenge")
    public static let createAuthChallenge = TriggerName(rawValue: "CreateAuthChallenge")
    public static let verifyAuthChallengeResponse = TriggerName(rawValue: "VerifyAuthChallengeResponse")
    public static let customEmailSender = TriggerName(rawValue: "CustomEmailSender")
    public static let customSMSSender = TriggerName(rawValue: "CustomSMSSender")
}

/// For deployments and tests without triggers: any invocation is a failure.
public struct NoTriggers: Triggers {
    public init() {}
    public func invoke(_ trigger: TriggerName, target: String, event: JSONValue) async throws -> JSONValue {
        throw CognitoError.lambdaUnreachable(trigger, reason: "ResourceNotFoundException")
    }
}

extension CognitoError {
    /// The function ran and reported an error (Lambda's `errorMessage`).
    public static func lambdaRejected(_ trigger: TriggerName, message: String) -> CognitoError {
        CognitoError(.userLambdaValidation, "\(trigger) failed with error \(message).")
    }
    /// The function could not be reached, failed outside its own code, or timed out.
    public static func lambdaUnreachable(_ trigger: TriggerName, reason: String) -> CognitoError {
        CognitoError(.unexpectedLambda, "\(trigger) invocation failed due to error \(reason).")
    }
    /// The function answered something that is not an event, or an event with invalid values.
    public static let lambdaInvalidResponse = CognitoError(.invalidLambdaResponse, "Unrecognizable lambda output")
}
