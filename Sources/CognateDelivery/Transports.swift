import CognateCore
import Foundation
import Logging

/// Sends one e-mail. Throws `DeliveryFailure`.
public protocol EmailTransport: Sendable {
    func send(_ message: OutboundMessage, id: String) async throws
}

/// Sends one SMS. Throws `DeliveryFailure`.
public protocol SMSTransport: Sendable {
    func send(_ message: OutboundMessage, id: String) async throws
}

/// Without SMTP or an SMS webhook, messages are written to the log (never the code itself).
public struct LogTransport: EmailTransport, SMSTransport {
    let logger: Logger
    public init(logger: Logger) { self.logger = logger }

    public func send(_ message: OutboundMessage, id: String) async throws {
        logger.info("message", metadata: [
            "pool": "\(message.poolId)", "user": "\(message.username)", "kind": "\(message.kind)",
            "medium": "\(message.deliveryMedium)", "to": "\(message.destination)", "id": "\(id)",
        ])
    }
}

/// E-mail over SMTP with libcurl: STARTTLS when the server offers it on smtp://, TLS from the
/// start on smtps://, AUTH with the URL's user and password.
public struct SMTPMailer: EmailTransport {
    let serverURL: String
    let username: String?
    let password: String?
    let defaultFrom: String
    let caFile: String?

    /// Nil when `url` is not an smtp:// or smtps:// URL with a host. `caFile`: PEM certificates to
    /// trust for the server's TLS certificate instead of the system's.
    public init?(url: String, defaultFrom: String, caFile: String? = nil) {
        guard let c = URLComponents(string: url), let scheme = c.scheme?.lowercased(), scheme == "smtp" || scheme == "smtps",
              let host = c.host, !host.isEmpty else { return nil }
        let port = c.port ?? (scheme == "smtps" ? 465 : 587)
        serverURL = "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        username = c.user.flatMap { $0.isEmpty ? nil : $0 }
        password = c.password
        self.defaultFrom = defaultFrom
        self.caFile = caFile
    }

    public func send(_ message: OutboundMessage, id: String) async throws {
        let from = message.from ?? defaultFrom
        let mime = MIMEMessage(
            from: from, to: message.destination, replyTo: message.replyTo, subject: message.subject ?? "",
            html: message.message, date: Date(timeIntervalSince1970: message.createdAt), messageID: "\(id)@cognate"
        )
        let outcome = await Curl.perform(Curl.Request(
            url: serverURL, protocols: "smtp,smtps", body: mime.bytes,
            mailFrom: "<\(MIMEMessage.address(from))>", mailRecipients: ["<\(MIMEMessage.address(message.destination))>"],
            username: username, password: password, caFile: caFile, timeoutMilliseconds: 60_000, connectTimeoutMilliseconds: 10_000
        ))
        guard !outcome.ok else { return }
        let reason = "SMTP: \(outcome.error)" + (outcome.status > 0 ? " (reply \(outcome.status))" : "")
        // A 5xx reply to the message itself (bad recipient, refused content) will not change;
        // anything else — no connection, a 4xx, refused credentials an operator can fix — may.
        if (500..<600).contains(outcome.status) && outcome.status != 530 && outcome.status != 535 {
            throw DeliveryFailure.permanent(reason)
        }
        throw DeliveryFailure.transient(reason)
    }
}

/// SMS through a webhook, so any SMS provider can be plugged in: a signed JSON POST of
/// `{"id", "to", "message", "poolId", "username", "kind"}`. 2xx is sent; 408, 429 and 5xx are
/// retried; other statuses are permanent. `id` stays the same across retries, for deduplication.
public struct SMSWebhook: SMSTransport {
    let url: String
    let signer: WebhookSigner
    let time: any TimeSource

    public init(url: String, signer: WebhookSigner, time: any TimeSource) {
        self.url = url
        self.signer = signer
        self.time = time
    }

    public func send(_ message: OutboundMessage, id: String) async throws {
        let payload: [String: String] = [
            "id": id, "to": message.destination, "message": message.message, "poolId": message.poolId,
            "username": message.username, "kind": message.kind,
        ]
        let body = Array(try WebhookTriggers.encoder.encode(payload))
        let outcome = await Curl.perform(Curl.Request(
            url: url, protocols: "http,https", body: body,
            httpHeaders: ["Content-Type: application/json", "\(WebhookSigner.header): \(signer.signature(body: body, timestamp: Int(time.now().timeIntervalSince1970)))"],
            timeoutMilliseconds: 15_000
        ))
        guard outcome.ok else { throw DeliveryFailure.transient("SMS webhook: \(outcome.error)") }
        switch outcome.status {
        case 200..<300: return
        case 408, 429, 500..<600: throw DeliveryFailure.transient("SMS webhook: HTTP \(outcome.status)")
        default: throw DeliveryFailure.permanent("SMS webhook: HTTP \(outcome.status)")
        }
    }
}
