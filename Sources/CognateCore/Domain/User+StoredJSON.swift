/// A fast path for reading a stored user. The store keeps users as the JSON that synthesized
/// `Codable` writes; `JSONDecoder` spends ~20 µs on one, and ListUsers reads 61 per page. This
/// reads the same JSON member by member with `JSONReader`. It accepts only the shape `Codable`
/// writes (every member known, none repeated) and returns nil for anything else, so the caller
/// falls back to `JSONDecoder` and the result is always the same.
///
/// When a stored property is added to `User`, `PasswordRecord` or `UserIndex`, add it here:
/// `UserStoredJSONTests` fails until the two agree.
extension User {
    public static func fromStoredJSON(_ bytes: [UInt8]) -> User? {
        bytes.withUnsafeBufferPointer { buffer in
            var r = JSONReader(bytes: buffer)
            var poolId: String?, username: String?, sub: String?, statusText: String?
            var attributes: [String: String]?, enabled: Bool?, createdAt: Double?, modifiedAt: Double?
            var password: PasswordRecord?, index: UserIndex?, seenPassword = false
            var mfa: UserMFA?, seenMFA = false
            let ok = r.objectMembers { r, key in
                switch key {
                case "poolId" where poolId == nil: poolId = r.readString(); return poolId != nil
                case "username" where username == nil: username = r.readString(); return username != nil
                case "sub" where sub == nil: sub = r.readString(); return sub != nil
                case "status" where statusText == nil: statusText = r.readString(); return statusText != nil
                case "enabled" where enabled == nil: enabled = r.readBool(); return enabled != nil
                case "createdAt" where createdAt == nil: createdAt = r.readDouble(); return createdAt != nil
                case "modifiedAt" where modifiedAt == nil: modifiedAt = r.readDouble(); return modifiedAt != nil
                case "attributes" where attributes == nil:
                    var a: [String: String] = [:]
                    guard r.objectMembers({ r, k in
                        guard a[k] == nil, let v = r.readString() else { return false }
                        a[k] = v
                        return true
                    }) else { return false }
                    attributes = a
                    return true
                case "password" where !seenPassword:
                    seenPassword = true
                    if r.readNull() { return true }
                    password = PasswordRecord.read(&r)
                    return password != nil
                case "index" where index == nil:
                    index = UserIndex.read(&r)
                    return index != nil
                case "mfa" where !seenMFA:
                    seenMFA = true
                    if r.readNull() { return true }
                    mfa = UserMFA.read(&r)
                    return mfa != nil
                default:
                    return false
                }
            }
            guard ok, r.atEnd, let poolId, let username, let sub, let attributes, let statusText,
                  let status = UserStatus(rawValue: statusText), let enabled, let createdAt, let modifiedAt, let index
            else { return nil }
            return User(poolId: poolId, username: username, sub: sub, attributes: attributes, status: status, enabled: enabled,
                        createdAt: createdAt, modifiedAt: modifiedAt, password: password, index: index, mfa: mfa)
        }
    }
}

extension PasswordRecord {
    static func read(_ r: inout JSONReader) -> PasswordRecord? {
        var salt: [UInt8]?, sealed: [UInt8]?, setAt: Double?, expiresAt: Double?, seenExpiry = false
        let ok = r.objectMembers { r, key in
            switch key {
            case "salt" where salt == nil: salt = r.readBase64(); return salt != nil
            case "sealedVerifier" where sealed == nil: sealed = r.readBase64(); return sealed != nil
            case "setAt" where setAt == nil: setAt = r.readDouble(); return setAt != nil
            case "expiresAt" where !seenExpiry:
                seenExpiry = true
                if r.readNull() { return true }
                expiresAt = r.readDouble()
                return expiresAt != nil
            default: return false
            }
        }
        guard ok, let salt, let sealed, let setAt else { return nil }
        return PasswordRecord(salt: salt, sealedVerifier: sealed, setAt: setAt, expiresAt: expiresAt)
    }
}

extension UserMFA {
    static func read(_ r: inout JSONReader) -> UserMFA? {
        var mfa = UserMFA()
        var seen: Set<String> = []
        let ok = r.objectMembers { r, key in
            guard seen.insert(key).inserted else { return false }
            switch key {
            case "totp":
                if r.readNull() { return true }
                mfa.totp = TOTPFactor.read(&r)
                return mfa.totp != nil
            case "enabled":
                return r.arrayElements { r in
                    guard let name = r.readString(), let factor = MFAFactor(rawValue: name) else { return false }
                    mfa.enabled.append(factor)
                    return true
                }
            case "preferred":
                if r.readNull() { return true }
                guard let name = r.readString(), let factor = MFAFactor(rawValue: name) else { return false }
                mfa.preferred = factor
                return true
            case "legacySMS":
                guard let b = r.readBool() else { return false }
                mfa.legacySMS = b
                return true
            default: return false
            }
        }
        guard ok, seen.isSuperset(of: ["enabled", "legacySMS"]) else { return nil }
        return mfa
    }
}

extension TOTPFactor {
    static func read(_ r: inout JSONReader) -> TOTPFactor? {
        var secret: [UInt8]?, verified: Bool?, name: String?, step: Int?
        var seen: Set<String> = []
        let ok = r.objectMembers { r, key in
            guard seen.insert(key).inserted else { return false }
            switch key {
            case "sealedSecret": secret = r.readBase64(); return secret != nil
            case "verified": verified = r.readBool(); return verified != nil
            case "friendlyName":
                if r.readNull() { return true }
                name = r.readString(); return name != nil
            case "lastStep":
                if r.readNull() { return true }
                guard let d = r.readDouble(), let i = Int(exactly: d) else { return false }
                step = i
                return true
            default: return false
            }
        }
        guard ok, let secret, let verified else { return nil }
        return TOTPFactor(sealedSecret: secret, verified: verified, friendlyName: name, lastStep: step)
    }
}

extension UserIndex {
    static func read(_ r: inout JSONReader) -> UserIndex? {
        var index = UserIndex()
        var hasKey = false, hasAliases = false, hasSearch = false
        func pair(_ r: inout JSONReader) -> (String, String)? {
            var attribute: String?, value: String?
            guard r.objectMembers({ r, key in
                switch key {
                case "attribute" where attribute == nil: attribute = r.readString(); return attribute != nil
                case "value" where value == nil: value = r.readString(); return value != nil
                default: return false
                }
            }), let attribute, let value else { return nil }
            return (attribute, value)
        }
        let ok = r.objectMembers { r, key in
            switch key {
            case "usernameKey" where !hasKey:
                guard let k = r.readString() else { return false }
                index.usernameKey = k
                hasKey = true
                return true
            case "aliasKeys" where !hasAliases:
                hasAliases = true
                return r.arrayElements { r in
                    guard let (a, v) = pair(&r) else { return false }
                    index.aliasKeys.append(AliasKey(attribute: a, value: v))
                    return true
                }
            case "searchKeys" where !hasSearch:
                hasSearch = true
                return r.arrayElements { r in
                    guard let (a, v) = pair(&r) else { return false }
                    index.searchKeys.append(SearchKey(attribute: a, value: v))
                    return true
                }
            default: return false
            }
        }
        guard ok, hasKey, hasAliases, hasSearch else { return nil }
        return index
    }
}

extension JSONValue {
    /// A number as Double (integral numbers parse as `.int`).
    var doubleValue: Double? {
        switch self {
        case .int(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }
}
