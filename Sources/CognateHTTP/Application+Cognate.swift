import CognateCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Builds the whole server. The executable and the in-process tests share it.
public func buildApplication(
    _ config: ServerConfiguration, logger: Logger, onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let outbox = config.dev ? DevOutbox() : nil
    let deps = try await Bootstrap.dependencies(config, delivery: LogDelivery(logger: logger, outbox: outbox), logger: logger)
    let router = try buildRouter(Cognate(deps), config: config, outbox: outbox)
    return Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "Cognate"),
        onServerRunning: onServerRunning,
        logger: logger
    )
}

/// Throws when the hosted UI's templates are incomplete, so a broken set never serves a page.
public func buildRouter(_ cognate: Cognate, config: ServerConfiguration, outbox: DevOutbox?) throws -> Router<BasicRequestContext> {
    let hostedUI = try HostedUI(cognate: cognate, config: config)
    let router = Router()
    let endpoint = AWSJSONEndpoint(actions: ActionRegistry.cognate.bind(cognate), defaultRegion: config.defaultRegion, maxBodySize: config.maxBodySize)
    router.post("/") { request, context in try await endpoint.handle(request, context) }
    router.on("/", method: .options) { _, _ in Response(status: .ok, headers: CORS.preflight) }
    router.get("/health") { _, _ in Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#))) }
    WellKnown(cognate: cognate).register(on: router)
    hostedUI.register(on: router)
    OAuthEndpoints(cognate: cognate, defaultRegion: config.defaultRegion, maxBodySize: config.maxBodySize).register(on: router)
    if let outbox {
        router.get("/_dev/outbox") { request, _ in
            let messages = outbox.list(poolId: request.uri.queryParameters["poolId"].map(String.init), username: request.uri.queryParameters["username"].map(String.init))
            let body = try JSONEncoder().encode(["messages": messages])
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }
    return router
}
