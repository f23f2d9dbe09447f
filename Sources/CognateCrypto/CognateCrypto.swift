// CognateCrypto implements CognateCore's crypto ports on OpenSSL 3 (libcrypto only).
//
// How the parts fit:
// - `OpenSSLRandom` (RandomSource) is the CSPRNG; everything that needs randomness takes a
//   RandomSource so tests can pin it.
// - `OpenSSLDigests` (Digests) and the internal `FastDigest` it shares with the SRP code give
//   SHA-256 and HMAC-SHA256 on prefetched algorithm objects (`FetchedAlgorithms`), because these
//   run several times per request and OpenSSL's by-name lookups are the slow part.
// - `AESGCMBox` (SecretBox) seals secrets at rest and stateless challenge state.
// - `OpenSSLTokenSigning` (TokenSigning) generates, signs and verifies RS256 keys; parsed keys
//   (`RSAKey`) are cached per kid so a token costs one RSA operation, not a DER parse.
// - `CognitoSRP` (SRPEngine) is the server side of Cognito's SRP-6a variant on the shared,
//   read-only `SRPGroup` (N, g, k, Montgomery context) using the `BigNum` wrapper; `SRPMath`
//   holds Cognito's padHex/HKDF quirks and the client-side math tests use to play pycognito.
// - The TIMESTAMP format the client signs is CognateCore's `CognitoTimestamp` (pure, no crypto).
// Errors surface as CognateCore's `CryptoFailure`; OpenSSL's error queue is drained into
// `CryptoFailure.library` so it never leaks into a later call on the same thread.
