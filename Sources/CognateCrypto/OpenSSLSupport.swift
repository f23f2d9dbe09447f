import COpenSSL
import CognateCore

/// Drains the calling thread's OpenSSL error queue into one message. Always draining keeps
/// a stale error from being blamed on a later, unrelated call on the same thread.
func drainOpenSSLErrors() -> String {
    var messages: [String] = []
    while true {
        let code = ERR_get_error()
        if code == 0 { break }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return messages.joined(separator: "; ")
}

func libraryFailure(_ operation: String) -> CryptoFailure {
    let detail = drainOpenSSLErrors()
    return .library(detail.isEmpty ? operation : "\(operation): \(detail)")
}

/// A C string for a name passed to OpenSSL. Some calls keep the pointer after they return
/// (OSSL_PARAM_BLD keeps keys until to_param; in OpenSSL 3.0 an EVP_PKEY_CTX made by
/// EVP_PKEY_CTX_new_from_name keeps its key-type name for its lifetime), so Swift's implicit
/// String-to-pointer bridging, valid only during the call, is not enough. StaticString literals
/// live in the binary for the life of the process and are NUL-terminated.
@inline(__always)
func cName(_ name: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// Algorithm objects fetched once. By-name lookups (EVP_sha256(), "SHA256" strings) go through
/// the provider store under a lock on every use; a fetched EVP_MD/EVP_CIPHER is immutable and
/// reference counted, so one instance can be used by any number of threads at once.
final class FetchedAlgorithms: @unchecked Sendable {
    static let shared = FetchedAlgorithms()

    let sha256: OpaquePointer
    let aes256gcm: OpaquePointer

    private init() {
        guard let md = EVP_MD_fetch(nil, cName("SHA2-256"), nil) else {
            fatalError("libcrypto has no SHA-256 implementation: \(drainOpenSSLErrors())")
        }
        guard let cipher = EVP_CIPHER_fetch(nil, cName("AES-256-GCM"), nil) else {
            fatalError("libcrypto has no AES-256-GCM implementation: \(drainOpenSSLErrors())")
        }
        sha256 = md
        aes256gcm = cipher
    }

    deinit {
        EVP_MD_free(sha256)
        EVP_CIPHER_free(aes256gcm)
    }
}
