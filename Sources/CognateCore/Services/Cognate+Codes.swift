import CognitoModel
import Foundation

/// One-time codes and the messages that carry them.
extension Cognate {
    static let codeLifetime: [String: Double] = ["signUp": 86400, "forgotPassword": 3600]
    static let maxCodeAttempts = 5

    func codeHash(_ code: String, poolId: String, username: String, purpose: CodePurpose) -> [UInt8] {
        deps.digests.hmacSHA256(key: deps.codeHashKey, data: Array("\(poolId)\n\(username)\n\(purpose.rawValue)\n\(code)".utf8))
    }

    /// Creates, stores and returns a fresh six-digit code, replacing any earlier one.
    func issueCode(_ user: User, purpose: CodePurpose) async throws -> String {
        let code = deps.random.string(count: 6, alphabet: Array("0123456789"))
        let lifetime = Self.codeLifetime[purpose.rawValue] ?? 86400
        try await store.putCode(VerificationCode(
            poolId: user.poolId, username: user.username, purpose: purpose,
            codeHash: codeHash(code, poolId: user.poolId, username: user.username, purpose: purpose), expiresAt: now + lifetime
        ))
        return code
    }

    /// Checks and consumes a code. Wrong: CodeMismatch (and an attempt counted); expired or
    /// never issued: ExpiredCode; too many wrong tries: LimitExceeded.
    func consumeCode(_ code: String, user: User, purpose: CodePurpose) async throws {
        guard let stored = try await store.code(poolId: user.poolId, username: user.username, purpose: purpose) else {
            throw CognitoError.codeExpired
        }
        if stored.failedAttempts >= Self.maxCodeAttempts { throw CognitoError.attemptLimit }
        guard stored.expiresAt > now else { throw CognitoError.codeExpired }
        guard constantTimeEquals(stored.codeHash, codeHash(code, poolId: user.poolId, username: user.username, purpose: purpose)) else {
            try await store.recordFailedAttempt(poolId: user.poolId, username: user.username, purpose: purpose)
            throw CognitoError.codeMismatch
        }
        try await store.deleteCode(poolId: user.poolId, username: user.username, purpose: purpose)
    }

    /// Where a code for `user` goes: the first of `preferred` the user has, as Cognito picks it.
    func deliveryTarget(_ user: User, preferred: [String]) -> (attribute: String, medium: String, destination: String)? {
        for attr in preferred {
            if let v = user.attributes[attr], !v.isEmpty {
                return (attr, attr == "email" ? "EMAIL" : "SMS", v)
            }
        }
        return nil
    }

    func deliveryDetails(_ target: (attribute: String, medium: String, destination: String)) -> CodeDeliveryDetailsType {
        CodeDeliveryDetailsType(destination: Self.mask(target.destination, medium: target.medium), deliveryMedium: target.medium, attributeName: target.attribute)
    }

    /// Cognito's masking: `a***@e***.com`, `+*******4444`.
    static func mask(_ destination: String, medium: String) -> String {
        if medium == "SMS" {
            let digits = destination.hasPrefix("+") ? destination.dropFirst() : Substring(destination)
            return "+" + String(repeating: "*", count: max(digits.count - 4, 0)) + digits.suffix(4)
        }
        let parts = destination.split(separator: "@", maxSplits: 1)
        guard parts.count == 2 else { return "***" }
        let domain = parts[1]
        let tld = domain.lastIndex(of: ".").map { String(domain[$0...]) } ?? ""
        return "\(parts[0].prefix(1))***@\(domain.prefix(1))***\(tld)"
    }

    /// Builds the message for a code from the pool's templates (Cognito's defaults otherwise) and hands it to delivery.
    func sendCode(
        _ code: String, to target: (attribute: String, medium: String, destination: String), user: User, pool: UserPool,
        kind: String, clientId: String?
    ) async {
        let template = pool.type.verificationMessageTemplate
        var subject: String?
        var body: String
        if target.medium == "SMS" {
            body = (template?.smsMessage ?? pool.type.smsVerificationMessage ?? "Your verification code is {####}. ")
                .replacingOccurrences(of: "{####}", with: code)
        } else if kind == "SignUp" || kind == "ResendCode", template?.defaultEmailOption == "CONFIRM_WITH_LINK", let clientId {
            subject = template?.emailSubjectByLink ?? "Your verification link"
            let link = confirmationLink(pool: pool, clientId: clientId, username: user.username, code: code)
            body = Self.replaceLink(template?.emailMessageByLink ?? "Please click the link below to verify your email address. {##Verify Email##} ", link: link)
        } else {
            subject = template?.emailSubject ?? pool.type.emailVerificationSubject ?? "Your verification code"
            body = (template?.emailMessage ?? pool.type.emailVerificationMessage ?? "Your verification code is {####}. ")
                .replacingOccurrences(of: "{####}", with: code)
        }
        await deps.delivery.deliver(OutboundMessage(
            poolId: pool.id, username: user.username, destination: target.destination, deliveryMedium: target.medium,
            attributeName: target.attribute, kind: kind, code: code, subject: subject, message: body, createdAt: now
        ))
    }

    func confirmationLink(pool: UserPool, clientId: String, username: String, code: String) -> String {
        func q(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
        return "\(deps.config.publicURL)/confirmUser?client_id=\(q(clientId))&user_name=\(q(username))&confirmation_code=\(q(code))"
    }

    /// `{##Verify Email##}` becomes an anchor whose text is what stood between the markers.
    static func replaceLink(_ template: String, link: String) -> String {
        guard let open = template.range(of: "{##"), let close = template.range(of: "##}", range: open.upperBound..<template.endIndex) else {
            return template + " " + link
        }
        let text = template[open.upperBound..<close.lowerBound]
        return template.replacingCharacters(in: open.lowerBound..<close.upperBound, with: "<a href=\"\(link)\">\(text)</a>")
    }
}
