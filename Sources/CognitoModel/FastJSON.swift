/// Hand-written JSON for the responses with the most bytes per request (ListUsers' 60 users,
/// GetUser, AdminGetUser). JSONEncoder spent ~5 µs per user of a ListUsers page — a quarter of
/// the request. The output parses to the same JSON as JSONEncoder's (a test compares them);
/// a shape returns nil when it holds anything these writers don't cover, and the dispatcher then
/// uses JSONEncoder.
///
/// When the model is regenerated and one of these shapes gains a member, `FastJSONTests` fails
/// until the writer knows it.
public protocol FastJSONEncodable {
    func fastJSON() -> [UInt8]?
}

/// Appends JSON as JSONEncoder writes it (strings escaped the same way, '/' included unless
/// `escapeSlashes` is off, as JWTs are written).
public struct JSONWriter {
    public var bytes: [UInt8] = []
    var first = true
    let escapeSlashes: Bool

    public init(capacity: Int = 256, escapeSlashes: Bool = true) {
        bytes.reserveCapacity(capacity)
        self.escapeSlashes = escapeSlashes
    }

    public mutating func beginObject() { bytes.append(UInt8(ascii: "{")); first = true }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")); first = false }
    public mutating func beginArray() { bytes.append(UInt8(ascii: "[")); first = true }
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")); first = false }

    /// A member name known only at run time.
    public mutating func key(_ k: String) {
        next()
        string(k)
        bytes.append(UInt8(ascii: ":"))
        first = true
    }

    public mutating func int(_ i: Int) {
        bytes.append(contentsOf: String(i).utf8)
        first = false
    }

    public mutating func null() {
        bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        first = false
    }

    /// Separator before an element or member.
    public mutating func next() {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
    }

    public mutating func key(_ k: StaticString) {
        next()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        first = true
    }

    public mutating func string(_ s: String) {
        var s = s
        bytes.append(UInt8(ascii: "\""))
        s.withUTF8 { u in
            var run = 0
            for (i, c) in u.enumerated() {
                let escape: [UInt8]?
                switch c {
                case UInt8(ascii: "\""): escape = [0x5C, 0x22]
                case UInt8(ascii: "\\"): escape = [0x5C, 0x5C]
                case UInt8(ascii: "/"): escape = escapeSlashes ? [0x5C, 0x2F] : nil
                case 0x08: escape = [0x5C, UInt8(ascii: "b")]
                case 0x0C: escape = [0x5C, UInt8(ascii: "f")]
                case 0x0A: escape = [0x5C, UInt8(ascii: "n")]
                case 0x0D: escape = [0x5C, UInt8(ascii: "r")]
                case 0x09: escape = [0x5C, UInt8(ascii: "t")]
                case ..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    escape = [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 15)]]
                default: escape = nil
                }
                if let escape {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[run..<i]))
                    bytes.append(contentsOf: escape)
                    run = i + 1
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: u[run...]))
        }
        bytes.append(UInt8(ascii: "\""))
        first = false
    }

    /// False for NaN and infinities, which JSON cannot hold (JSONEncoder throws for them).
    public mutating func number(_ d: Double) -> Bool {
        guard d.isFinite else { return false }
        bytes.append(contentsOf: Array(d.description.utf8))
        first = false
        return true
    }

    public mutating func bool(_ b: Bool) {
        bytes.append(contentsOf: Array((b ? "true" : "false").utf8))
        first = false
    }
}

extension JSONWriter {
    mutating func attributes(_ list: [AttributeType]) {
        beginArray()
        for a in list {
            next()
            beginObject()
            key("Name"); string(a.name)
            if let v = a.value { key("Value"); string(v) }
            endObject()
        }
        endArray()
    }

    /// The members UserType, GetUserResponse and AdminGetUserResponse share; false if one can't be written.
    mutating func userMembers(username: String?, attributesKey: StaticString, attributes: [AttributeType]?, created: Double?, modified: Double?,
                              enabled: Bool?, status: String?) -> Bool {
        if let username { key("Username"); string(username) }
        if let attributes { key(attributesKey); self.attributes(attributes) }
        if let created { key("UserCreateDate"); guard number(created) else { return false } }
        if let modified { key("UserLastModifiedDate"); guard number(modified) else { return false } }
        if let enabled { key("Enabled"); bool(enabled) }
        if let status { key("UserStatus"); string(status) }
        return true
    }
}

