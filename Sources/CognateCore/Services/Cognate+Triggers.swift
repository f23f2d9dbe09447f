import CognitoModel

/// Invoking a pool's triggers (contract §8): the common envelope, the attributes as functions see
/// them, and strict readers for the answer. A trigger that fails or answers nonsense changes
/// nothing: callers invoke before they commit, or undo what they did when it throws.
extension Cognate {
    /// The LambdaConfig value (URL or ARN) of `name`, if the pool has that trigger.
    func triggerTarget(_ name: TriggerName, _ pool: UserPool) -> String? {
        guard let c = pool.type.lambdaConfig else { return nil }
        let value: String? = switch name {
        case .preSignUp: c.preSignUp
        case .postConfirmation: c.postConfirmation
        case .preAuthentication: c.preAuthentication
        case .postAuthentication: c.postAuthentication
        case .preTokenGeneration: c.preTokenGenerationConfig?.lambdaArn ?? c.preTokenGeneration
        case .customMessage: c.customMessage
        case .userMigration: c.userMigration
        case .defineAuthChallenge: c.defineAuthChallenge
        case .createAuthChallenge: c.createAuthChallenge
        case .verifyAuthChallengeResponse: c.verifyAuthChallengeResponse
        case .customEmailSender: c.customEmailSender?.lambdaArn
        case .customSMSSender: c.customSMSSender?.lambdaArn
        default: nil
        }
        return value.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Cognito's event envelope around `request` and the initial `response`.
    func triggerEvent(
        pool: UserPool, source: String, userName: String, clientId: String?,
        request: [String: JSONValue], response: [String: JSONValue], version: String = "1"
    ) -> JSONValue {
        .object([
            "version": .string(version), "triggerSource": .string(source), "region": .string(pool.region),
            "userPoolId": .string(pool.id), "userName": .string(userName),
            "callerContext": .object([
                "awsSdkVersion": .string("aws-sdk-unknown-unknown"),
                "clientId": .string(clientId ?? "CLIENT_ID_NOT_APPLICABLE"),
            ]),
            "request": .object(request), "response": .object(response),
        ])
    }

    /// Runs `name` if the pool has it and returns the `response` object of the answer (nil: no trigger).
    func runTrigger(
        _ name: TriggerName, pool: UserPool, source: String, userName: String, clientId: String?,
        request: [String: JSONValue], response: [String: JSONValue] = [:], version: String = "1"
    ) async throws -> TriggerResponse? {
        guard let target = triggerTarget(name, pool) else { return nil }
        let event = triggerEvent(pool: pool, source: source, userName: userName, clientId: clientId, request: request, response: response, version: version)
        let answer = try await deps.triggers.invoke(name, target: target, event: event)
        guard case .object(let fields) = answer else { throw CognitoError.lambdaInvalidResponse }
        switch fields["response"] {
        case nil, .null?: return TriggerResponse([:])
        case .object(let r)?: return TriggerResponse(r)
        default: throw CognitoError.lambdaInvalidResponse
        }
    }

    /// A user's attributes as triggers get them: all strings, with `sub` and `cognito:user_status`,
    /// and the alias markers of active aliases.
    func triggerAttributes(_ user: User, pool: UserPool) -> JSONValue {
        var out: [String: JSONValue] = ["sub": .string(user.sub), "cognito:user_status": .string(user.status.rawValue)]
        for (k, v) in user.attributes where k != "sub" { out[k] = .string(v) }
        for alias in user.index.aliasKeys where alias.attribute == "email" || alias.attribute == "phone_number" {
            if let v = user.attributes[alias.attribute] { out["cognito:\(alias.attribute)_alias"] = .string(v) }
        }
        return .object(out)
    }

    static func stringMap(_ map: [String: String]?) -> JSONValue {
        guard let map else { return .null }
        return .object(map.mapValues { .string($0) })
    }

    /// `ValidationData` arrives as a list of name/value pairs; triggers see a map.
    static func validationMap(_ list: [AttributeType]?) -> JSONValue {
        guard let list else { return .null }
        var out: [String: JSONValue] = [:]
        for a in list { out[a.name] = .string(a.value ?? "") }
        return .object(out)
    }
}

/// A trigger's `response` object, read strictly: a member of the wrong type is an invalid answer.
struct TriggerResponse: Sendable {
    let fields: [String: JSONValue]
    init(_ fields: [String: JSONValue]) { self.fields = fields }

    func bool(_ key: String) throws -> Bool? {
        switch fields[key] {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        case .string(let s)? where s == "true" || s == "false": return s == "true"
        default: throw CognitoError.lambdaInvalidResponse
        }
    }

    func string(_ key: String) throws -> String? {
        switch fields[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        default: throw CognitoError.lambdaInvalidResponse
        }
    }

    func strings(_ key: String) throws -> [String]? { try Self.strings(fields[key]) }

    func stringMap(_ key: String) throws -> [String: String]? { try Self.stringMap(fields[key]) }

    func object(_ key: String) throws -> TriggerResponse? {
        switch fields[key] {
        case nil, .null?: return nil
        case .object(let o)?: return TriggerResponse(o)
        default: throw CognitoError.lambdaInvalidResponse
        }
    }

    func value(_ key: String) -> JSONValue? {
        if case .null? = fields[key] { return nil }
        return fields[key]
    }

    static func strings(_ value: JSONValue?) throws -> [String]? {
        switch value {
        case nil, .null?: return nil
        case .array(let a)?:
            return try a.map { v in
                guard case .string(let s) = v else { throw CognitoError.lambdaInvalidResponse }
                return s
            }
        default: throw CognitoError.lambdaInvalidResponse
        }
    }

    /// A map of strings; numbers and booleans are taken as their text, as Lambda's JSON often has them.
    static func stringMap(_ value: JSONValue?) throws -> [String: String]? {
        switch value {
        case nil, .null?: return nil
        case .object(let o)?:
            return try o.mapValues { v in
                switch v {
                case .string(let s): return s
                case .bool(let b): return b ? "true" : "false"
                case .int(let i): return String(i)
                case .number(let d): return String(d)
                default: throw CognitoError.lambdaInvalidResponse
                }
            }
        default: throw CognitoError.lambdaInvalidResponse
        }
    }
}
