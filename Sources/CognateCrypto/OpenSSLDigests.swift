import CognateCore

/// SHA-256 and HMAC-SHA256 for secret hashes, stored code/token hashes and at_hash.
public struct OpenSSLDigests: Digests {
    public init() {}

    public func sha256(_ data: [UInt8]) -> [UInt8] {
        FastDigest.sha256(data)
    }

    public func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] {
        FastDigest.hmacSHA256(key: key, data)
    }
}
