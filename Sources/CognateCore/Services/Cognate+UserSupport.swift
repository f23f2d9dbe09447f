import CognitoModel
import Foundation

/// Lookup, indexing and attribute rules shared by every user operation.
extension Cognate {
    /// The key a sign-in name is stored and looked up under: lowercased in case-insensitive pools.
    func key(_ value: String, _ pool: UserPool) -> String {
        pool.caseSensitive ? value : value.lowercased()
    }

    /// Finds a user by username or by any sign-in alias the pool allows.
    func findUser(_ pool: UserPool, _ name: String) async throws -> User? {
        if let user = try await store.user(poolId: pool.id, usernameKey: key(name, pool)) { return user }
        for attr in pool.signInAttributes {
            let value = attr == "phone_number" ? name : key(name, pool)
            if let user = try await store.user(poolId: pool.id, aliasAttribute: attr, value: value) { return user }
        }
        return nil
    }

    func requireUser(_ pool: UserPool, _ name: String) async throws -> User {
        guard let user = try await findUser(pool, name) else { throw CognitoError.userNotFound }
        return user
    }

    /// Updates a user inside the store's transaction, stamping the change and rebuilding its index.
    @discardableResult
    func updateUser(_ pool: UserPool, _ user: User, _ body: @escaping @Sendable (inout User) throws -> Void) async throws -> User {
        let t = now
        do {
            return try await store.updateUser(poolId: pool.id, username: user.username) { u in
                try body(&u)
                u.modifiedAt = t
                Self.reindex(&u, pool: pool)
            }
        } catch StoreConflict.notFound {
            throw CognitoError.userNotFound
        } catch StoreConflict.aliasTaken(let attr) {
            throw CognitoError(.aliasExists, attr == "email" ? "An account with the email already exists." : "An account with the \(attr) already exists.")
        }
    }

    /// `user` with the lookup keys the store indexes it by, for bulk imports that write users
    /// to the store directly.
    public static func indexed(_ user: User, in pool: UserPool) -> User {
        var u = user
        reindex(&u, pool: pool)
        return u
    }

    /// Rebuilds the keys the store looks users up by.
    static func reindex(_ user: inout User, pool: UserPool) {
        var index = UserIndex()
        index.usernameKey = pool.caseSensitive ? user.username : user.username.lowercased()
        let fold: (String) -> String = { pool.caseSensitive ? $0 : $0.lowercased() }
        if !pool.usernameAttributes.isEmpty {
            for attr in pool.usernameAttributes {
                if let v = user.attributes[attr] {
                    index.aliasKeys.append(AliasKey(attribute: attr, value: attr == "phone_number" ? v : fold(v)))
                }
            }
        } else {
            for attr in pool.aliasAttributes {
                guard let v = user.attributes[attr] else { continue }
                switch attr {
                case "email" where user.attributeBool("email_verified"):
                    index.aliasKeys.append(AliasKey(attribute: attr, value: fold(v)))
                case "phone_number" where user.attributeBool("phone_number_verified"):
                    index.aliasKeys.append(AliasKey(attribute: attr, value: v))
                case "preferred_username":
                    index.aliasKeys.append(AliasKey(attribute: attr, value: fold(v)))
                default: break
                }
            }
        }
        index.searchKeys.append(SearchKey(attribute: "username", value: user.username))
        for attr in ListUsersFilter.searchableAttributes where attr != "username" && attr != "status" && attr != "cognito:user_status" && attr != "sub" {
            if let v = user.attributes[attr] { index.searchKeys.append(SearchKey(attribute: attr, value: v.lowercased())) }
        }
        index.searchKeys.append(SearchKey(attribute: "sub", value: user.sub.lowercased()))
        index.searchKeys.append(SearchKey(attribute: "cognito:user_status", value: user.status.rawValue.lowercased()))
        index.searchKeys.append(SearchKey(attribute: "status", value: user.enabled ? "Enabled" : "Disabled"))
        user.index = index
    }

