import CognateCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// `/{poolId}/.well-known/jwks.json` and `/{poolId}/.well-known/openid-configuration`.
struct WellKnown: Sendable {
    let cognate: Cognate
    /// The encoded JWKS body per pool, reused while the pool's keys are the same ones.
    let jwksBodies = JWKSBodies()

    func register(on router: Router<CognateRequestContext>) {
        router.get("/:poolId/.well-known/jwks.json") { _, context in
            let poolId = try context.parameters.require("poolId")
            guard let keys = try? await cognate.jwks(poolId: poolId) else { return Self.notFound(poolId) }
            let body = jwksBodies.body(poolId, keys) { Self.encode(["keys": keys]) }
            return Self.json(body: body, cache: true)
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

    static func encode<T: Encodable>(_ value: T) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ByteBuffer(bytes: (try? encoder.encode(value)) ?? Data())
    }

    static func json<T: Encodable>(_ value: T, cache: Bool) -> Response {
        json(body: encode(value), cache: cache)
    }

    static func json(body: ByteBuffer, cache: Bool) -> Response {
        var headers: HTTPFields = [.contentType: "application/json", .accessControlAllowOrigin: "*"]
        if cache { headers[.cacheControl] = "public, max-age=300" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    static func notFound(_ poolId: String) -> Response {
        let body = #"{"message":"User pool \#(poolId) does not exist."}"#
        return Response(status: .notFound, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// Encoded JWKS bodies by pool. An entry is used only for the very keys it was made from, so a
/// pool whose keys differ (a new pool) never gets another's body. Bounded: past 1024 pools it
/// starts over.
final class JWKSBodies: Sendable {
    private let entries = Mutex<[String: (keys: [PublicJWK], body: ByteBuffer)]>([:])

    func body(_ poolId: String, _ keys: [PublicJWK], encode: () -> ByteBuffer) -> ByteBuffer {
        if let hit = entries.withLock({ $0[poolId] }), hit.keys == keys { return hit.body }
        let body = encode()
        entries.withLock { cache in
            if cache.count >= 1024 { cache.removeAll(keepingCapacity: true) }
            cache[poolId] = (keys, body)
        }
        return body
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
    var code_challenge_methods_supported = ["S256"]
}
