import Foundation

/// The lockout after failed sign-ins (contract §7, the developer guide's authentication flow):
/// after five failures the user is locked for 1 s, doubling with each further failure up to
/// 15 minutes; a try during a lockout is refused with "Password attempts exceeded" and is not
/// counted (nor checked, so it costs no modexp); 15 minutes without a failure start the count
/// again. Counted by user in the shared store, so a lockout holds on every node.
extension Cognate {
    static let failuresBeforeLockout = 5
    static let longestLockout: Double = 900
    static let lockoutMemory: Double = 900

    /// Throws while `user` is locked out; otherwise the failures on record (nil when none).
    func checkLockout(_ user: User) async throws -> SignInFailures? {
        guard let failures = try await store.signInFailures(poolId: user.poolId, username: user.username) else { return nil }
        if failures.count >= Self.failuresBeforeLockout, now < failures.lastAt + Self.lockoutSeconds(after: failures.count) {
            throw CognitoError.passwordAttemptsExceeded
        }
        return failures
    }

    static func lockoutSeconds(after failures: Int) -> Double {
        guard failures >= failuresBeforeLockout else { return 0 }
        return min(pow(2, Double(failures - failuresBeforeLockout)), longestLockout)
    }

    func signInFailed(_ user: User) async throws {
        let t = now
        _ = try await store.recordSignInFailure(poolId: user.poolId, username: user.username, at: t, resetBefore: t - Self.lockoutMemory)
    }

    /// A right password or proof: the count starts again (a write only when there was one).
    func signInSucceeded(_ user: User, failures: SignInFailures?) async throws {
        if failures != nil { try await store.clearSignInFailures(poolId: user.poolId, username: user.username) }
    }

    /// The password check of the password sign-ins (API and hosted UI), inside the lockout. A
    /// wrong password fails the sign-in's event; a try refused by the lockout is not checked and
    /// not recorded (a flood of them would otherwise cost a write each).
    func checkSignInPassword(_ password: String, user: User, pool: UserPool, event: SignInEvent? = nil) async throws {
        let failures = try await checkLockout(user)
        guard try await passwordMatches(password, user: user, pool: pool) else {
            try await signInFailed(user)
            try await recordStep(event, user, .password(false), "Fail")
            throw CognitoError.incorrectCredentials
        }
        try await passwordSucceeded(user, pool: pool, failures: failures)
    }

    /// A right password starts the count again, unless a second factor follows: then only its
    /// right code does, so signing in again does not buy more guesses at the code.
    func passwordSucceeded(_ user: User, pool: UserPool, failures: SignInFailures?) async throws {
        if !mfaMayFollow(user, pool) { try await signInSucceeded(user, failures: failures) }
    }
}
