// CognateCore is the domain of a Cognito user-pool server, with no I/O of its own.
//
// How the parts fit:
// - `Cognate` (Services/Cognate.swift) holds the use cases: one method per Cognito operation,
//   taking the operation's wire input (CognitoModel) and returning its wire output, grouped by
//   area in `Services/Cognate+*.swift` (pools, clients, groups, admin users, sign-up, auth, SRP,
//   self-service, tokens, ListUsers, domains, resource servers, UI customization), plus the
//   OAuth 2.0 endpoints' use cases (`Cognate+OAuth`) and the hosted pages' (`Cognate+HostedUI`),
//   which reuse the sign-in and self-service pieces rather than repeat them.
// - `Dependencies` passes in every port once: storage (`Ports/StorePorts.swift`), crypto
//   (`Ports/CryptoPorts.swift`), time, randomness and message delivery. CognateStore and
//   CognateCrypto implement them; tests can substitute any of them.
// - Entities (`Domain/`) keep Cognito's own shapes where Cognito returns them verbatim
//   (`UserPoolType`, `UserPoolClientType`, `GroupType`) and domain types elsewhere (`User`,
//   `PasswordRecord`, `RefreshTokenRecord`). A user's password is Cognito's SRP verifier, sealed.
// - Challenge state (Session, SECRET_BLOCK) is sealed into the string the client carries
//   (`ChallengeState`), so any node sharing the database can answer it; spending it once is
//   recorded in the store.
// - Triggers (`Ports/Triggers.swift`, `Services/Cognate+Triggers.swift` and the files named for
//   each trigger): the core builds Cognito's event, calls the `Triggers` port and applies the
//   answer at Cognito's points in each flow; a failed trigger changes nothing (the flow calls it
//   before committing, or undoes its change). Messages are composed here (templates, the
//   CustomMessage trigger, a custom sender's event) and handed to `MessageDelivery`, which only
//   has to keep them durably.
// - Sign-in history (`Services/Cognate+AuthEvents.swift`): in pools with threat protection on,
//   each sign-in attempt is one event, carried in its challenges' sealed state and written as
//   each step ends (the last one with the refresh token); pools without it write nothing more.
// - `CognitoError` is the one error type: a Cognito exception code and message.
