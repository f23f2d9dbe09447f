import COpenSSL
import CognateCore
import Synchronization

/// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) for Cognito-shaped JWTs.
///
/// Parsed keys are cached by kid, since parsing a PKCS#8 key costs more than using it. Entries
/// remember the material they were built from and are rebuilt if a kid arrives with different
/// material, so a cache hit can never sign or verify with the wrong key.
public final class OpenSSLTokenSigning: TokenSigning {
    static let keyBits = 2048
    /// More kids than any deployment has keys (two per pool); past it the cache starts over
    /// rather than growing without bound if callers feed it arbitrary kids.
    static let cacheLimit = 4096

    private struct SigningEntry: Sendable {
        let der: [UInt8]
        let key: RSAKey
    }

    private struct VerifyingEntry: Sendable {
        let n: String
        let e: String
        let key: RSAKey
    }

    private let random: any RandomSource
    private let signingKeys = Mutex<[String: SigningEntry]>([:])
    private let verifyingKeys = Mutex<[String: VerifyingEntry]>([:])

    public init(random: any RandomSource) {
        self.random = random
    }

    public func generateKey() throws -> GeneratedSigningKey {
        let key = try RSAKey.generate(bits: Self.keyBits)
        let (n, e) = try key.publicComponents()
        let kid = Base64.encode(random.bytes(count: 32))
        return GeneratedSigningKey(
            kid: kid,
            privateKeyDER: try key.pkcs8DER(),
            publicKey: PublicJWK(kid: kid, n: Base64.urlEncode(n), e: Base64.urlEncode(e))
        )
    }

    public func sign(_ message: [UInt8], kid: String, privateKeyDER: [UInt8]) throws -> [UInt8] {
        let key = try signingKey(kid: kid, der: privateKeyDER)
        // The cache may drop its reference meanwhile; `key.raw` must outlive every use.
        return try withExtendedLifetime(key) { try sign(message, with: key) }
    }

    private func sign(_ message: [UInt8], with key: RSAKey) throws -> [UInt8] {
        guard let ctx = EVP_MD_CTX_new() else { throw libraryFailure("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(ctx) }
        // RSA signature contexts default to PKCS#1 v1.5 padding, which is what RS256 is.
        guard EVP_DigestSignInit_ex(ctx, nil, cName("SHA2-256"), nil, nil, key.raw, nil) == 1 else {
            throw libraryFailure("EVP_DigestSignInit_ex")
        }
        var signature = [UInt8](repeating: 0, count: key.signatureSize)
        var length = signature.count
        let ok = message.withUnsafeBufferPointer { msg in
            EVP_DigestSign(ctx, &signature, &length, msg.baseAddress, msg.count)
        }
        guard ok == 1 else { throw libraryFailure("EVP_DigestSign") }
        return Array(signature.prefix(length))
    }

    public func verify(_ signature: [UInt8], message: [UInt8], key jwk: PublicJWK) -> Bool {
        guard let key = try? verifyingKey(jwk), signature.count == key.signatureSize else { return false }
        return withExtendedLifetime(key) { verify(signature, message: message, with: key) }
    }

    private func verify(_ signature: [UInt8], message: [UInt8], with key: RSAKey) -> Bool {
        guard let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit_ex(ctx, nil, cName("SHA2-256"), nil, nil, key.raw, nil) == 1 else {
            _ = drainOpenSSLErrors()
            return false
        }
        let result = signature.withUnsafeBufferPointer { sig in
            message.withUnsafeBufferPointer { msg in
                EVP_DigestVerify(ctx, sig.baseAddress, sig.count, msg.baseAddress, msg.count)
            }
        }
        // A bad signature is an ordinary outcome here, not an error worth keeping queued.
        if result != 1 { _ = drainOpenSSLErrors() }
        return result == 1
    }

    private func signingKey(kid: String, der: [UInt8]) throws -> RSAKey {
        if let entry = signingKeys.withLock({ $0[kid] }), entry.der == der {
            return entry.key
        }
        // Parse outside the lock so other kids keep signing meanwhile.
        let key = try RSAKey.fromPKCS8(der)
        signingKeys.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[kid] = SigningEntry(der: der, key: key)
        }
        return key
    }

    private func verifyingKey(_ jwk: PublicJWK) throws -> RSAKey {
        if let entry = verifyingKeys.withLock({ $0[jwk.kid] }), entry.n == jwk.n, entry.e == jwk.e {
            return entry.key
        }
        guard jwk.kty == "RSA",
              let n = Base64.urlDecode(jwk.n), let e = Base64.urlDecode(jwk.e)
        else { throw CryptoFailure.invalidKey }
        let modulus = Hex.stripLeadingZeros(n)
        let exponent = Hex.stripLeadingZeros(e)
        guard modulus.last.map({ $0 & 1 == 1 }) == true, !exponent.isEmpty, exponent.count <= 8 else {
            throw CryptoFailure.invalidKey
        }
        let key = try RSAKey.fromPublic(n: modulus, e: exponent)
        // RFC 7518 §3.3: RS256 keys are at least 2048 bits.
        guard key.bits >= Self.keyBits else { throw CryptoFailure.invalidKey }
        verifyingKeys.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[jwk.kid] = VerifyingEntry(n: jwk.n, e: jwk.e, key: key)
        }
        return key
    }
}
