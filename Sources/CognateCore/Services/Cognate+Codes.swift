import CognitoModel
import Foundation

/// Where a message goes: the attribute, EMAIL or SMS, and the address or number.
typealias DeliveryTarget = (attribute: String, medium: String, destination: String)

/// One-time codes and the messages that carry them.
extension Cognate {
    static let codeLifetime: [String: Double] = ["signUp": 86400, "forgotPassword": 3600]
    static let maxCodeAttempts = 5
    /// Codes of one purpose a user may be sent in an hour through the operations that re-issue
    /// them on request (ForgotPassword, ResendConfirmationCode, GetUserAttributeVerificationCode).
    /// Cognito does not publish its figure; its guide allows "between 5 and 20" reset requests an hour.
    static let maxCodesPerHour = 5

    /// The code's keyed hash, bound to the pool, the user and the purpose; an attribute's
    /// verification code also to the value it was sent to, so that it cannot verify a value
    /// the attribute is given later.
    func codeHash(_ code: String, user: User, purpose: CodePurpose) -> [UInt8] {
        var text = "\(user.poolId)\n\(user.username)\n\(purpose.rawValue)\n\(code)"
        if let attribute = purpose.verifiedAttribute { text += "\n" + (user.attributes[attribute] ?? "") }
        return deps.digests.hmacSHA256(key: deps.codeHashKey, data: Array(text.utf8))
    }

    /// A fresh six-digit code; `storeCode` makes it the user's current one.
    func newCode() -> String {
        deps.random.string(count: 6, alphabet: Array("0123456789"))
    }

    /// Stores `code`, replacing any earlier one for the same purpose; `sent` are the earlier
    /// sends of the last hour (`recentSends`).
    func storeCode(_ code: String, _ user: User, purpose: CodePurpose, sent: [Double] = []) async throws {
        try await store.putCode(codeRecord(code, user, purpose: purpose, sent: sent))
    }

    /// What the store keeps of `code`: its hash, its expiry and when it was sent.
    func codeRecord(_ code: String, _ user: User, purpose: CodePurpose, sent: [Double] = []) -> VerificationCode {
        let lifetime = Self.codeLifetime[purpose.rawValue] ?? 86400
        return VerificationCode(
            poolId: user.poolId, username: user.username, purpose: purpose,
            codeHash: codeHash(code, user: user, purpose: purpose), expiresAt: now + lifetime, sentAt: sent + [now]
        )
    }

    /// When the user was sent codes for `purpose` in the last hour.
    func recentSends(_ user: User, purpose: CodePurpose) async throws -> [Double] {
        let t = now
        return (try await store.code(poolId: user.poolId, username: user.username, purpose: purpose)?.sentAt ?? []).filter { $0 > t - 3600 && $0 <= t }
    }

    /// Checks and consumes a code. Wrong: CodeMismatch; expired, never issued or spent by a
    /// concurrent request: ExpiredCode; too many tries: LimitExceeded.
    func consumeCode(_ code: String, user: User, purpose: CodePurpose) async throws {
        try await checkCode(code, user: user, purpose: purpose)
        guard try await store.deleteCode(poolId: user.poolId, username: user.username, purpose: purpose) else {
            throw CognitoError.codeExpired
        }
    }

    /// `consumeCode` without the consuming, for callers that delete the code once their change
    /// (and its trigger) went through, so a failed trigger leaves the code usable. Every try is
    /// counted (before the comparison, in the same write that reads the code).
    func checkCode(_ code: String, user: User, purpose: CodePurpose) async throws {
        guard let stored = try await store.attemptCode(poolId: user.poolId, username: user.username, purpose: purpose) else {
            throw CognitoError.codeExpired
        }
        if stored.failedAttempts >= Self.maxCodeAttempts { throw CognitoError.attemptLimit }
        guard stored.expiresAt > now else { throw CognitoError.codeExpired }
        guard constantTimeEquals(stored.codeHash, codeHash(code, user: user, purpose: purpose)) else {
            throw CognitoError.codeMismatch
        }
    }

