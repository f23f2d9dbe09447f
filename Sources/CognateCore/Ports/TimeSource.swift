import Foundation

/// Wall-clock time is injected; domain code never calls `Date()` itself.
public protocol TimeSource: Sendable {
    func now() -> Date
}

public struct SystemTime: TimeSource {
    public init() {}
    public func now() -> Date { Date() }
}
