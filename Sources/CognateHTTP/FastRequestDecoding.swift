import CognateCore
import CognitoModel
import Foundation

/// Request shapes read straight from a parsed body, for the sign-in operations (an SRP
/// sign-in is two of them). In the loaded server JSONDecoder's keyed containers and their
/// generic metadata cost more than the rest of the request's bookkeeping (1.9% of an SRP
/// sign-in's server CPU in perf, against ~9 µs for the same body in a quiet loop).
///
/// `JSONValue.parse` reads as JSONDecoder does (the first of duplicate keys wins, a byte-order
/// mark and one trailing comma are accepted) and reads nulls as the full path does (a null
/// member is absent, a null map entry is dropped: the browser SDKs' `"DEVICE_KEY": null`).
/// Anything this reading does not cover exactly declines: a member of another type, a missing
/// or null required member, a nested shape (AnalyticsMetadata, UserContextData, ContextData).
/// The full path then decodes the body, so every refusal is unchanged. Unknown members are
/// ignored by both.
protocol FastRequestDecodable {
    static func fastDecode(_ members: [String: JSONValue]) -> Self?
}

extension ActionRegistry {
    /// The request through its fast reading, or nil to have JSONDecoder decode it.
    static func fastDecode<T>(_ type: T.Type, from body: Data) -> T? {
        guard let fast = T.self as? any FastRequestDecodable.Type, case .object(let members)? = JSONValue.parse([UInt8](body)) else { return nil }
        return fast.fastDecode(members) as? T
    }
}

/// One member's reading: `.some(nil)` when absent or null, nil (decline) when of another type.
private struct Members {
    let m: [String: JSONValue]

    func required(_ key: String) -> String? {
        if case .string(let s)? = m[key] { return s }
        return nil
    }

    func string(_ key: String) -> String?? {
        switch m[key] {
        case nil, .null?: return .some(nil)
        case .string(let s)?: return .some(s)
        default: return nil
        }
    }

    func stringMap(_ key: String) -> [String: String]?? {
        switch m[key] {
        case nil, .null?: return .some(nil)
        case .object(let o)?:
            var out: [String: String] = [:]
            out.reserveCapacity(o.count)
            for (k, v) in o {
                switch v {
                case .string(let s): out[k] = s
                case .null: continue
                default: return nil
                }
            }
            return .some(out)
        default: return nil
        }
    }

    /// True when none of `keys` (nested shapes the fast reading does not cover) is present.
    func lacks(_ keys: String...) -> Bool { keys.allSatisfy { m[$0] == nil || m[$0] == .null } }
}

extension InitiateAuthRequest: FastRequestDecodable {
    static func fastDecode(_ members: [String: JSONValue]) -> InitiateAuthRequest? {
        let m = Members(m: members)
        guard m.lacks("AnalyticsMetadata", "UserContextData"), let authFlow = m.required("AuthFlow"), let clientId = m.required("ClientId"),
              let authParameters = m.stringMap("AuthParameters"), let clientMetadata = m.stringMap("ClientMetadata"), let session = m.string("Session")
        else { return nil }
        return InitiateAuthRequest(authFlow: authFlow, authParameters: authParameters, clientMetadata: clientMetadata, clientId: clientId, session: session)
    }
}

extension RespondToAuthChallengeRequest: FastRequestDecodable {
    static func fastDecode(_ members: [String: JSONValue]) -> RespondToAuthChallengeRequest? {
        let m = Members(m: members)
        guard m.lacks("AnalyticsMetadata", "UserContextData"), let clientId = m.required("ClientId"), let challengeName = m.required("ChallengeName"),
              let session = m.string("Session"), let responses = m.stringMap("ChallengeResponses"), let clientMetadata = m.stringMap("ClientMetadata")
        else { return nil }
        return RespondToAuthChallengeRequest(
            clientId: clientId, challengeName: challengeName, session: session, challengeResponses: responses, clientMetadata: clientMetadata
        )
    }
}

extension AdminInitiateAuthRequest: FastRequestDecodable {
    static func fastDecode(_ members: [String: JSONValue]) -> AdminInitiateAuthRequest? {
        let m = Members(m: members)
        guard m.lacks("AnalyticsMetadata", "ContextData"), let userPoolId = m.required("UserPoolId"), let clientId = m.required("ClientId"),
              let authFlow = m.required("AuthFlow"), let authParameters = m.stringMap("AuthParameters"),
              let clientMetadata = m.stringMap("ClientMetadata"), let session = m.string("Session")
        else { return nil }
        return AdminInitiateAuthRequest(
            userPoolId: userPoolId, clientId: clientId, authFlow: authFlow, authParameters: authParameters, clientMetadata: clientMetadata, session: session
        )
    }
}

extension AdminRespondToAuthChallengeRequest: FastRequestDecodable {
    static func fastDecode(_ members: [String: JSONValue]) -> AdminRespondToAuthChallengeRequest? {
        let m = Members(m: members)
        guard m.lacks("AnalyticsMetadata", "ContextData"), let userPoolId = m.required("UserPoolId"), let clientId = m.required("ClientId"),
              let challengeName = m.required("ChallengeName"), let responses = m.stringMap("ChallengeResponses"),
              let session = m.string("Session"), let clientMetadata = m.stringMap("ClientMetadata")
        else { return nil }
        return AdminRespondToAuthChallengeRequest(
            userPoolId: userPoolId, clientId: clientId, challengeName: challengeName, challengeResponses: responses, session: session,
            clientMetadata: clientMetadata
        )
    }
}
