/// The cryptography the domain needs, as narrow ports. CognateCrypto implements them with
/// OpenSSL; the core never links a crypto library itself.

/// Hashes and MACs used for secret hashes, stored code/token hashes and at_hash.
public protocol Digests: Sendable {
    func sha256(_ data: [UInt8]) -> [UInt8]
    func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8]
}

/// Authenticated encryption (AES-256-GCM) under one fixed key. Used for secrets at rest
/// (master key) and for stateless, tamper-proof challenge state (session key).
public protocol SecretBox: Sendable {
    /// nonce ‖ ciphertext ‖ tag. `aad` binds the box to its context (e.g. a pool id).
    func seal(_ plaintext: [UInt8], aad: [UInt8]) throws -> [UInt8]
    /// Throws `CryptoFailure.authenticationFailed` when the box was altered or made for another aad or key.
    func open(_ box: [UInt8], aad: [UInt8]) throws -> [UInt8]
}

public enum CryptoFailure: Error, Sendable, Equatable {
    case authenticationFailed
    case invalidKey
    case invalidInput(String)
    case library(String)
}

/// An RSA signing key as the store keeps it: the private key is DER (PKCS#8) and is sealed
/// before it is written.
public struct GeneratedSigningKey: Sendable, Equatable {
    public var kid: String
    public var privateKeyDER: [UInt8]
    public var publicKey: PublicJWK
    public init(kid: String, privateKeyDER: [UInt8], publicKey: PublicJWK) {
        self.kid = kid
        self.privateKeyDER = privateKeyDER
        self.publicKey = publicKey
    }
}

/// The public half of an RS256 key in JWK form (base64url, no padding).
public struct PublicJWK: Codable, Sendable, Equatable {
    public var kid: String
    public var n: String
    public var e: String
    public var alg: String = "RS256"
    public var kty: String = "RSA"
    public var use: String = "sig"
    public init(kid: String, n: String, e: String) {
        self.kid = kid
        self.n = n
        self.e = e
    }
}

/// RS256 signing and verification. Implementations cache parsed keys by kid: parsing DER
/// per token would cost more than the signature.
public protocol TokenSigning: Sendable {
    /// A new 2048-bit RSA key; kid is 44 characters of base64 over 32 random bytes, as Cognito's.
    func generateKey() throws -> GeneratedSigningKey
    /// RSASSA-PKCS1-v1_5 with SHA-256 over `message`.
    func sign(_ message: [UInt8], kid: String, privateKeyDER: [UInt8]) throws -> [UInt8]
    func verify(_ signature: [UInt8], message: [UInt8], key: PublicJWK) -> Bool
}

/// Cognito's SRP-6a variant (RFC 5054 3072-bit group, SHA-256, Cognito's padHex and HKDF).
/// Big numbers cross this port as unsigned big-endian bytes with no leading zero bytes.
public protocol SRPEngine: Sendable {
    /// v = g^x mod N, x = H(padHex(salt) | Hs(poolName + userId + ":" + password)).
    func verifier(poolName: String, userId: String, password: String, salt: [UInt8]) -> [UInt8]
    /// g^b mod N for the server secret b: the half of B that does not depend on the user, so
    /// that it can be made ahead of the challenge (`SRPEphemeralStock`). Throws if b is 0.
    func serverEphemeral(secret b: [UInt8]) throws -> [UInt8]
    /// B = (k·v + g^b) mod N from g^b as `serverEphemeral` made it: one modular multiplication,
    /// no exponentiation. Throws if B ≡ 0 (the caller draws a new b).
    func serverPublic(verifier: [UInt8], ephemeral gb: [UInt8]) throws -> [UInt8]
    /// The expected PASSWORD_CLAIM_SIGNATURE (32 raw bytes) for the client's A. Throws
    /// `CryptoFailure.invalidInput` when A ≡ 0 mod N or u = 0.
    func expectedSignature(
        clientPublic a: [UInt8], serverPublic b: [UInt8], serverSecret: [UInt8], verifier: [UInt8],
        poolName: String, userId: String, secretBlock: [UInt8], timestamp: String
    ) throws -> [UInt8]
}

extension SRPEngine {
    /// B = (k·v + g^b) mod N in one go.
    public func serverPublic(verifier: [UInt8], secret b: [UInt8]) throws -> [UInt8] {
        try serverPublic(verifier: verifier, ephemeral: serverEphemeral(secret: b))
    }
}

/// Constant-time comparison: the time taken does not depend on where the inputs differ.
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var diff: UInt8 = 0
    for i in 0..<a.count { diff |= a[i] ^ b[i] }
    return diff == 0
}

/// Runs CPU-heavy work (3072-bit modexps, RSA) off the cooperative pool, so a burst of
/// sign-ins does not stall cheap requests waiting for a cooperative thread.
public protocol ComputeExecutor: Sendable {
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T
}

/// Runs the work where it is called (tests, tools).
public struct InlineCompute: ComputeExecutor {
    public init() {}
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T { try work() }
}

/// RFC 4226 HOTP over HMAC-SHA-1, the engine of RFC 6238 TOTP (what authenticator apps and
/// Cognito's software tokens compute).
public protocol OneTimePasswords: Sendable {
    /// The `digits`-digit code of `secret` for `counter` (for TOTP, the 30-second time step).
    func hotp(secret: [UInt8], counter: UInt64, digits: Int) -> String
}
