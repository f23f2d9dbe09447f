/// A fast path for reading a stored user. The store keeps users as the JSON that synthesized
/// `Codable` writes; `JSONDecoder` spends ~20 µs on one, and ListUsers reads 61 per page. This
/// reads the same JSON through `JSONValue.parse` in a few µs. It accepts only the exact shape
/// `Codable` writes and returns nil for anything else, so the caller falls back to
/// `JSONDecoder` and the result is always the same.
///
/// When a stored property is added to `User`, `PasswordRecord` or `UserIndex`, add it here:
/// `UserStoredJSONTests` fails until the two agree.
extension User {
    public static func fromStoredJSON(_ bytes: [UInt8]) -> User? {
        guard case .object(let o)? = JSONValue.parse(bytes), o.count == 10 || (o.count == 9 && o["password"] == nil),
              let poolId = o["poolId"]?.stringValue, let username = o["username"]?.stringValue, let sub = o["sub"]?.stringValue,
              case .object(let attrs)? = o["attributes"], let statusText = o["status"]?.stringValue,
              let status = UserStatus(rawValue: statusText), case .bool(let enabled)? = o["enabled"],
              let createdAt = o["createdAt"]?.doubleValue, let modifiedAt = o["modifiedAt"]?.doubleValue,
              case .object(let idx)? = o["index"], let index = UserIndex.fromStored(idx)
        else { return nil }
        var attributes: [String: String] = [:]
        attributes.reserveCapacity(attrs.count)
        for (k, v) in attrs {
            guard let s = v.stringValue else { return nil }
            attributes[k] = s
        }
        var password: PasswordRecord?
        switch o["password"] {
        case nil, .null?: password = nil
        case .object(let p)?:
            guard p.count == 3 || p.count == 4,
                  let salt = p["salt"]?.stringValue.flatMap(Base64.decode),
                  let sealed = p["sealedVerifier"]?.stringValue.flatMap(Base64.decode),
                  let setAt = p["setAt"]?.doubleValue
            else { return nil }
            var expiresAt: Double?
            switch p["expiresAt"] {
            case nil, .null?: expiresAt = nil
            case let v?:
                guard let d = v.doubleValue else { return nil }
                expiresAt = d
            }
            if p.count == 4 && p["expiresAt"] == nil { return nil }
            password = PasswordRecord(salt: salt, sealedVerifier: sealed, setAt: setAt, expiresAt: expiresAt)
        default: return nil
        }
        return User(poolId: poolId, username: username, sub: sub, attributes: attributes, status: status, enabled: enabled,
                    createdAt: createdAt, modifiedAt: modifiedAt, password: password, index: index)
    }
}

extension UserIndex {
    static func fromStored(_ o: [String: JSONValue]) -> UserIndex? {
        guard o.count == 3, let key = o["usernameKey"]?.stringValue,
              case .array(let aliases)? = o["aliasKeys"], case .array(let search)? = o["searchKeys"]
        else { return nil }
        var index = UserIndex()
        index.usernameKey = key
        index.aliasKeys.reserveCapacity(aliases.count)
        for a in aliases {
            guard case .object(let p) = a, p.count == 2, let attr = p["attribute"]?.stringValue, let value = p["value"]?.stringValue else { return nil }
            index.aliasKeys.append(AliasKey(attribute: attr, value: value))
        }
        index.searchKeys.reserveCapacity(search.count)
        for s in search {
            guard case .object(let p) = s, p.count == 2, let attr = p["attribute"]?.stringValue, let value = p["value"]?.stringValue else { return nil }
            index.searchKeys.append(SearchKey(attribute: attr, value: value))
        }
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
