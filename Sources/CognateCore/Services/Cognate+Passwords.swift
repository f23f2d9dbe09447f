import CognitoModel

/// Password policy and the SRP verifier that stands in for a password hash.
extension Cognate {
    static let passwordSymbols = Set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")

    func checkPolicy(_ password: String, pool: UserPool) throws {
        let p = pool.passwordPolicy
        func fail(_ reason: String) -> CognitoError {
            CognitoError(.invalidPassword, "Password did not conform with policy: \(reason)")
        }
        if password.count < (p.minimumLength ?? 8) { throw fail("Password not long enough") }
        if password.count > 256 { throw fail("Password must have a maximum length of 256") }
        if p.requireUppercase == true && !password.contains(where: { ("A"..."Z").contains($0) }) { throw fail("Password must have uppercase characters") }
        if p.requireLowercase == true && !password.contains(where: { ("a"..."z").contains($0) }) { throw fail("Password must have lowercase characters") }
        if p.requireNumbers == true && !password.contains(where: \.isASCIIDigit) { throw fail("Password must have numeric characters") }
        if p.requireSymbols == true && !password.contains(where: { Self.passwordSymbols.contains($0) }) { throw fail("Password must have symbol characters") }
    }

    /// A fresh salt and the sealed verifier for `password`. The verifier is bound to pool and
    /// username, as Cognito's x is.
    func passwordRecord(_ password: String, pool: UserPool, username: String, temporary: Bool) async throws -> PasswordRecord {
        var salt = deps.random.bytes(count: 16)
        // The salt travels as the minimal hex of an integer; a non-zero first byte keeps its length fixed.
        if salt[0] == 0 { salt[0] = 1 }
        let srp = deps.srp, poolName = pool.srpPoolName, saltBytes = salt
        let v = try await deps.compute.run { srp.verifier(poolName: poolName, userId: username, password: password, salt: saltBytes) }
        let sealed = try deps.atRest.seal(v, aad: verifierAAD(pool, username))
        let expires = temporary ? now + Double((pool.passwordPolicy.temporaryPasswordValidityDays ?? 7) * 86400) : nil
        return PasswordRecord(salt: salt, sealedVerifier: sealed, setAt: now, expiresAt: expires)
    }

    func verifier(_ user: User, pool: UserPool) throws -> [UInt8]? {
        guard let record = user.password else { return nil }
        return try deps.atRest.open(record.sealedVerifier, aad: verifierAAD(pool, user.username))
    }

    /// Whether `password` is the user's: recompute v from it and compare in constant time.
    func passwordMatches(_ password: String, user: User, pool: UserPool) async throws -> Bool {
        guard let record = user.password, let stored = try verifier(user, pool: pool) else { return false }
        let srp = deps.srp, poolName = pool.srpPoolName, username = user.username
        let candidate = try await deps.compute.run { srp.verifier(poolName: poolName, userId: username, password: password, salt: record.salt) }
        return constantTimeEquals(Hex.stripLeadingZeros(candidate), Hex.stripLeadingZeros(stored))
    }

    func verifierAAD(_ pool: UserPool, _ username: String) -> [UInt8] {
        Array("verifier:\(pool.id):\(username)".utf8)
    }

    /// A temporary password that satisfies the pool's policy.
    func generatePassword(pool: UserPool) -> String {
        let length = max(pool.passwordPolicy.minimumLength ?? 8, 12)
        let lower = Array("abcdefghijkmnopqrstuvwxyz"), upper = Array("ABCDEFGHJKLMNPQRSTUVWXYZ")
        let digits = Array("23456789"), symbols = Array("!#$%&*+-=?@^_")
        var chars = [
            deps.random.string(count: 1, alphabet: lower), deps.random.string(count: 1, alphabet: upper),
            deps.random.string(count: 1, alphabet: digits), deps.random.string(count: 1, alphabet: symbols),
        ].joined()
        chars += deps.random.string(count: length - 4, alphabet: lower + upper + digits)
        return chars
    }
}
