import CognateCore
import CognitoModel
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// `POST /` with AWS JSON 1.1: routes on X-Amz-Target through the registry and renders
/// `CognitoError` the way AWS does (status, `__type`, x-amzn-ErrorType).
struct AWSJSONEndpoint: Sendable {
    static let targetPrefix = "AWSCognitoIdentityProviderService."
    static let contentTypes: Set<String> = ["application/x-amz-json-1.1", "application/x-amz-json-1.0", "application/json"]

    let actions: [String: ActionRegistry.Action]
    let defaultRegion: String
    let maxBodySize: Int
    /// Request ids come from the deployment's random source (a user-space generator), not
    /// Foundation's UUID(), which asks the kernel for every id.
    let random: any RandomSource
    /// Checks signed operations when the deployment configures a credential; nil accepts any
    /// signature (the contract allows a local server that).
    let signatures: SigV4Verifier?
    let time: any TimeSource

    func handle(_ request: Request, _ context: CognateRequestContext) async throws -> Response {
        var request = request
        let requestId = random.uuid()
        do {
            let target = request.headers[.init("X-Amz-Target")!] ?? ""
            guard target.hasPrefix(Self.targetPrefix), let action = actions[String(target.dropFirst(Self.targetPrefix.count))] else {
                let op = target.split(separator: ".").last.map(String.init) ?? ""
                throw CognitoError(.unknownOperation, op.isEmpty ? "Missing X-Amz-Target." : "The operation \(op) is not supported.")
            }
            guard Self.acceptsContentType(request.headers[.contentType] ?? "") else {
                throw CognitoError(.serialization, "Unsupported Content-Type: expected application/x-amz-json-1.1.")
            }
            let buffer = try await request.collectBody(limitedTo: maxBodySize)
            if action.signed, let signatures {
                try signatures.verify(Self.signedRequest(request, body: buffer), now: time.now())
            }
            let region = Self.region(fromAuthorization: request.headers[.authorization]) ?? defaultRegion
            let ctx = CallContext(region: region, requestId: requestId, sourceIP: context.sourceIP, userAgent: request.headers[.userAgent])
            let output = try await action.run(Data(buffer.readableBytesView), ctx)
            return Self.response(status: .ok, body: output, requestId: requestId)
        } catch let error as CognitoError {
            return Self.errorResponse(error, requestId: requestId)
        } catch {
            context.logger.error("internal error", metadata: ["requestId": "\(requestId)", "error": "\(String(reflecting: error))"])
            return Self.errorResponse(CognitoError(.internalError, "An internal error occurred."), requestId: requestId)
        }
    }

    /// The media type, ignoring parameters, case and surrounding spaces. The exact header SDKs
    /// send is checked first: Foundation's trimming on a Substring cost 2% of an AdminGetUser.
    static func acceptsContentType(_ header: String) -> Bool {
        if contentTypes.contains(header) { return true }
        let type = header.split(separator: ";", omittingEmptySubsequences: false).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return contentTypes.contains(type)
    }

    /// What SigV4 covers of a request. HTTPTypes keeps the Host header as the authority.
    static func signedRequest(_ request: Request, body: ByteBuffer) -> SigV4Verifier.Request {
        var headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
        if let host = request.head.authority, !headers.contains(where: { $0.name == "host" }) {
            headers.append((name: "host", value: host))
        }
        return SigV4Verifier.Request(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "", headers: headers,
            body: Array(body.readableBytesView)
        )
    }