extension UserType {
    func write(_ w: inout JSONWriter) -> Bool {
        guard mfaOptions == nil else { return false }
        w.beginObject()
        guard w.userMembers(username: username, attributesKey: "Attributes", attributes: attributes, created: userCreateDate,
                            modified: userLastModifiedDate, enabled: enabled, status: userStatus) else { return false }
        w.endObject()
        return true
    }
}

/// One user object alone: what the store keeps as a user's listing (`User.listingJSON`), and
/// the elements of a ListUsers page.
extension UserType: FastJSONEncodable {
    public func fastJSON() -> [UInt8]? {
        var w = JSONWriter(capacity: 256)
        return write(&w) ? w.bytes : nil
    }
}

extension GetUserResponse: FastJSONEncodable {
    public func fastJSON() -> [UInt8]? {
        guard mfaOptions == nil, preferredMfaSetting == nil, userMFASettingList == nil else { return nil }
        var w = JSONWriter()
        w.beginObject()
        guard w.userMembers(username: username, attributesKey: "UserAttributes", attributes: userAttributes, created: nil, modified: nil,
                            enabled: nil, status: nil) else { return nil }
        w.endObject()
        return w.bytes
    }
}

extension AdminGetUserResponse: FastJSONEncodable {
    public func fastJSON() -> [UInt8]? {
        guard mfaOptions == nil, preferredMfaSetting == nil, userMFASettingList == nil else { return nil }
        var w = JSONWriter()
        w.beginObject()
        guard w.userMembers(username: username, attributesKey: "UserAttributes", attributes: userAttributes, created: userCreateDate,
                            modified: userLastModifiedDate, enabled: enabled, status: userStatus) else { return nil }
        w.endObject()
        return w.bytes
    }
}

/// The four sign-in responses share one shape: InitiateAuth, AdminInitiateAuth and both
/// RespondToAuthChallenge operations.
public protocol SignInStepResponse: FastJSONEncodable {
    var challengeName: String? { get }
    var session: String? { get }
    var challengeParameters: [String: String]? { get }
    var authenticationResult: AuthenticationResultType? { get }
    var availableChallenges: [String]? { get }
}

extension SignInStepResponse {
    public func fastJSON() -> [UInt8]? {
        var w = JSONWriter(capacity: 4096)
        w.beginObject()
        if let challengeName { w.key("ChallengeName"); w.string(challengeName) }
        if let session { w.key("Session"); w.string(session) }
        if let challengeParameters {
            w.key("ChallengeParameters")
            w.beginObject()
            for (k, v) in challengeParameters { w.key(k); w.string(v) }
            w.endObject()
        }
        if let result = authenticationResult {
            guard result.newDeviceMetadata == nil else { return nil }
            w.key("AuthenticationResult")
            w.beginObject()
            if let v = result.accessToken { w.key("AccessToken"); w.string(v) }
            if let v = result.expiresIn { w.key("ExpiresIn"); w.int(v) }
            if let v = result.tokenType { w.key("TokenType"); w.string(v) }
            if let v = result.refreshToken { w.key("RefreshToken"); w.string(v) }
            if let v = result.idToken { w.key("IdToken"); w.string(v) }
            w.endObject()
        }
        if let availableChallenges {
            w.key("AvailableChallenges")
            w.beginArray()
            for c in availableChallenges { w.next(); w.string(c) }
            w.endArray()
        }
        w.endObject()
        return w.bytes
    }
}

extension InitiateAuthResponse: SignInStepResponse {}
extension AdminInitiateAuthResponse: SignInStepResponse {}
extension RespondToAuthChallengeResponse: SignInStepResponse {}
extension AdminRespondToAuthChallengeResponse: SignInStepResponse {}