    /// Where a code for `user` goes: the first of `preferred` the user has, as Cognito picks it.
    func deliveryTarget(_ user: User, preferred: [String]) -> DeliveryTarget? {
        for attr in preferred {
            if let v = user.attributes[attr], !v.isEmpty {
                return (attr, attr == "email" ? "EMAIL" : "SMS", v)
            }
        }
        return nil
    }

    func deliveryDetails(_ target: DeliveryTarget) -> CodeDeliveryDetailsType {
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

    /// Issues a code for `purpose`, composes its message and queues it. The message is composed
    /// (and the CustomMessage trigger run) before the code replaces the previous one, so a failing
    /// trigger changes nothing.
    /// `limited`: a re-issue on request, refused (LimitExceeded) past `maxCodesPerHour`.
    func sendNewCode(
        _ user: User, purpose: CodePurpose, to target: DeliveryTarget, pool: UserPool, kind: String,
        clientId: String?, clientMetadata: [String: String]?, limited: Bool = false
    ) async throws {
        let sent = try await recentSends(user, purpose: purpose)
        if limited && sent.count >= Self.maxCodesPerHour { throw CognitoError.attemptLimit }
        let code = newCode()
        let message = try await composeCodeMessage(code, to: target, user: user, pool: pool, kind: kind, clientId: clientId, clientMetadata: clientMetadata)
        try await storeCode(code, user, purpose: purpose, sent: sent)
        try await deps.delivery.enqueue(message)
    }

    /// The message for a code from the pool's templates (Cognito's defaults otherwise), or from
    /// the CustomMessage trigger; for a pool with a custom sender, its event rides along.
    func composeCodeMessage(
        _ code: String, to target: DeliveryTarget, user: User, pool: UserPool, kind: String,
        clientId: String?, clientMetadata: [String: String]?
    ) async throws -> OutboundMessage {
        let template = pool.type.verificationMessageTemplate
        let byLink = (kind == "SignUp" || kind == "ResendCode") && target.medium == "EMAIL"
            && template?.defaultEmailOption == "CONFIRM_WITH_LINK" && clientId != nil
        var subject: String?
        var body: String
        if kind == "Authentication" {
            // A sign-in's second factor: the pool's MFA texts (SmsAuthenticationMessage, EmailMfaConfiguration).
            if target.medium == "SMS" {
                body = pool.smsAuthenticationMessage
            } else {
                subject = pool.mfa?.email?.subject ?? "Your sign-in code"
                body = pool.mfa?.email?.message ?? "Your sign-in code is {####}. "
            }
        } else if target.medium == "SMS" {
            body = template?.smsMessage ?? pool.type.smsVerificationMessage ?? "Your verification code is {####}. "
        } else if byLink {
            subject = template?.emailSubjectByLink ?? "Your verification link"
            body = template?.emailMessageByLink ?? "Please click the link below to verify your email address. {##Verify Email##} "
        } else {
            subject = template?.emailSubject ?? pool.type.emailVerificationSubject ?? "Your verification code"
            body = template?.emailMessage ?? pool.type.emailVerificationMessage ?? "Your verification code is {####}. "
        }
        let sender = customSender(for: target.medium, pool)
        if sender == nil, let custom = try await customMessage(
            user: user, pool: pool, kind: kind, medium: target.medium, clientId: clientId, clientMetadata: clientMetadata, invitation: false
        ) {
            // The function's text is used only when it kept the placeholder the code goes into.
            if let text = custom.body, text.contains("{####}") || (byLink && text.contains("{##")) { body = text }
            if let s = custom.subject, target.medium == "EMAIL" { subject = s }
        }
        body = body.replacingOccurrences(of: "{####}", with: code)
        if byLink, let clientId {
            body = Self.replaceLink(body, link: confirmationLink(pool: pool, clientId: clientId, username: user.username, code: code))
        }
        return OutboundMessage(
            poolId: pool.id, username: user.username, destination: target.destination, deliveryMedium: target.medium,
            attributeName: target.attribute, kind: kind, code: code, subject: subject, message: body, createdAt: now,
            customSender: sender.map { senderCall($0, user: user, pool: pool, kind: kind, code: code, clientId: clientId, clientMetadata: clientMetadata) },
            from: target.medium == "EMAIL" ? Self.emailFrom(pool) : nil,
            replyTo: target.medium == "EMAIL" ? pool.type.emailConfiguration?.replyToEmailAddress : nil
        )
    }

    /// The pool's sender: EmailConfiguration.From, else the address of its SES identity
    /// (`arn:aws:ses:REGION:ACCOUNT:identity/ADDRESS`); nil leaves it to the server's default.
    static func emailFrom(_ pool: UserPool) -> String? {
        let c = pool.type.emailConfiguration
        if let from = c?.from, !from.isEmpty { return from }
        if let arn = c?.sourceArn, let r = arn.range(of: ":identity/"), arn[r.upperBound...].contains("@") {
            return String(arn[r.upperBound...])
        }
        return nil
    }

    /// The CustomMessage trigger's subject and body for this medium, if the pool has the trigger.
    func customMessage(
        user: User, pool: UserPool, kind: String, medium: String, clientId: String?, clientMetadata: [String: String]?, invitation: Bool
    ) async throws -> (subject: String?, body: String?)? {
        let request: [String: JSONValue] = [
            "userAttributes": triggerAttributes(user, pool: pool),
            "codeParameter": .string("{####}"),
            "linkParameter": kind == "SignUp" || kind == "ResendCode" ? .string("{##Click Here##}") : .null,
            "usernameParameter": invitation ? .string("{username}") : .null,
            "clientMetadata": Self.stringMap(clientMetadata),
        ]
        guard let r = try await runTrigger(
            .customMessage, pool: pool, source: "CustomMessage_" + Self.triggerKind(kind), userName: user.username, clientId: clientId,
            request: request, response: ["smsMessage": .null, "emailMessage": .null, "emailSubject": .null]
        ) else { return nil }
        let sms = try r.string("smsMessage"), email = try r.string("emailMessage"), subject = try r.string("emailSubject")
        return medium == "SMS" ? (nil, sms) : (subject, email)
    }

    /// Message kinds as trigger sources name them (`CustomMessage_…`, `CustomEmailSender_…`).
    static func triggerKind(_ kind: String) -> String {
        kind == "AdminResetUserPassword" ? "ForgotPassword" : kind
    }

    func customSender(for medium: String, _ pool: UserPool) -> (name: TriggerName, target: String)? {
        let name: TriggerName = medium == "SMS" ? .customSMSSender : .customEmailSender
        return triggerTarget(name, pool).map { (name, $0) }
    }

    /// The custom sender's event. The code travels in the clear inside the signed webhook body,
    /// where Cognito would encrypt it with the pool's KMS key.
    func senderCall(
        _ sender: (name: TriggerName, target: String), user: User, pool: UserPool, kind: String, code: String,
        clientId: String?, clientMetadata: [String: String]?
    ) -> CustomSenderCall {
        let type = sender.name == .customSMSSender ? "customSMSSenderRequestV1" : "customEmailSenderRequestV1"
        let event = triggerEvent(
            pool: pool, source: "\(sender.name)_" + Self.triggerKind(kind), userName: user.username, clientId: clientId,
            request: [
                "type": .string(type), "code": .string(code), "clientMetadata": Self.stringMap(clientMetadata),
                "userAttributes": triggerAttributes(user, pool: pool),
            ],
            response: [:]
        )
        return CustomSenderCall(trigger: sender.name, target: sender.target, event: event)
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
