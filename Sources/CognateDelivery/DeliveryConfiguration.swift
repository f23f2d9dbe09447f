import Foundation

/// How messages leave Cognate and how triggers are reached. Built by the executable from its
/// options and environment; every field has a default that needs no outside service.
public struct DeliveryConfiguration: Sendable {
    /// `smtp://user:pass@host:port` (STARTTLS when the server offers it) or `smtps://…` (TLS from
    /// the start). Nil: e-mail is written to the log (and the dev outbox).
    public var smtpURL: String?
    /// The From address when a pool's EmailConfiguration names none.
    public var defaultFrom: String = "no-reply@verificationemail.com"
    /// Where SMS messages are POSTed (JSON, signed). Nil: SMS is written to the log.
    public var smsWebhookURL: String?
    /// The key webhook bodies (triggers, SMS) are signed with.
    public var webhookKey: [UInt8] = []
    /// Lambda ARNs (or bare function names) to the URLs that stand in for them.
    public var triggerMap: [String: String] = [:]
    /// A trigger that has not answered after this long fails (Lambda's limit for Cognito).
    public var triggerTimeout: Double = 5
    public var retry = RetryPolicy()

    public init() {}
}

/// When a message whose sending failed for a passing reason is tried again: after 1 s, doubling
/// up to `maxDelay`; after `giveUpAfter` (the life of a code) it is marked failed.
public struct RetryPolicy: Sendable, Equatable {
    public var firstDelay: Double = 1
    public var maxDelay: Double = 300
    public var giveUpAfter: Double = 86400

    public init(firstDelay: Double = 1, maxDelay: Double = 300, giveUpAfter: Double = 86400) {
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
        self.giveUpAfter = giveUpAfter
    }

    /// The wait before try `attempt + 1`, after `attempt` failed tries (attempt ≥ 1).
    public func delay(afterAttempts attempt: Int) -> Double {
        min(maxDelay, firstDelay * pow(2, Double(max(attempt - 1, 0))))
    }
}

/// Why a message was not sent. Transient failures are retried; permanent ones are not.
public enum DeliveryFailure: Error, Sendable, Equatable {
    case transient(String)
    case permanent(String)
}
