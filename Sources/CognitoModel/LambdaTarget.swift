// Cognate accepts a webhook URL wherever LambdaConfig names a function: `scripts/gen-model.py`
// gives those members this rule instead of the model's `ArnType` (MEMBER_RULE_OVERRIDES).

extension ModelPatterns {
    /// A Lambda ARN (the model's `ArnType`) or an http(s) URL.
    public static let lambdaTarget = ModelPattern(
        name: "lambdaTarget", "(" + arnType.pattern + #"|https?://[^\s]+)"#, icu: "(" + arnType.icuPattern + #"|https?://[^\s]+)"#
    )
}

extension ModelConstraints {
    static let lambdaTarget = StringRule(min: 20, max: 2048, pattern: ModelPatterns.lambdaTarget)
}
