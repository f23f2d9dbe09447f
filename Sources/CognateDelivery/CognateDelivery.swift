// CognateDelivery gets messages and trigger events out of Cognate; it needs libcurl and no
// HTTP server.
//
// - `OutboxDelivery` is the core's `MessageDelivery`: it seals each message under the master key
//   into the outbox table (the store's `OutboxStore`) and rings the `Doorbell`.
// - `OutboxDrain` is a ServiceLifecycle service: it claims due rows in one transaction (a lease,
//   so nodes sharing a database never send a message twice), sends each by its route and
//   removes it, reschedules it with `RetryPolicy` backoff, or marks it failed.
// - Routes: `SMTPMailer` (SMTP with STARTTLS or SMTPS; `MIMEMessage` renders the mail),
//   `SMSWebhook`, a custom sender trigger, or `LogTransport` when nothing is configured.
// - `WebhookTriggers` is the core's `Triggers` port: signed JSON POSTs (`WebhookSigner`) to a URL
//   or to the URL an ARN maps to, with Lambda's 5 s limit, answers mapped to Cognito's errors.
// - `Curl` runs one libcurl transfer on a queue of its own, off the cooperative pool.
