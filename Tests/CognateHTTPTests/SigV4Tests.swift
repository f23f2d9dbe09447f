@testable import CognateHTTP
import CognateCore
import CognateCrypto
import Foundation
import Testing

/// Signed operations under a configured credential: requests botocore signed (fixed times, kept
/// in Vectors/sigv4-botocore.json) pass, and every change to what the signature covers is refused.
@Suite struct SigV4Tests {
    struct Vector: Decodable {
        var accessKeyId: String
        var secretAccessKey: String
        var host: String
        var body: String
        var headers: [String: String]
    }

    static let vectors: [Vector] = {
        guard let url = Bundle.module.url(forResource: "sigv4-botocore", withExtension: "json", subdirectory: "Vectors"),
              let data = try? Data(contentsOf: url), let v = try? JSONDecoder().decode([Vector].self, from: data), !v.isEmpty
        else { fatalError("Vectors/sigv4-botocore.json is missing or malformed") }
        return v
    }()

    func request(_ v: Vector) -> SigV4Verifier.Request {
        var headers = v.headers.map { (name: $0.key.lowercased(), value: $0.value) }
        headers.append((name: "host", value: v.host))
        return SigV4Verifier.Request(method: "POST", path: "/", query: "", headers: headers, body: Array(v.body.utf8))
    }

    func verifier(_ v: Vector, secret: String? = nil) -> SigV4Verifier {
        SigV4Verifier(credential: AccessCredential(accessKeyId: v.accessKeyId, secretAccessKey: secret ?? v.secretAccessKey), digests: OpenSSLDigests())
    }

    func signedAt(_ v: Vector) throws -> Date {
        let header = try #require(v.headers["X-Amz-Date"])
        return try #require(SigV4Verifier.parseAmzDate(header))
    }

    func refusal(_ v: Vector, _ r: SigV4Verifier.Request, now: Date? = nil, secret: String? = nil) throws -> CognitoError? {
        do {
            let at = try now ?? signedAt(v).addingTimeInterval(60)
            try verifier(v, secret: secret).verify(r, now: at)
            return nil
        } catch let e as CognitoError {
            return e
        }
    }

    func replacing(_ r: SigV4Verifier.Request, _ name: String, _ value: String?) -> SigV4Verifier.Request {
        var r = r
        r.headers.removeAll { $0.name == name }
        if let value { r.headers.append((name: name, value: value)) }
        return r
    }

    @Test("botocore's signatures verify, up to 15 minutes either side of the server's clock")
    func botocoreSignaturesVerify() throws {
        for v in Self.vectors {
            let at = try signedAt(v)
            for offset: Double in [-14 * 60, -1, 0, 1, 14 * 60] {
                #expect(try refusal(v, request(v), now: at.addingTimeInterval(offset)) == nil, "\(v.accessKeyId) \(offset)")
            }
        }
    }

    @Test("any change to what the signature covers is refused as InvalidSignatureException")
    func tampering() throws {
        for v in Self.vectors {
            let r = request(v)
            var body = r
            body.body[body.body.count / 2] ^= 1
            var method = r
            method.method = "PUT"
            var path = r
            path.path = "/x"
            let target = try #require(v.headers["X-Amz-Target"])
            let auth = try #require(v.headers["Authorization"])
            let sig = String(auth.suffix(64))
            let flipped = String(sig.prefix(63)) + (sig.hasSuffix("0") ? "1" : "0")
            let cases: [(String, SigV4Verifier.Request)] = [
                ("body", body), ("method", method), ("path", path),
                ("operation", replacing(r, "x-amz-target", target.replacingOccurrences(of: "AdminGetUser", with: "AdminDeleteUser").replacingOccurrences(of: "ListUsers", with: "ListGroups").replacingOccurrences(of: "AdminCreateUser", with: "AdminDeleteUser"))),
                ("host", replacing(r, "host", "evil.example")),
                ("content type", replacing(r, "content-type", "application/json")),
                ("signature", replacing(r, "authorization", String(auth.dropLast(64)) + flipped)),
                ("region in the scope", replacing(r, "authorization", auth.replacingOccurrences(of: "/cognito-idp/", with: "/cognito-idp/").replacingOccurrences(of: "-1/cognito-idp", with: "-9/cognito-idp").replacingOccurrences(of: "-2/cognito-idp", with: "-9/cognito-idp"))),
            ]
            for (what, tampered) in cases {
                #expect(try refusal(v, tampered)?.code == .invalidSignature, "\(what) changed")
            }
            #expect(try refusal(v, r, secret: v.secretAccessKey + "x") == SigV4Verifier.mismatch, "another secret")
        }
    }

