import CognitoModel

/// Storage ports. One SQL store implements them all (CognateStore); every implementation passes
/// the same conformance suite. Updates take a closure that runs inside the store's transaction,
/// so a read-modify-write is atomic across nodes that share one database.

/// Why a write was refused; the core turns these into Cognito's exceptions.
public enum StoreConflict: Error, Sendable, Equatable {
    case alreadyExists
    /// A unique alias (attribute name) is already taken by another user.
    case aliasTaken(String)
    case notFound
}

public protocol PoolStore: Sendable {
    func createPool(_ pool: UserPool, keys: [StoredSigningKey]) async throws
    func pool(id: String) async throws -> UserPool?
    /// Throws `StoreConflict.notFound` when the pool is gone.
    func updatePool(id: String, _ body: @escaping @Sendable (inout UserPool) throws -> Void) async throws -> UserPool
    /// Deletes the pool and everything in it.
    func deletePool(id: String) async throws
    /// Pools ordered by id, starting after `after`.
    func listPools(after: String?, limit: Int) async throws -> [UserPool]
    func userCount(poolId: String) async throws -> Int
    /// The pool's keys ordered by kid (what a node re-reads to see a rotation).
    func signingKeys(poolId: String) async throws -> [StoredSigningKey]
    /// Runs `body` on the pool's keys inside a transaction and stores what it leaves: keys it
    /// added are inserted, changed ones rewritten, removed ones deleted. `body` may run more
    /// than once (a retried transaction), so it only rearranges what it is given. Throws
    /// `StoreConflict.notFound` when the pool is gone.
    func updateSigningKeys(poolId: String, _ body: @escaping @Sendable (inout [StoredSigningKey]) throws -> Void) async throws -> [StoredSigningKey]
}

public protocol ClientStore: Sendable {
    func createClient(_ client: AppClient) async throws
    func client(id: String) async throws -> AppClient?
    func updateClient(id: String, _ body: @escaping @Sendable (inout AppClient) throws -> Void) async throws -> AppClient
    func deleteClient(id: String) async throws
    /// Clients of a pool ordered by id, starting after `after`.
    func listClients(poolId: String, after: String?, limit: Int) async throws -> [AppClient]
}

public protocol UserStore: Sendable {
    /// A new user, with the code and the outbox rows of the messages its creation sends, in one
    /// transaction: all of them are written or none is. Throws `StoreConflict.alreadyExists`
    /// for a taken username key, `.aliasTaken` for a taken alias.
    func createUser(_ user: User, code: VerificationCode?, messages: [OutboxEntry]) async throws
    func user(poolId: String, usernameKey: String) async throws -> User?
    func user(poolId: String, aliasAttribute: String, value: String) async throws -> User?
    /// Runs `body` on the current user inside a transaction and saves the result (with its index).
    func updateUser(poolId: String, username: String, _ body: @escaping @Sendable (inout User) throws -> Void) async throws -> User
    /// Deletes the user with its codes, group memberships and refresh tokens.
    func deleteUser(poolId: String, username: String) async throws
    /// Users whose search key `attribute` equals `value` (or starts with it when `prefix`), ordered
    /// by (value, username), after the cursor: each with its `listingJSON()` as of its last write.
    func searchUsers(poolId: String, attribute: String, value: String, prefix: Bool, after: SearchCursor?, limit: Int) async throws -> [ListedUser]
}

extension UserStore {
    public func createUser(_ user: User) async throws {
        try await createUser(user, code: nil, messages: [])
    }
}

/// Where a ListUsers page ended.
public struct SearchCursor: Codable, Sendable, Equatable {
    public var value: String
    public var username: String
    public init(value: String, username: String) {
        self.value = value
        self.username = username
    }
}

public protocol GroupStore: Sendable {
    func createGroup(_ group: GroupType) async throws
    func group(poolId: String, name: String) async throws -> GroupType?
    func updateGroup(poolId: String, name: String, _ body: @escaping @Sendable (inout GroupType) throws -> Void) async throws -> GroupType
    func deleteGroup(poolId: String, name: String) async throws
    func listGroups(poolId: String, after: String?, limit: Int) async throws -> [GroupType]
    func addMember(poolId: String, group: String, username: String) async throws
    func removeMember(poolId: String, group: String, username: String) async throws
    func groups(poolId: String, username: String) async throws -> [GroupType]
    /// Members' usernames ordered by username, after `after`.
    func members(poolId: String, group: String, after: String?, limit: Int) async throws -> [String]
}

