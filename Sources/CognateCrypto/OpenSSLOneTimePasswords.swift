import COpenSSL
import CognateCore

/// RFC 4226 HOTP with libcrypto's HMAC-SHA-1 (one-shot: three per TOTP check, off any hot path).
public struct OpenSSLOneTimePasswords: OneTimePasswords {
    public init() {}

    public func hotp(secret: [UInt8], counter: UInt64, digits: Int) -> String {
        var message = [UInt8](repeating: 0, count: 8)
        for i in 0..<8 { message[i] = UInt8((counter >> (56 - 8 * UInt64(i))) & 0xFF) }
        var mac = [UInt8](repeating: 0, count: 20)
        var length: UInt32 = 0
        let ok = secret.withUnsafeBytes { key in
            mac.withUnsafeMutableBufferPointer { out in
                HMAC(EVP_sha1(), key.baseAddress, Int32(key.count), message, message.count, out.baseAddress, &length) != nil
            }
        }
        precondition(ok && length == 20, "HMAC-SHA-1 failed: \(drainOpenSSLErrors())")
        // Dynamic truncation (RFC 4226 §5.3).
        let offset = Int(mac[19] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let code = String(binary % modulus)
        return String(repeating: "0", count: max(digits - code.count, 0)) + code
    }
}