    @Test("the other refusals: unknown key, no or malformed header, stale or future date, unsigned operation")
    func refusals() throws {
        let v = Self.vectors[0]
        let r = request(v)
        let auth = try #require(v.headers["Authorization"])
        let at = try signedAt(v)
        #expect(try refusal(v, replacing(r, "authorization", nil)) == SigV4Verifier.missing)
        #expect(try refusal(v, replacing(r, "authorization", auth.replacingOccurrences(of: "Credential=\(v.accessKeyId)/", with: "Credential=OTHER/"))) == SigV4Verifier.unknownKey)
        #expect(try refusal(v, replacing(r, "authorization", "Bearer abc"))?.code == .incompleteSignature)
        #expect(try refusal(v, replacing(r, "authorization", auth.replacingOccurrences(of: ", Signature=", with: ", Sig=")))?.code == .incompleteSignature)
        #expect(try refusal(v, replacing(r, "x-amz-date", nil))?.code == .incompleteSignature)
        #expect(try refusal(v, replacing(r, "x-amz-date", "2026-11-22T05:30:00Z"))?.code == .incompleteSignature)
        let stale = try #require(try refusal(v, r, now: at.addingTimeInterval(15 * 60 + 1)))
        #expect(stale.code == .invalidSignature && stale.message.hasPrefix("Signature expired: \(v.headers["X-Amz-Date"]!) is now earlier than "), "\(stale)")
        let early = try #require(try refusal(v, r, now: at.addingTimeInterval(-15 * 60 - 1)))
        #expect(early.code == .invalidSignature && early.message.hasPrefix("Signature not yet current"), "\(early)")
        // A date header moved by a second no longer matches the signature.
        let moved = SigV4Verifier.amzDate(at.addingTimeInterval(1))
        #expect(try refusal(v, replacing(r, "x-amz-date", moved)) == SigV4Verifier.mismatch)
        // Signed headers must cover the operation and the host.
        let withoutTarget = auth.replacingOccurrences(of: ";x-amz-target", with: "")
        #expect(try refusal(v, replacing(r, "authorization", withoutTarget))?.message.contains("'x-amz-target' must be a 'SignedHeader'") == true)
        // Another service's scope.
        #expect(try refusal(v, replacing(r, "authorization", auth.replacingOccurrences(of: "/cognito-idp/", with: "/s3/")))?.code == .invalidSignature)
    }

    @Test("dates: ISO-8601 basic format only, real calendar days")
    func amzDates() {
        #expect(SigV4Verifier.parseAmzDate("20261122T053000Z").map(SigV4Verifier.amzDate) == "20261122T053000Z")
        #expect(SigV4Verifier.parseAmzDate("20240229T000000Z") != nil)
        for bad in ["20250229T000000Z", "20261322T000000Z", "20261122T250000Z", "20261122 053000Z", "20261122T053000", "2026-11-22T05:30:00Z", ""] {
            #expect(SigV4Verifier.parseAmzDate(bad) == nil, "\(bad)")
        }
    }

    @Test("with a credential set, signed operations need its signature and public ones need none")
    func endpointChecksSignedOperationsOnly() async throws {
        let credential = AccessCredential(accessKeyId: "AKIDCOGNATE", secretAccessKey: "s3cr3t")
        try await TestServer.make(accessCredential: credential).run { c in
            // The test client signs with a made-up key.
            let admin = try await c.call("ListUserPools", ["MaxResults": 10])
            #expect(admin.status == .badRequest)
            #expect(admin.errorType == "UnrecognizedClientException")
            #expect(admin.headers[.init("x-amzn-ErrorType")!] == "UnrecognizedClientException:")
            #expect(try await c.call("AdminGetUser", ["UserPoolId": "us-east-1_nothere", "Username": "a"]).errorType == "UnrecognizedClientException")
            // A public operation goes through to its own checks.
            let initiate = try await c.call("InitiateAuth", ["ClientId": "nosuchclient", "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": ["USERNAME": "a", "PASSWORD": "b"]])
            #expect(initiate.errorType == "ResourceNotFoundException", "\(initiate.json)")
        }
        // Without a credential, any signature is accepted (the default).
        try await TestServer.make().run { c in
            let open = try await c.call("ListUserPools", ["MaxResults": 10])
            #expect(open.status == .ok)
        }
    }
}
