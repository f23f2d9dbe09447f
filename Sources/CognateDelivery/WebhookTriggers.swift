import CognateCore
import Foundation

/// Triggers as webhooks: the event is POSTed as JSON, signed, to the trigger's URL (or the URL its
/// Lambda ARN maps to). The receiver answers 2xx with the event, `response` filled in, as a Lambda
/// function returns it; or reports an error with `{"errorMessage": "…"}` (any status), which
/// becomes UserLambdaValidationException as a thrown Lambda error does. No answer within the
/// timeout, a refused connection or another status is UnexpectedLambdaException; a 2xx whose
/// body is not a JSON object is InvalidLambdaResponseException.
public struct WebhookTriggers: Triggers {
    let signer: WebhookSigner
    let map: [String: String]
    let timeout: Double
    let time: any TimeSource

    public init(signer: WebhookSigner, map: [String: String], timeout: Double, time: any TimeSource) {
        self.signer = signer
        self.map = map
        self.timeout = timeout
        self.time = time
    }

    public func invoke(_ trigger: TriggerName, target: String, event: JSONValue) async throws -> JSONValue {
        guard let url = Self.resolve(target, map: map) else {
            throw CognitoError.lambdaUnreachable(trigger, reason: "ResourceNotFoundException")
        }
        let body = try Self.encoder.encode(event)
        let outcome = await post(url: url, body: Array(body), trigger: trigger)
        if outcome.timedOut {
            throw CognitoError.lambdaUnreachable(trigger, reason: "Socket timeout while invoking Lambda function")
        }
        guard outcome.ok else { throw CognitoError.lambdaUnreachable(trigger, reason: outcome.error) }
        let answer = try? JSONDecoder().decode(JSONValue.self, from: Data(outcome.body))
        if (200..<300).contains(outcome.status) {
            guard case .object? = answer else { throw CognitoError.lambdaInvalidResponse }
            return answer!
        }
        if case .object(let o)? = answer, case .string(let message)? = o["errorMessage"] {
            throw CognitoError.lambdaRejected(trigger, message: message)
        }
        throw CognitoError.lambdaUnreachable(trigger, reason: "HTTP \(outcome.status)")
    }

    /// Like Cognito's retries of a Lambda it could not reach: up to three tries, but only while
    /// the connection itself fails (a receiver that got the event is never sent it twice).
    func post(url: String, body: [UInt8], trigger: TriggerName) async -> Curl.Outcome {
        var outcome: Curl.Outcome
        var tries = 0
        repeat {
            tries += 1
            let signature = signer.signature(body: body, timestamp: Int(time.now().timeIntervalSince1970))
            outcome = await Curl.perform(Curl.Request(
                url: url, protocols: "http,https", body: body,
                httpHeaders: ["Content-Type: application/json", "\(WebhookSigner.header): \(signature)", "X-Cognate-Trigger: \(trigger)"],
                timeoutMilliseconds: Int(timeout * 1000)
            ))
        } while outcome.unreachable && tries < 3
        return outcome
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// A URL stands for itself; an ARN (`arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`)
    /// is looked up in the map by the whole ARN, then by function name.
    public static func resolve(_ target: String, map: [String: String]) -> String? {
        if target.hasPrefix("http://") || target.hasPrefix("https://") { return target }
        if let url = map[target] { return url }
        let parts = target.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count >= 7, parts[0] == "arn", parts[5] == "function", let url = map[String(parts[6])] { return url }
        return nil
    }
}
