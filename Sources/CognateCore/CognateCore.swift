// CognateCore is the domain of a Cognito user-pool server, with no I/O of its own.
//
// How the parts fit:
// - `Cognate` (Services/Cognate.swift) holds the use cases: one method per Cognito operation,
//   taking the operation's wire input (CognitoModel) and returning its wire output, grouped by
//   area in `Services/Cognate+*.swift` (pools, clients, groups, admin users, sign-up, auth, SRP,
//   self-service, tokens, ListUsers).
// - `Dependencies` passes in every port once: storage (`Ports/StorePorts.swift`), crypto
//   (`Ports/CryptoPorts.swift`), time, randomness and message delivery. CognateStore and
//   CognateCrypto implement them; tests can substitute any of them.
// - Entities (`Domain/`) keep Cognito's own shapes where Cognito returns them verbatim
//   (`UserPoolType`, `UserPoolClientType`, `GroupType`) and domain types elsewhere (`User`,
//   `PasswordRecord`, `RefreshTokenRecord`). A user's password is Cognito's SRP verifier, sealed.
// - Challenge state (Session, SECRET_BLOCK) is sealed into the string the client carries
//   (`ChallengeState`), so any node sharing the database can answer it; spending it once is
//   recorded in the store.
// - `CognitoError` is the one error type: a Cognito exception code and message.
