import CognitoModel

/// A fast path for reading a stored refresh-token family, every REFRESH_TOKEN_AUTH reads one:
/// `JSONDecoder` took ~30 µs of its ~800 µs in-process (a tenth of what is not the two RS256
/// signatures). Same rules as `User.fromStoredJSON`: only the shape `Codable` writes, else nil
/// and the caller falls back to `JSONDecoder`. `RefreshTokenStoredJSONTests` pins the stored
/// properties, so a new one cannot be missed here.
extension RefreshTokenRecord {
    public static func fromStoredJSON(_ bytes: [UInt8]) -> RefreshTokenRecord? {
        bytes.withUnsafeBufferPointer { buffer in
            var r = JSONReader(bytes: buffer)
            var originJti: String?, tokenHash: [UInt8]?, poolId: String?, clientId: String?, username: String?
            var authTime: Double?, issuedAt: Double?, expiresAt: Double?, revoked: Bool?, scopes: [String]?
            var hosted: Bool?, seenHosted = false, deviceKey: String?, seenDevice = false
            let ok = r.objectMembers { r, key in
                switch key {
                case "originJti" where originJti == nil: originJti = r.readString(); return originJti != nil
                case "tokenHash" where tokenHash == nil: tokenHash = r.readBase64(); return tokenHash != nil
                case "poolId" where poolId == nil: poolId = r.readString(); return poolId != nil
                case "clientId" where clientId == nil: clientId = r.readString(); return clientId != nil
                case "username" where username == nil: username = r.readString(); return username != nil
                case "authTime" where authTime == nil: authTime = r.readDouble(); return authTime != nil
                case "issuedAt" where issuedAt == nil: issuedAt = r.readDouble(); return issuedAt != nil
                case "expiresAt" where expiresAt == nil: expiresAt = r.readDouble(); return expiresAt != nil
                case "revoked" where revoked == nil: revoked = r.readBool(); return revoked != nil
                case "scopes" where scopes == nil:
                    var list: [String] = []
                    guard r.arrayElements({ r in
                        guard let s = r.readString() else { return false }
                        list.append(s)
                        return true
                    }) else { return false }
                    scopes = list
                    return true
                case "hosted" where !seenHosted:
                    seenHosted = true
                    if r.readNull() { return true }
                    hosted = r.readBool()
                    return hosted != nil
                case "deviceKey" where !seenDevice:
                    seenDevice = true
                    if r.readNull() { return true }
                    deviceKey = r.readString()
                    return deviceKey != nil
                default:
                    return false
                }
            }
            guard ok, r.atEnd, let originJti, let tokenHash, let poolId, let clientId, let username,
                  let authTime, let issuedAt, let expiresAt, let revoked, let scopes
            else { return nil }
            return RefreshTokenRecord(
                originJti: originJti, tokenHash: tokenHash, poolId: poolId, clientId: clientId, username: username, authTime: authTime,
                issuedAt: issuedAt, expiresAt: expiresAt, revoked: revoked, scopes: scopes, hosted: hosted, deviceKey: deviceKey
            )
        }
    }
}

extension RefreshTokenRecord {
    /// The stored form, written directly: every sign-in stores a family, and JSONEncoder took
    /// ~0.7% of an SRP sign-in's server CPU for it. The members `Codable` writes (`hosted` and `deviceKey` only
    /// when set), read back alike by `fromStoredJSON` and by JSONDecoder; nil when a time is
    /// not a finite number (JSONEncoder throws for those), and the caller falls back to it.
    public func storedJSON() -> [UInt8]? {
        var w = JSONWriter(capacity: 320, escapeSlashes: false)
        w.beginObject()
        w.key("originJti"); w.string(originJti)
        w.key("tokenHash"); w.string(Base64.encode(tokenHash))
        w.key("poolId"); w.string(poolId)
        w.key("clientId"); w.string(clientId)
        w.key("username"); w.string(username)
        w.key("authTime"); guard w.number(authTime) else { return nil }
        w.key("issuedAt"); guard w.number(issuedAt) else { return nil }
        w.key("expiresAt"); guard w.number(expiresAt) else { return nil }
        w.key("revoked"); w.bool(revoked)
        w.key("scopes")
        w.beginArray()
        for scope in scopes {
            w.next()
            w.string(scope)
        }
        w.endArray()
        if let hosted { w.key("hosted"); w.bool(hosted) }
        if let deviceKey { w.key("deviceKey"); w.string(deviceKey) }
        w.endObject()
        return w.bytes
    }
}
