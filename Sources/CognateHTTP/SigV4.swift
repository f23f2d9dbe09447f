import CognateCore
import CognitoModel
import Foundation

/// The credential that may call signed (admin) operations when the deployment sets one
/// (`--access-key-id` and `--secret-access-key`). Without it, any signature is accepted.
public struct AccessCredential: Sendable, Equatable {
    public var accessKeyId: String
    public var secretAccessKey: String

    public init(accessKeyId: String, secretAccessKey: String) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
    }
}

/// AWS Signature Version 4 as botocore and the AWS SDKs sign a request (`Authorization:
/// AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` with `X-Amz-Date`), checked
/// against the one configured credential. Refusals use the codes and words AWS answers with.
struct SigV4Verifier: Sendable {
    let credential: AccessCredential
    let digests: any Digests
    /// AWS refuses signatures more than 15 minutes away from its clock.
    static let allowedSkew: Double = 15 * 60
    static let service = "cognito-idp"

    /// One request as received: lowercase header names, values as sent (a name may repeat).
    struct Request {
        var method: String
        var path: String
        var query: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]
    }

    static let missing = CognitoError(.missingAuthenticationToken, "Request is missing Authentication Token")
    static let unknownKey = CognitoError(.unrecognizedClient, "The security token included in the request is invalid.")
    static let mismatch = CognitoError(
        .invalidSignature,
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
    )

    func verify(_ request: Request, now: Date) throws {
        guard let authorization = request.value("authorization") else { throw Self.missing }
        let auth = try Self.parseAuthorization(authorization)
        guard auth.accessKeyId == credential.accessKeyId else { throw Self.unknownKey }
        guard let amzDate = request.value("x-amz-date") else {
            throw CognitoError(.incompleteSignature, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        }
        guard let signedAt = Self.parseAmzDate(amzDate) else {
            throw CognitoError(.incompleteSignature, "Date must be in ISO-8601 'basic format'. Got '\(amzDate)'. See http://en.wikipedia.org/wiki/ISO_8601")
        }
        let skew = signedAt.timeIntervalSince(now)
        if skew < -Self.allowedSkew {
            throw CognitoError(.invalidSignature, "Signature expired: \(amzDate) is now earlier than \(Self.amzDate(now - Self.allowedSkew)) (\(Self.amzDate(now)) - 15 min.)")
        }
        if skew > Self.allowedSkew {
            throw CognitoError(.invalidSignature, "Signature not yet current: \(amzDate) is still later than \(Self.amzDate(now + Self.allowedSkew)) (\(Self.amzDate(now)) + 15 min.)")
        }
        guard auth.date == String(amzDate.prefix(8)) else {
            throw CognitoError(.invalidSignature, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '\(auth.date)' != '\(amzDate.prefix(8))', from '\(amzDate)'.")
        }
        guard auth.service == Self.service else {
            throw CognitoError(.invalidSignature, "Credential should be scoped to correct service: '\(Self.service)'. ")
        }
        // The operation and the host must be covered, or a captured request could be replayed
        // as another operation (the same body is valid for several) or at another server.
        for required in ["host", "x-amz-date", "x-amz-target"] where !auth.signedHeaders.contains(required) {
            throw CognitoError(.invalidSignature, "'\(required)' must be a 'SignedHeader' in the AWS Authorization.")
        }
        let expected = signature(request, amzDate: amzDate, auth: auth)
        guard constantTimeEquals(Array(expected.utf8), Array(auth.signature.lowercased().utf8)) else { throw Self.mismatch }
    }

    /// The hex signature of `request` under the configured secret (SigV4 §"Create a signature").
    func signature(_ request: Request, amzDate: String, auth: Authorization) -> String {
        let canonical = Self.canonicalRequest(request, signedHeaders: auth.signedHeaders, payloadHash: Hex.encode(digests.sha256(request.body)))
        let scope = "\(auth.date)/\(auth.region)/\(auth.service)/aws4_request"
        let stringToSign = "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n" + Hex.encode(digests.sha256(Array(canonical.utf8)))
        var key = Array(("AWS4" + credential.secretAccessKey).utf8)
        for part in [auth.date, auth.region, auth.service, "aws4_request"] {
            key = digests.hmacSHA256(key: key, data: Array(part.utf8))
        }
        return Hex.encode(digests.hmacSHA256(key: key, data: Array(stringToSign.utf8)))
    }

    static func canonicalRequest(_ r: Request, signedHeaders: [String], payloadHash: String) -> String {
        let headers = signedHeaders.map { name in
            let values = r.headers.filter { $0.name == name }.map { collapseSpaces($0.value) }
            return name + ":" + values.joined(separator: ",") + "\n"
        }.joined()
        return [r.method, canonicalPath(r.path), canonicalQuery(r.query), headers, signedHeaders.joined(separator: ";"), payloadHash]
            .joined(separator: "\n")
    }

    /// Trimmed, with runs of spaces inside made one.
    static func collapseSpaces(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
    }

    /// Every segment URI-encoded (as sent, so an escape is encoded again, as botocore does for
    /// every service but S3).
    static func canonicalPath(_ path: String) -> String {
        path.isEmpty ? "/" : uriEncode(path, keepSlash: true)
    }

    /// Parameters sorted by name then value, each name and value encoded once.
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { item -> (String, String) in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in String(s).removingPercentEncoding ?? String(s) }
            return (uriEncode(decode(parts[0]), keepSlash: false), uriEncode(parts.count > 1 ? decode(parts[1]) : "", keepSlash: false))
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    static func uriEncode(_ s: String, keepSlash: Bool) -> String {
        var out = ""
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    struct Authorization: Equatable {
        var accessKeyId: String
        var date: String
        var region: String
        var service: String
        var signedHeaders: [String]
        var signature: String
    }

    static func parseAuthorization(_ header: String) throws -> Authorization {
        let algorithm = "AWS4-HMAC-SHA256 "
        guard header.hasPrefix(algorithm) else {
            throw CognitoError(.incompleteSignature, "Authorization header requires the 'AWS4-HMAC-SHA256' algorithm.")
        }
        var fields: [String: String] = [:]
        for part in header.dropFirst(algorithm.count).split(separator: ",") {
            let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if kv.count == 2 { fields[String(kv[0])] = String(kv[1]) }
        }
        for name in ["Credential", "SignedHeaders", "Signature"] where fields[name] == nil {
            throw CognitoError(.incompleteSignature, "Authorization header requires '\(name)' parameter. Authorization=\(header)")
        }
        let scope = fields["Credential"]!.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request", !scope[0].isEmpty else {
            throw CognitoError(.incompleteSignature, "Credential should be scoped to a valid region. ")
        }
        return Authorization(
            accessKeyId: scope[0], date: scope[1], region: scope[2], service: scope[3],
            signedHeaders: fields["SignedHeaders"]!.split(separator: ";").map { $0.lowercased() }, signature: fields["Signature"]!
        )
    }

    /// `yyyyMMdd'T'HHmmss'Z'`, UTC.
    static func parseAmzDate(_ s: String) -> Date? {
        let b = Array(s.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ r: Range<Int>) -> Int? {
            var n = 0
            for c in b[r] {
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
                n = n * 10 + Int(c - UInt8(ascii: "0"))
            }
            return n
        }
        guard let y = number(0..<4), let mo = number(4..<6), let d = number(6..<8), let h = number(9..<11), let mi = number(11..<13),
              let sec = number(13..<15), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, sec < 61
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = DateComponents(year: y, month: mo, day: d, hour: h, minute: mi, second: sec)
        guard let date = calendar.date(from: parts), calendar.dateComponents([.day], from: date).day == d else { return nil }
        return date
    }

    static func amzDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}

extension SigV4Verifier.Request {
    /// The header's values joined as SigV4 joins them; nil when absent.
    func value(_ name: String) -> String? {
        let values = headers.filter { $0.name == name }.map(\.value)
        return values.isEmpty ? nil : values.joined(separator: ",")
    }
}