    /// The region of a SigV4 credential scope: `Credential=AKID/20260101/us-east-1/cognito-idp/aws4_request`.
    static func region(fromAuthorization header: String?) -> String? {
        guard var header else { return nil }
        // Every signed request carries this header: scan its bytes (Foundation's range(of:) and
        // Character splitting cost more than the rest of an AdminGetUser's parsing). Non-ASCII
        // scopes take the general path below.
        let fast: String?? = header.withUTF8 { Self.asciiRegion($0) }
        if let fast { return fast }
        guard let r = header.range(of: "Credential=") else { return nil }
        let scope = header[r.upperBound...].prefix { $0 != "," && $0 != " " }.split(separator: "/")
        guard scope.count >= 5 else { return nil }
        let region = String(scope[2])
        return region.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) && !region.isEmpty ? region : nil
    }

    static let credentialMarker = Array("Credential=".utf8)

    /// `region(fromAuthorization:)` for an all-ASCII header, where bytes and Characters agree:
    /// `.some(region or nil)`, or nil to take the general path.
    static func asciiRegion(_ b: UnsafeBufferPointer<UInt8>) -> String?? {
        guard b.allSatisfy({ $0 < 0x80 }) else { return nil }
        let m = credentialMarker
        var start = -1
        if b.count >= m.count {
            search: for i in 0...(b.count - m.count) {
                for j in 0..<m.count where b[i + j] != m[j] { continue search }
                start = i + m.count
                break
            }
        }
        guard start >= 0 else { return .some(nil) }
        var end = start
        while end < b.count, b[end] != UInt8(ascii: ","), b[end] != UInt8(ascii: " ") { end += 1 }
        // The third non-empty '/'-separated part, if there are at least five.
        var parts: [Range<Int>] = []
        var i = start
        while i < end {
            var j = i
            while j < end, b[j] != UInt8(ascii: "/") { j += 1 }
            if j > i { parts.append(i..<j) }
            i = j + 1
        }
        guard parts.count >= 5 else { return .some(nil) }
        let region = UnsafeBufferPointer(rebasing: b[parts[2]])
        let valid = region.allSatisfy { c in
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-")
        }
        return .some(valid ? String(decoding: region, as: UTF8.self) : nil)
    }

    static func response(status: HTTPResponse.Status, body: Data, requestId: String, extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [
            .contentType: "application/x-amz-json-1.1",
            .init("x-amzn-RequestId")!: requestId,
        ]
        headers.append(contentsOf: extra)
        headers.append(contentsOf: CORS.responseHeaders)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func errorResponse(_ error: CognitoError, requestId: String) -> Response {
        let body = try! JSONEncoder().encode(["__type": error.code.name, "message": error.message])
        // Header values must be one printable ASCII line.
        let headerMessage = String(error.message.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : " " })
        return response(
            status: HTTPResponse.Status(code: error.code.httpStatus), body: body, requestId: requestId,
            extra: [.init("x-amzn-ErrorType")!: error.code.name + ":", .init("x-amzn-ErrorMessage")!: headerMessage]
        )
    }
}

/// Browser clients (amazon-cognito-identity-js, Amplify) call the API directly.
enum CORS {
    static let responseHeaders: HTTPFields = [
        .accessControlAllowOrigin: "*",
        .accessControlExposeHeaders: "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date",
    ]

    /// The headers SDKs are known to send, allowed whatever a preflight asks.
    static let knownRequestHeaders = "content-type, x-amz-target, x-amz-user-agent, cache-control, amz-sdk-invocation-id, amz-sdk-request, authorization, x-amz-date, x-amz-security-token, x-amz-content-sha256"

    static let knownRequestHeaderSet = Set(knownRequestHeaders.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })

    /// The answer to a browser's preflight. Every header it asks for is allowed (the endpoint
    /// ignores headers it does not use, as Cognito does), so an SDK release that adds one keeps
    /// working; only header-name characters are echoed.
    static func preflight(requestedHeaders: String?) -> HTTPFields {
        var allowed = knownRequestHeaders
        if let requested = requestedHeaders, requested.utf8.count <= 2048, requested.utf8.allSatisfy(isHeaderListByte) {
            let extra = requested.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                .filter { !$0.isEmpty && !knownRequestHeaderSet.contains($0) }
            if !extra.isEmpty { allowed += ", " + extra.joined(separator: ", ") }
        }
        return [
            .accessControlAllowOrigin: "*",
            .accessControlAllowMethods: "POST, OPTIONS",
            .accessControlAllowHeaders: allowed,
            .accessControlExposeHeaders: responseHeaders[.accessControlExposeHeaders]!,
            .accessControlMaxAge: "86400",
        ]
    }

    /// A header name's characters (RFC 9110 `tchar`), commas and spaces.
    private static func isHeaderListByte(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"),
             UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "^"), UInt8(ascii: "`"), UInt8(ascii: "|"),
             UInt8(ascii: "~"), UInt8(ascii: ","), UInt8(ascii: " "), UInt8(ascii: "\t"): true
        default: false
        }
    }
}