    /// Checks attribute writes against the schema. `creating` lets immutable attributes be set once;
    /// `client` restricts them to the client's WriteAttributes.
    func checkAttributes(_ attrs: [AttributeType], pool: UserPool, creating: Bool, client: AppClient? = nil) throws -> [String: String] {
        var out: [String: String] = [:]
        for a in attrs {
            let value = a.value ?? ""
            guard a.name != "sub" else {
                throw CognitoError.invalidParameter("Cannot modify the non-mutable attribute sub")
            }
            guard let schema = pool.schemaAttribute(a.name) else {
                throw CognitoError.invalidParameter("Attributes did not conform to the schema: \(a.name): Attribute does not exist in the schema.\n")
            }
            if let client, let allowed = client.type.writeAttributes, !allowed.contains(a.name) {
                throw CognitoError.unauthorizedAttributeWrite
            }
            if !creating && schema.mutable == false {
                throw CognitoError.invalidParameter("Cannot modify the non-mutable attribute \(a.name)")
            }
            switch schema.attributeDataType {
            case "Boolean":
                guard value == "true" || value == "false" else {
                    throw CognitoError.invalidParameter("\(a.name) must be a boolean value (true or false).")
                }
            case "Number":
                guard Double(value) != nil else { throw CognitoError.invalidParameter("\(a.name) must be a number.") }
                if let min = schema.numberAttributeConstraints?.minValue.flatMap(Double.init), Double(value)! < min {
                    throw CognitoError.invalidParameter("Attributes did not conform to the schema: \(a.name): Number must be greater than or equal to \(min)")
                }
                if let max = schema.numberAttributeConstraints?.maxValue.flatMap(Double.init), Double(value)! > max {
                    throw CognitoError.invalidParameter("Attributes did not conform to the schema: \(a.name): Number must be less than or equal to \(max)")
                }
            case "DateTime":
                break
            default:
                let c = schema.stringAttributeConstraints
                if let max = c?.maxLength.flatMap(Int.init), value.count > max {
                    throw CognitoError.invalidParameter("Attributes did not conform to the schema: \(a.name): String must be no longer than \(max) characters")
                }
                if let min = c?.minLength.flatMap(Int.init), value.count < min, !(value.isEmpty && schema.required != true) {
                    throw CognitoError.invalidParameter("Attributes did not conform to the schema: \(a.name): String must be no shorter than \(min) characters")
                }
            }
            if a.name == "email" && !Self.looksLikeEmail(value) {
                throw CognitoError.invalidParameter("Invalid email address format.")
            }
            if a.name == "phone_number" && !Self.looksLikePhone(value) {
                throw CognitoError.invalidParameter("Invalid phone number format.")
            }
            out[a.name] = value
        }
        return out
    }

    /// Required schema attributes missing from `attributes`.
    func checkRequired(_ attributes: [String: String], pool: UserPool) throws {
        for attr in pool.type.schemaAttributes ?? [] where attr.required == true {
            guard let name = attr.name, name != "sub" else { continue }
            if (attributes[name] ?? "").isEmpty {
                throw CognitoError.invalidParameter("Attributes did not conform to the schema: \(name): The attribute \(name) is required\n")
            }
        }
    }

    static func looksLikeEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && !s.contains(where: \.isWhitespace)
    }

    static func looksLikePhone(_ s: String) -> Bool {
        s.hasPrefix("+") && s.count >= 3 && s.count <= 16 && s.dropFirst().allSatisfy(\.isASCIIDigit)
    }

    /// Resolves the username a new user gets: a UUID (= sub) in pools that sign in by email or
    /// phone, else the given name, which must then not look like an alias.
    func newUsername(_ given: String, pool: UserPool, sub: String, attributes: inout [String: String]) throws -> String {
        let attrs = pool.usernameAttributes
        if !attrs.isEmpty {
            if attrs.contains("email") && Self.looksLikeEmail(given) {
                attributes["email"] = given
            } else if attrs.contains("phone_number") && Self.looksLikePhone(given) {
                attributes["phone_number"] = given
            } else if attrs == ["email"] {
                throw CognitoError.invalidParameter("Username should be an email.")
            } else if attrs == ["phone_number"] {
                throw CognitoError.invalidParameter("Username should be a phone number.")
            } else {
                throw CognitoError.invalidParameter("Username should be either an email or a phone number.")
            }
            return sub
        }
        if pool.aliasAttributes.contains("email") && Self.looksLikeEmail(given) {
            throw CognitoError.invalidParameter("Username cannot be of email format, since user pool is configured for email alias.")
        }
        if pool.aliasAttributes.contains("phone_number") && Self.looksLikePhone(given) {
            throw CognitoError.invalidParameter("Username cannot be of phone number format, since user pool is configured for phone_number alias.")
        }
        return given
    }

    /// Saves a new user with the code and the messages its creation sends, all in one
    /// transaction (a sign-up that fails or is cut off half-way leaves no user without its code,
    /// or whose code was never queued), turning store conflicts into Cognito's errors.
    func insertUser(_ user: User, pool: UserPool, existsMessage: String, code: VerificationCode? = nil, messages: [OutboundMessage] = []) async throws {
        var u = user
        Self.reindex(&u, pool: pool)
        let staged = try deps.delivery.stage(messages)
        do {
            try await store.createUser(u, code: code, messages: staged.entries)
            try await staged.committed()
        } catch StoreConflict.alreadyExists {
            throw CognitoError(.usernameExists, existsMessage)
        } catch StoreConflict.aliasTaken(let attr) {
            if pool.usernameAttributes.contains(attr) {
                throw CognitoError(.usernameExists, attr == "email" ? "An account with the given email already exists." : "An account with the given phone_number already exists.")
            }
            throw CognitoError(.aliasExists, "An account with the \(attr == "email" ? "email" : attr) already exists.")
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
