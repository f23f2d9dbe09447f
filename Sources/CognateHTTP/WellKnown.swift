import CognateCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `/{poolId}/.well-known/jwks.json` and `/{poolId}/.well-known/openid-configuration`.
struct WellKnown: Sendable {
    let cognate: Cognate

    func register(on router: Router<BasicRequestContext>) {
        router.get("/:poolId/.well-known/jwks.json") { _, context in
            let poolId = try context.parameters.require("poolId")
            guard let keys = try? await cognate.jwks(poolId: poolId) else { return Self.notFound(poolId) }
            return Self.json(["keys": keys], cache: true)
        }
        router.get("/:poolId/.well-known/openid-configuration") { _, context in
            let poolId = try context.parameters.require("poolId")
            guard let pool = try await cognate.pool(id: poolId) else { return Self.notFound(poolId) }
            let iss = cognate.deps.config.issuer(for: pool)
            // The endpoints are at the public URL, which serves every pool (a pool domain's host does too).
            let base = cognate.deps.config.publicURL
            let doc = OpenIDConfiguration(
                issuer: iss, jwks_uri: "\(base)/\(poolId)/.well-known/jwks.json", authorization_endpoint: "\(base)/oauth2/authorize",
                token_endpoint: "\(base)/oauth2/token", userinfo_endpoint: "\(base)/oauth2/userInfo",
                revocation_endpoint: "\(base)/oauth2/revoke", end_session_endpoint: "\(base)/logout"
            )
            return Self.json(doc, cache: false)
        }
    }

    static func json<T: Encodable>(_ value: T, cache: Bool) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers: HTTPFields = [.contentType: "application/json", .accessControlAllowOrigin: "*"]
        if cache { headers[.cacheControl] = "public, max-age=300" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: (try? encoder.encode(value)) ?? Data())))
    }

    static func notFound(_ poolId: String) -> Response {
        let body = #"{"message":"User pool \#(poolId) does not exist."}"#
        return Response(status: .notFound, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// The discovery document, as Cognito publishes it.
struct OpenIDConfiguration: Encodable {
    var issuer: String
    var jwks_uri: String
    var authorization_endpoint: String?
    var token_endpoint: String?
    var userinfo_endpoint: String?
    var revocation_endpoint: String?
    var end_session_endpoint: String?
    var id_token_signing_alg_values_supported = ["RS256"]
    var response_types_supported = ["code", "token"]
    var scopes_supported = ["openid", "email", "phone", "profile"]
    var subject_types_supported = ["public"]
    var token_endpoint_auth_methods_supported = ["client_secret_basic", "client_secret_post", "none"]
    var grant_types_supported = ["authorization_code", "implicit", "refresh_token", "client_credentials"]
    var code_challenge_methods_supported = ["S256", "plain"]
}