public protocol CodeStore: Sendable {
    /// Stores the code, replacing any earlier one for the same user and purpose.
    func putCode(_ code: VerificationCode) async throws
    func code(poolId: String, username: String, purpose: CodePurpose) async throws -> VerificationCode?
    /// Counts one attempt at the code and returns the code as it was before it, in one write;
    /// nil (and nothing counted) when there is none. Attempts are counted before the code is
    /// compared, so guesses sent in parallel cannot all get past the attempt limit.
    func attemptCode(poolId: String, username: String, purpose: CodePurpose) async throws -> VerificationCode?
    /// True when there was a code to delete (a code is spent by whoever deletes it).
    @discardableResult
    func deleteCode(poolId: String, username: String, purpose: CodePurpose) async throws -> Bool
}

public protocol TokenStore: Sendable {
    func putRefreshToken(_ record: RefreshTokenRecord) async throws
    /// Spends the once-marker `spending` (as `OnceStore.consumeOnce` would) and stores the family
    /// in the same commit: false, with nothing stored, when the marker was spent before. A
    /// sign-in that answers a challenge pays for one durable write instead of two.
    func putRefreshToken(_ record: RefreshTokenRecord, spending marker: OnceMarker) async throws -> Bool
    /// As `putRefreshToken(_:spending:)` (nil: nothing to spend), with the sign-in's last step
    /// recorded in its event (`AuthEventStore.recordAuthEventStep`) in the same commit.
    func putRefreshToken(_ record: RefreshTokenRecord, spending marker: OnceMarker?, recording step: AuthEventStep) async throws -> Bool
    func refreshToken(hash: [UInt8]) async throws -> RefreshTokenRecord?
    func refreshFamily(originJti: String) async throws -> RefreshTokenRecord?
    /// Whether a family is revoked (nil when there is none): what every access-token check asks.
    func familyRevoked(originJti: String) async throws -> Bool?
    func revokeFamily(originJti: String) async throws
    func revokeAll(poolId: String, username: String) async throws
}

extension TokenStore {
    public func familyRevoked(originJti: String) async throws -> Bool? {
        try await refreshFamily(originJti: originJti)?.revoked
    }
}

/// Small deployment-wide values (e.g. the sealed session key every node shares).
public protocol SettingsStore: Sendable {
    /// Stores `value` under `key` unless one is there; returns the value that is stored.
    func setting(_ key: String, orInsert value: [UInt8]) async throws -> [UInt8]
    /// Whether the database answers now (what /health reports).
    func ping() async -> Bool
}

extension SettingsStore {
    /// A store in this process's memory always answers.
    public func ping() async -> Bool { true }
}

public typealias CognateStorage = PoolStore & ClientStore & UserStore & GroupStore & CodeStore & TokenStore & SettingsStore & OnceStore & LockoutStore
    & DomainStore & ResourceServerStore & UICustomizationStore & AuthorizationCodeStore & HostedSessionStore & DeviceStore & AuthEventStore

/// A one-time marker: a spent challenge's id, kept until its challenge expires.
public struct OnceMarker: Sendable, Hashable {
    public var id: [UInt8]
    public var expiresAt: Double
    public init(id: [UInt8], expiresAt: Double) {
        self.id = id
        self.expiresAt = expiresAt
    }
}

/// A user's failed sign-ins since the last successful one (lockout, contract §7).
public struct SignInFailures: Sendable, Equatable {
    public var count: Int
    /// When the last one happened (epoch seconds).
    public var lastAt: Double
    public init(count: Int, lastAt: Double) {
        self.count = count
        self.lastAt = lastAt
    }
}

/// Failed sign-ins by user, shared by all nodes so that a lockout holds wherever the next try lands.
public protocol LockoutStore: Sendable {
    func signInFailures(poolId: String, username: String) async throws -> SignInFailures?
    /// Counts one failure at `at` (from one again when the last was before `resetBefore`) in one
    /// write, and returns the count with it.
    func recordSignInFailure(poolId: String, username: String, at: Double, resetBefore: Double) async throws -> SignInFailures
    func clearSignInFailures(poolId: String, username: String) async throws
}

