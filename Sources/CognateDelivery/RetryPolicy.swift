import Foundation

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
