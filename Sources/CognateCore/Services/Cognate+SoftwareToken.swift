import CognitoModel
import Foundation

/// TOTP software tokens (RFC 6238: HMAC-SHA-1, six digits, 30-second steps, one step of drift
/// either way): AssociateSoftwareToken, VerifySoftwareToken, AdminDeleteSoftwareToken, and the
/// check a sign-in's SOFTWARE_TOKEN_MFA answer goes through.
extension Cognate {
    static let totpStepSeconds = 30.0
    static let totpDigits = 6
    /// 32 bytes: a 52-character SecretCode, as Cognito's.
    static let totpSecretBytes = 32
    static let totpAAD = Array("cognate-totp-v1".utf8)

    static let softwareTokenNotEnabled = CognitoError(.softwareTokenMFANotFound, "Software Token MFA has not been enabled by the userPool")
    static let softwareTokenMissing = CognitoError(.softwareTokenMFANotFound, "Software Token MFA does not exist for the user.")
    static let softwareTokenUsed = CognitoError(.expiredCode, "Your software token has already been used once.")

    public func associateSoftwareToken(_ input: AssociateSoftwareTokenRequest, _ ctx: CallContext) async throws -> AssociateSoftwareTokenResponse {
        let (user, pool, state) = try await softwareTokenCaller(accessToken: input.accessToken, session: input.session)
        guard pool.mfaFactors.contains(.softwareToken) else { throw Self.softwareTokenNotEnabled }
        let secret = deps.random.bytes(count: Self.totpSecretBytes)
        let sealed = try deps.atRest.seal(secret, aad: Self.totpAAD + Array("\(pool.id)\n\(user.username)".utf8))
        // A new secret replaces the old at once: until it is verified the user has no token.
        try await updateUser(pool, user) { u in
            var mfa = u.mfa ?? UserMFA()
            mfa.totp = TOTPFactor(sealedSecret: sealed)
            mfa.set(.softwareToken, enabled: false)
            u.mfa = mfa
        }
        return AssociateSoftwareTokenResponse(secretCode: Base32.encode(secret), session: try state.map { try reissue($0, verified: false) })
    }

    public func verifySoftwareToken(_ input: VerifySoftwareTokenRequest, _ ctx: CallContext) async throws -> VerifySoftwareTokenResponse {
        let (user, pool, state) = try await softwareTokenCaller(accessToken: input.accessToken, session: input.session)
        guard pool.mfaFactors.contains(.softwareToken) || user.mfa?.totp?.verified == true else { throw Self.softwareTokenNotEnabled }
        guard let totp = user.mfa?.totp else { throw Self.softwareTokenMissing }
        guard let step = try totpStep(input.userCode, totp, user: user) else {
            throw CognitoError(.enableSoftwareTokenMFA, "Code mismatch and fail enable Software Token MFA")
        }
        let name = input.friendlyDeviceName.flatMap { $0.isEmpty ? nil : $0 }
        try await spendTOTPStep(step, user: user, pool: pool) { mfa in
            mfa.totp?.verified = true
            if let name { mfa.totp?.friendlyName = name }
            mfa.set(.softwareToken, enabled: true)
        }
        return VerifySoftwareTokenResponse(status: "SUCCESS", session: try state.map { try reissue($0, verified: true) })
    }

    public func adminDeleteSoftwareToken(_ input: AdminDeleteSoftwareTokenRequest, _ ctx: CallContext) async throws -> AdminDeleteSoftwareTokenResponse {
        let pool = try await requirePool(input.userPoolId)
        let user = try await requireUser(pool, input.username)
        try await updateUser(pool, user) { u in
            guard var mfa = u.mfa else { return }
            mfa.totp = nil
            mfa.set(.softwareToken, enabled: false)
            u.mfa = mfa.isEmpty ? nil : mfa
        }
        return AdminDeleteSoftwareTokenResponse()
    }

    /// Whose token a call is about: the access token's user, or during MFA_SETUP the user of the
    /// sign-in whose Session it carries (exactly one of the two).
    private func softwareTokenCaller(accessToken: String?, session: String?) async throws -> (User, UserPool, ChallengeState?) {
        switch (accessToken, session) {
        case (let token?, nil):
            let (user, pool, _) = try await authenticate(token)
            return (user, pool, nil)
        case (nil, let session?):
            let state = try open(session, kind: "MFA_SETUP", failure: .sessionExpired)
            guard let pool = try await store.pool(id: state.poolId),
                  let user = try await store.user(poolId: pool.id, usernameKey: key(state.username, pool)), user.enabled
            else { throw CognitoError.sessionExpired }
            return (user, pool, state)
        default:
            throw CognitoError.invalidParameter("Either AccessToken or Session must be given, and not both.")
        }
    }

    /// The same sign-in, sealed again: with the same nonce, so that answering MFA_SETUP spends
    /// every Session of the chain; `verified` says whether this sign-in's token was verified.
    private func reissue(_ state: ChallengeState, verified: Bool) throws -> String {
        var next = state
        next.verified = verified
        return try seal(next)
    }

    /// The time step `code` belongs to (this one, the one before or the one after), or nil.
    func totpStep(_ code: String, _ totp: TOTPFactor, user: User) throws -> Int? {
        guard code.utf8.count == Self.totpDigits, code.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        let secret = try deps.atRest.open(totp.sealedSecret, aad: Self.totpAAD + Array("\(user.poolId)\n\(user.username)".utf8))
        let current = Int((now / Self.totpStepSeconds).rounded(.down))
        var found: Int?
        // Every candidate is computed and compared in constant time, so the timing says nothing of which matched.
        for step in [current - 1, current, current + 1] where step >= 0 {
            let expected = deps.otp.hotp(secret: secret, counter: UInt64(step), digits: Self.totpDigits)
            if constantTimeEquals(Array(expected.utf8), Array(code.utf8)) { found = step }
        }
        return found
    }

    /// Records `step` as used, with `change`, in the user's transaction: a code (or an older
    /// one) already accepted is refused, on any node.
    func spendTOTPStep(_ step: Int, user: User, pool: UserPool, _ change: @escaping @Sendable (inout UserMFA) -> Void = { _ in }) async throws {
        try await updateUser(pool, user) { u in
            guard var mfa = u.mfa, mfa.totp != nil else { throw Self.softwareTokenMissing }
            if let last = mfa.totp?.lastStep, step <= last { throw Self.softwareTokenUsed }
            mfa.totp?.lastStep = step
            change(&mfa)
            u.mfa = mfa
        }
    }
}
