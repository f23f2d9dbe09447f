import CognateCore
import CognateDelivery
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
    let opened = try await Bootstrap.open(config, logger: logger)
    let (delivery, drain) = try deliveryPipeline(config, opened: opened, outbox: outbox, logger: logger)
    let deps = try opened.dependencies(delivery: delivery)
    let router = try buildRouter(Cognate(deps), config: config, outbox: outbox)
    return Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "Cognate"),
        services: [drain],
        onServerRunning: onServerRunning,
        logger: logger
    )
}

/// The outbox (messages are queued durably and recorded in the dev outbox) and the service that
/// drains it over SMTP, the SMS webhook, custom sender triggers, or the log.
func deliveryPipeline(_ config: ServerConfiguration, opened: Bootstrap.Opened, outbox: DevOutbox?, logger: Logger) throws -> (OutboxDelivery, OutboxDrain) {
    let time = SystemTime()
    let log = LogTransport(logger: logger)
    var email: any EmailTransport = log
    if let url = config.smtpURL {
        guard let smtp = SMTPMailer(url: url, defaultFrom: config.smtpFrom, caFile: config.smtpCAFile) else {
            throw BootstrapError("--smtp-url must be smtp://[user:password@]host[:port] or smtps://…")
        }
        email = smtp
    }
    var sms: any SMSTransport = log
    if let url = config.smsWebhookURL {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw BootstrapError("--sms-webhook must be an http(s) URL") }
        sms = SMSWebhook(url: url, signer: opened.webhookSigner, time: time)
    }
    let doorbell = Doorbell()
    let delivery = OutboxDelivery(store: opened.store, box: opened.atRest, random: opened.random, time: time, doorbell: doorbell) { message in
        outbox?.append(message)
    }
    let drain = OutboxDrain(
        store: opened.store, box: opened.atRest, time: time,
        routes: .init(email: email, sms: sms, triggers: opened.webhookTriggers()),
        retry: RetryPolicy(maxDelay: config.deliveryMaxBackoff), doorbell: doorbell, logger: logger
    )
    return (delivery, drain)
}

/// Throws when the hosted UI's templates are incomplete, so a broken set never serves a page.
public func buildRouter(_ cognate: Cognate, config: ServerConfiguration, outbox: DevOutbox?) throws -> Router<CognateRequestContext> {
    let hostedUI = try HostedUI(cognate: cognate, config: config)
    let router = Router(context: CognateRequestContext.self)
    let endpoint = AWSJSONEndpoint(
        actions: ActionRegistry.cognate.bind(cognate), defaultRegion: config.defaultRegion, maxBodySize: config.maxBodySize, random: cognate.deps.random,
        signatures: config.accessCredential.map { SigV4Verifier(credential: $0, digests: cognate.deps.digests) }, time: cognate.deps.time
    )
    router.post("/") { request, context in try await endpoint.handle(request, context) }
    router.on("/", method: .options) { request, _ in
        Response(status: .ok, headers: CORS.preflight(requestedHeaders: request.headers[.accessControlRequestHeaders]))
    }
    // Load balancers take a node out while its database does not answer.
    router.get("/health") { _, _ in
        let up = await cognate.deps.store.ping()
        return Response(
            status: up ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: up ? #"{"status":"ok","database":"ok"}"# : #"{"status":"unavailable","database":"unreachable"}"#))
        )
    }
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
