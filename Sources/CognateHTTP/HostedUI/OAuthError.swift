import CognateCore
import CognitoModel
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The OAuth 2.0 renderer of `CognitoError`: the error names of RFC 6749 §4.1.2.1 and §5.2,
/// RFC 7009 and RFC 6750, picked by the Cognito code the core chose.
enum OAuthError {
    /// For a redirect from /oauth2/authorize.
    static func authorizeCode(_ e: CognitoError) -> String {
        switch e.code {
        case .invalidParameter: "invalid_request"
        case .invalidOAuthFlow: "unauthorized_client"
        case .scopeDoesNotExist: "invalid_scope"
        case .unsupportedOperation: "unsupported_response_type"
        default: "server_error"
        }
    }

    /// For /oauth2/token and /oauth2/revoke: the error and its status.
    static func tokenCode(_ e: CognitoError) -> (error: String, status: HTTPResponse.Status) {
        switch e.code {
        case .invalidParameter: ("invalid_request", .badRequest)
        case .unauthorized: ("invalid_client", .unauthorized)
        case .notAuthorized, .userNotFound: ("invalid_grant", .badRequest)
        case .invalidOAuthFlow: ("unauthorized_client", .badRequest)
        case .scopeDoesNotExist: ("invalid_scope", .badRequest)
        case .unsupportedOperation: ("unsupported_grant_type", .badRequest)
        case .unsupportedTokenType: ("unsupported_token_type", .badRequest)
        // A trigger refused or failed (contract §6: invalid_request), not a fault of the server.
        case .userLambdaValidation, .unexpectedLambda, .invalidLambdaResponse: ("invalid_request", .badRequest)
        default: ("server_error", .internalServerError)
        }
    }

    static let jsonHeaders: HTTPFields = [
        .contentType: "application/json;charset=UTF-8",
        .cacheControl: "no-store",
        .init("Pragma")!: "no-cache",
        .accessControlAllowOrigin: "*",
    ]

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, extra: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = jsonHeaders
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: (try? encoder.encode(value)) ?? Data())))
    }

    static func response(_ error: String, description: String?, status: HTTPResponse.Status, extra: HTTPFields = [:]) -> Response {
        var body = ["error": error]
        if let description { body["error_description"] = description }
        return json(body, status: status, extra: extra)
    }
}
