/// The output of operations whose model has none: AWS answers them with `{}`.
public struct EmptyResponse: Codable, Sendable, Equatable {
    public init() {}
}
