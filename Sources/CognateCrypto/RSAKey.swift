import COpenSSL
import CognateCore

/// A parsed RSA EVP_PKEY (private, or public only).
///
/// Thread safety (why `@unchecked Sendable` holds): the pointer is set once and the key is never
/// modified afterwards. OpenSSL 3 documents EVP_PKEY as safe for concurrent use by operations
/// that do not change it; each sign/verify builds its own EVP_MD_CTX, and what the RSA code
/// caches lazily inside the key (Montgomery contexts, blinding) is set under the key's own lock.
final class RSAKey: @unchecked Sendable {
    let raw: OpaquePointer

    private init(taking raw: OpaquePointer) {
        self.raw = raw
    }

    deinit { EVP_PKEY_free(raw) }

    /// A new RSA key with e = 65537. Key generation draws from OpenSSL's own DRBG, not the
    /// injected RandomSource: prime search needs a stream of fresh randomness OpenSSL manages.
    static func generate(bits: Int) throws -> RSAKey {
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, cName("RSA"), nil) else { throw libraryFailure("EVP_PKEY_CTX_new_from_name") }
        defer { EVP_PKEY_CTX_free(ctx) }
        let e = BigNum(word: 65_537)
        let ready = withExtendedLifetime(e) {
            EVP_PKEY_keygen_init(ctx) == 1
                && EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(bits)) == 1
                && EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, e.raw) == 1
        }
        guard ready else { throw libraryFailure("RSA keygen setup") }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(ctx, &key) == 1, let key else { throw libraryFailure("EVP_PKEY_generate") }
        return RSAKey(taking: key)
    }

    /// From a PKCS#8 PrivateKeyInfo DER; anything but an RSA key is refused.
    static func fromPKCS8(_ der: [UInt8]) throws -> RSAKey {
        guard !der.isEmpty, der.count <= Int(Int32.max) else { throw CryptoFailure.invalidKey }
        let info: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PKCS8_PRIV_KEY_INFO(nil, &cursor, buffer.count)
        }
        guard let info else {
            _ = drainOpenSSLErrors()
            throw CryptoFailure.invalidKey
        }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        guard let key = EVP_PKCS82PKEY(info) else {
            _ = drainOpenSSLErrors()
            throw CryptoFailure.invalidKey
        }
        guard EVP_PKEY_is_a(key, cName("RSA")) == 1 else {
            EVP_PKEY_free(key)
            throw CryptoFailure.invalidKey
        }
        return RSAKey(taking: key)
    }

    /// A public key from the JWK modulus and exponent (unsigned big-endian bytes).
    static func fromPublic(n: [UInt8], e: [UInt8]) throws -> RSAKey {
        let modulus = BigNum(bytes: n)
        let exponent = BigNum(bytes: e)
        guard let builder = OSSL_PARAM_BLD_new() else { throw libraryFailure("OSSL_PARAM_BLD_new") }
        defer { OSSL_PARAM_BLD_free(builder) }
        // The builder keeps the BIGNUM (and name) pointers until to_param copies them out.
        let built = withExtendedLifetime((modulus, exponent)) { () -> UnsafeMutablePointer<OSSL_PARAM>? in
            guard OSSL_PARAM_BLD_push_BN(builder, cName("n"), modulus.raw) == 1,
                  OSSL_PARAM_BLD_push_BN(builder, cName("e"), exponent.raw) == 1
            else { return nil }
            return OSSL_PARAM_BLD_to_param(builder)
        }
        guard let params = built else { throw libraryFailure("OSSL_PARAM_BLD") }
        defer { OSSL_PARAM_free(params) }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, cName("RSA"), nil) else { throw libraryFailure("EVP_PKEY_CTX_new_from_name") }
        defer { EVP_PKEY_CTX_free(ctx) }
        var key: OpaquePointer?
        guard EVP_PKEY_fromdata_init(ctx) == 1,
              EVP_PKEY_fromdata(ctx, &key, Self.publicKeySelection, params) == 1,
              let key
        else { throw libraryFailure("EVP_PKEY_fromdata") }
        return RSAKey(taking: key)
    }

    /// PKCS#8 PrivateKeyInfo DER (unencrypted: the store seals it with the master key).
    func pkcs8DER() throws -> [UInt8] {
        guard let info = EVP_PKEY2PKCS8(raw) else { throw libraryFailure("EVP_PKEY2PKCS8") }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        let length = i2d_PKCS8_PRIV_KEY_INFO(info, nil)
        guard length > 0 else { throw libraryFailure("i2d_PKCS8_PRIV_KEY_INFO") }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return i2d_PKCS8_PRIV_KEY_INFO(info, &cursor)
        }
        guard written == length else { throw libraryFailure("i2d_PKCS8_PRIV_KEY_INFO") }
        return der
    }

    /// Modulus and public exponent as minimal unsigned big-endian bytes.
    func publicComponents() throws -> (n: [UInt8], e: [UInt8]) {
        (try bigNumParameter("n"), try bigNumParameter("e"))
    }

    /// EVP_PKEY_PUBLIC_KEY is a compound macro Swift cannot import; this is its definition.
    private static let publicKeySelection =
        OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS | OSSL_KEYMGMT_SELECT_OTHER_PARAMETERS | OSSL_KEYMGMT_SELECT_PUBLIC_KEY

    var bits: Int { Int(EVP_PKEY_get_bits(raw)) }

    var signatureSize: Int { Int(EVP_PKEY_get_size(raw)) }

    private func bigNumParameter(_ name: StaticString) throws -> [UInt8] {
        var bn: OpaquePointer?
        guard EVP_PKEY_get_bn_param(raw, cName(name), &bn) == 1, let bn else { throw libraryFailure("EVP_PKEY_get_bn_param(\(name))") }
        defer { BN_free(bn) }
        let count = (Int(BN_num_bits(bn)) + 7) / 8
        var out = [UInt8](repeating: 0, count: count)
        _ = BN_bn2bin(bn, &out)
        return out
    }
}
