import CognateCore

/// Signs webhook bodies so a receiver can tell they come from this Cognate and were not replayed
/// long after: `X-Cognate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(key, "<t>." + body)>`.
public struct WebhookSigner: Sendable {
    public static let header = "X-Cognate-Signature"
    let key: [UInt8]
    let digests: any Digests

    public init(key: [UInt8], digests: any Digests) {
        self.key = key
        self.digests = digests
    }

    public func signature(body: [UInt8], timestamp: Int) -> String {
        let mac = digests.hmacSHA256(key: key, data: Array("\(timestamp).".utf8) + body)
        return "t=\(timestamp),v1=\(Hex.encode(mac))"
    }
}
