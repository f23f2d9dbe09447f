import COpenSSL
import CognateCore

/// AES-256-GCM under one fixed key. Layout: 12-byte random nonce ‖ ciphertext ‖ 16-byte tag.
/// Random 96-bit nonces are safe for far more boxes than one key will ever seal here
/// (NIST's 2^32 limit per key).
public struct AESGCMBox: SecretBox {
    static let nonceSize = 12
    static let tagSize = 16
    static let keySize = 32

    private let key: [UInt8]
    private let random: any RandomSource

    public init(key: [UInt8], random: any RandomSource) throws {
        guard key.count == Self.keySize else { throw CryptoFailure.invalidKey }
        self.key = key
        self.random = random
    }

    public func seal(_ plaintext: [UInt8], aad: [UInt8]) throws -> [UInt8] {
        let nonce = random.bytes(count: Self.nonceSize)
        guard nonce.count == Self.nonceSize else { throw CryptoFailure.library("random source returned a short nonce") }
        let ctx = try CipherContext()
        // Swift may free `ctx` right after its last `.raw` read; keep it for the whole seal.
        return try withExtendedLifetime(ctx) { try seal(plaintext, aad: aad, nonce: nonce, ctx: ctx) }
    }

    private func seal(_ plaintext: [UInt8], aad: [UInt8], nonce: [UInt8], ctx: CipherContext) throws -> [UInt8] {
        guard EVP_EncryptInit_ex2(ctx.raw, FetchedAlgorithms.shared.aes256gcm, key, nonce, nil) == 1 else {
            throw libraryFailure("EVP_EncryptInit_ex2")
        }
        var outLength: Int32 = 0
        if !aad.isEmpty {
            guard EVP_EncryptUpdate(ctx.raw, nil, &outLength, aad, Int32(aad.count)) == 1 else {
                throw libraryFailure("EVP_EncryptUpdate(aad)")
            }
        }
        var out = nonce
        out.append(contentsOf: [UInt8](repeating: 0, count: plaintext.count + Self.tagSize))
        try out.withUnsafeMutableBufferPointer { buffer in
            let body = buffer.baseAddress! + Self.nonceSize
            if !plaintext.isEmpty {
                guard EVP_EncryptUpdate(ctx.raw, body, &outLength, plaintext, Int32(plaintext.count)) == 1,
                      outLength == plaintext.count else {
                    throw libraryFailure("EVP_EncryptUpdate")
                }
            }
            // GCM is a stream mode: Final emits nothing, it only completes the tag.
            var finalLength: Int32 = 0
            guard EVP_EncryptFinal_ex(ctx.raw, body + plaintext.count, &finalLength) == 1, finalLength == 0 else {
                throw libraryFailure("EVP_EncryptFinal_ex")
            }
            guard EVP_CIPHER_CTX_ctrl(ctx.raw, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagSize), body + plaintext.count) == 1 else {
                throw libraryFailure("EVP_CTRL_GCM_GET_TAG")
            }
        }
        return out
    }

    public func open(_ box: [UInt8], aad: [UInt8]) throws -> [UInt8] {
        guard box.count >= Self.nonceSize + Self.tagSize else { throw CryptoFailure.authenticationFailed }
        let ctx = try CipherContext()
        return try withExtendedLifetime(ctx) { try open(box, aad: aad, ctx: ctx) }
    }

    private func open(_ box: [UInt8], aad: [UInt8], ctx: CipherContext) throws -> [UInt8] {
        let bodyLength = box.count - Self.nonceSize - Self.tagSize
        var plaintext = [UInt8](repeating: 0, count: bodyLength)
        let ok: Bool = box.withUnsafeBufferPointer { input in
            let nonce = input.baseAddress!
            let body = nonce + Self.nonceSize
            var tag = Array(input[(Self.nonceSize + bodyLength)...])
            guard EVP_DecryptInit_ex2(ctx.raw, FetchedAlgorithms.shared.aes256gcm, key, nonce, nil) == 1 else { return false }
            var outLength: Int32 = 0
            if !aad.isEmpty {
                guard EVP_DecryptUpdate(ctx.raw, nil, &outLength, aad, Int32(aad.count)) == 1 else { return false }
            }
            let decrypted = plaintext.withUnsafeMutableBufferPointer { out -> Bool in
                guard bodyLength > 0 else { return true }
                return EVP_DecryptUpdate(ctx.raw, out.baseAddress, &outLength, body, Int32(bodyLength)) == 1
                    && outLength == bodyLength
            }
            guard decrypted,
                  EVP_CIPHER_CTX_ctrl(ctx.raw, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagSize), &tag) == 1 else { return false }
            var finalLength: Int32 = 0
            var scratch = [UInt8](repeating: 0, count: 16)
            return EVP_DecryptFinal_ex(ctx.raw, &scratch, &finalLength) == 1
        }
        guard ok else {
            // A failed tag check leaves an entry on the error queue; it is expected, not news.
            _ = drainOpenSSLErrors()
            plaintext.withUnsafeMutableBufferPointer { p in
                for i in p.indices { p[i] = 0 }
            }
            throw CryptoFailure.authenticationFailed
        }
        return plaintext
    }
}

/// One EVP_CIPHER_CTX per seal/open; contexts hold key schedules and are not shareable.
private final class CipherContext {
    let raw: OpaquePointer

    init() throws {
        guard let ctx = EVP_CIPHER_CTX_new() else { throw libraryFailure("EVP_CIPHER_CTX_new") }
        raw = ctx
    }

    deinit { EVP_CIPHER_CTX_free(raw) }
}