/// One-time markers shared by all nodes (spent challenges).
public protocol OnceStore: Sendable {
    /// True the first time `id` is presented; false after. Entries may be forgotten after `expiresAt`.
    func consumeOnce(id: [UInt8], expiresAt: Double) async throws -> Bool
    /// Whether `id` was presented already (a read: nothing is spent).
    func isConsumed(id: [UInt8]) async throws -> Bool
}

public protocol DomainStore: Sendable {
    /// Throws `StoreConflict.alreadyExists` when the domain is taken (by any pool).
    func createDomain(_ domain: PoolDomain) async throws
    func domain(_ name: String) async throws -> PoolDomain?
    func domains(poolId: String) async throws -> [PoolDomain]
    func updateDomain(_ name: String, _ body: @escaping @Sendable (inout PoolDomain) throws -> Void) async throws -> PoolDomain
    func deleteDomain(_ name: String) async throws
}

public protocol ResourceServerStore: Sendable {
    /// Throws `StoreConflict.alreadyExists` for an identifier the pool already has.
    func createResourceServer(_ server: ResourceServerType) async throws
    func resourceServer(poolId: String, identifier: String) async throws -> ResourceServerType?
    func updateResourceServer(poolId: String, identifier: String, _ body: @escaping @Sendable (inout ResourceServerType) throws -> Void) async throws -> ResourceServerType
    func deleteResourceServer(poolId: String, identifier: String) async throws
    /// Ordered by identifier, after `after`.
    func listResourceServers(poolId: String, after: String?, limit: Int) async throws -> [ResourceServerType]
}

public protocol UICustomizationStore: Sendable {
    func putUICustomization(_ value: UICustomization) async throws
    func uiCustomization(poolId: String, clientId: String) async throws -> UICustomization?
}

public protocol AuthorizationCodeStore: Sendable {
    func putAuthorizationCode(_ code: AuthorizationCode) async throws
    func authorizationCode(hash: [UInt8]) async throws -> AuthorizationCode?
    /// Marks the code redeemed by `originJti` and returns it as it was before, in one
    /// transaction: a non-nil `redeemedWith` in the result means the code had been used already,
    /// and the stored code is then marked `replayed`.
    func redeemAuthorizationCode(hash: [UInt8], originJti: String) async throws -> AuthorizationCode?
}

public protocol HostedSessionStore: Sendable {
    func putHostedSession(_ session: HostedSession) async throws
    func hostedSession(idHash: [UInt8]) async throws -> HostedSession?
    func deleteHostedSession(idHash: [UInt8]) async throws
}

/// A user's devices (deleted with the user and with the pool).
public protocol DeviceStore: Sendable {
    func putDevice(_ device: Device) async throws
    func device(poolId: String, username: String, key: String) async throws -> Device?
    /// Throws `StoreConflict.notFound` when there is no such device.
    func updateDevice(poolId: String, username: String, key: String, _ body: @escaping @Sendable (inout Device) throws -> Void) async throws -> Device
    /// True when there was one to delete.
    @discardableResult
    func deleteDevice(poolId: String, username: String, key: String) async throws -> Bool
    /// The user's devices ordered by key, after `after`.
    func devices(poolId: String, username: String, after: String?, limit: Int) async throws -> [Device]
}

/// Users' sign-in history (deleted with the user and with the pool). Each user keeps a bounded
/// number of events for a bounded time; older ones go as new ones are written.
public protocol AuthEventStore: Sendable {
    /// Applies `step` to its event (the step's start when there is none yet) in one transaction.
    func recordAuthEventStep(_ step: AuthEventStep) async throws
    func authEvent(poolId: String, username: String, eventId: String) async throws -> AuthEventRecord?
    /// Throws `StoreConflict.notFound` when there is no such event.
    func updateAuthEvent(
        poolId: String, username: String, eventId: String, _ body: @escaping @Sendable (inout AuthEventRecord) throws -> Void
    ) async throws -> AuthEventRecord
    /// The user's events newest first (by creation, then event id), after `after`.
    func authEvents(poolId: String, username: String, after: AuthEventCursor?, limit: Int) async throws -> [AuthEventRecord]
}
