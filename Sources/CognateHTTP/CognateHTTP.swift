// CognateHTTP is the Hummingbird server around the core.
//
// - `buildApplication` / `buildRouter` (Application+Cognate.swift) wire everything; the
//   executable and the in-process tests share them.
// - `Bootstrap` opens the store and sets up the master key, the shared session key and the keys
//   derived from the master key (code hashes, sign-in events' feedback tokens), and builds the
//   core's `Dependencies`; `deliveryPipeline` wires the outbox (CognateDelivery) and adds its
//   drain to the application's services.
// - `CognateRequestContext` is every route's request context: Hummingbird's, with the peer's
//   address, which the endpoints hand to the core in `CallContext` with the User-Agent (sign-in
//   history records both).
// - `ActionRegistry` is the dispatcher table: one typed handler per implemented Cognito
//   operation, all through one pipeline (decode → validate → handler → encode);
//   `AWSJSONEndpoint` routes `POST /` on X-Amz-Target and renders `CognitoError` as AWS does.
// - `WellKnown` serves each pool's JWKS and OpenID configuration; `DevOutbox` the dev outbox.
// - `HostedUI/` is the hosted UI and the OAuth 2.0 endpoints: `HostedUI` runs every page request
//   through one pipeline (client and exact redirect URI → the rest of the OAuth request → CSRF →
//   use case → page or redirect); `OAuthEndpoints` serves /oauth2/token, userInfo and revoke in
//   JSON; `OAuthError` renders `CognitoError` as OAuth error names. Pages are Mustache templates
//   (`DefaultTemplates`, or a folder) rendered through typed models (`Pages`) by `PageRenderer`,
//   which refuses to start with a template missing.
