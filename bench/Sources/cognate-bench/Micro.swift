import ArgumentParser
import CognateCore
import CognateCrypto
import CognitoModel
import Foundation

/// In-process timings of the non-crypto work a request does (entity coding, JWT parsing), to see
/// what bounds a scenario besides its floor.
struct MicroCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "micro", abstract: "Time entity coding and JWT parsing in-process.")

    func run() async throws {
        let random = OpenSSLRandom()
        let now = Date().timeIntervalSince1970
        let box = try AESGCMBox(key: random.bytes(count: 32), random: random)
        let sub = UUID().uuidString.lowercased()
        let pool = UserPool(type: UserPoolType(id: "us-east-1_abcdefghi", name: "bench", schemaAttributes: PoolDefaults.standardSchema), region: "us-east-1")
        let user = Cognate.indexed(User(
            poolId: pool.id, username: "user0000001", sub: sub,
            attributes: ["email": "user0000001@example.com", "email_verified": "true"], status: .confirmed, enabled: true,
            createdAt: now, modifiedAt: now,
            password: PasswordRecord(salt: random.bytes(count: 16), sealedVerifier: try box.seal(random.bytes(count: 384), aad: []), setAt: now, expiresAt: nil)
        ), in: pool)
        func time(_ label: String, _ n: Int, _ body: () throws -> Void) rethrows {
            let t = try Floor.time(iterations: n, body)
            print(String(format: "%-36@ %8.2f µs", label, t * 1e6))
        }
        let userJSON = try JSONEncoder().encode(user)
        let poolJSON = try JSONEncoder().encode(pool)
        print("User JSON \(userJSON.count) bytes, UserPool JSON \(poolJSON.count) bytes")
        try time("encode User (JSONEncoder)", 2000) { _ = try JSONEncoder().encode(user) }
        try time("decode User (JSONDecoder)", 2000) { _ = try JSONDecoder().decode(User.self, from: userJSON) }
        time("decode User (User.fromStoredJSON, \\/)", 5000) { _ = User.fromStoredJSON(Array(userJSON)) }
        let unescaped = JSONEncoder()
        unescaped.outputFormatting = .withoutEscapingSlashes
        let storedJSON = try unescaped.encode(user)
        time("decode User (User.fromStoredJSON, /)", 5000) { _ = User.fromStoredJSON(Array(storedJSON)) }
        let family = RefreshTokenRecord(
            originJti: random.uuid(), tokenHash: random.bytes(count: 32), poolId: pool.id, clientId: "4l7tkd2nq5ua1f3ru0jvplo0bu",
            username: "user0000001", authTime: now, issuedAt: now, expiresAt: now + 2_592_000, scopes: ["aws.cognito.signin.user.admin"]
        )
        let familyJSON = try JSONEncoder().encode(family)
        try time("decode refresh family (JSONDecoder)", 5000) { _ = try JSONDecoder().decode(RefreshTokenRecord.self, from: familyJSON) }
        time("decode refresh family (fromStoredJSON)", 5000) { _ = RefreshTokenRecord.fromStoredJSON(Array(familyJSON)) }
        try time("encode UserPool (JSONEncoder)", 1000) { _ = try JSONEncoder().encode(pool) }
        try time("decode UserPool (JSONDecoder)", 1000) { _ = try JSONDecoder().decode(UserPool.self, from: poolJSON) }

        // A token's claims: JSONEncoder (as before) against the direct writer the server uses.
        let claims: [String: JSONValue] = [
            "sub": .string(sub), "iss": .string("http://127.0.0.1:9229/us-east-1_abcdefghi"), "client_id": .string("4l7tkd2nq5ua1f3ru0jvplo0bu"),
            "origin_jti": .string(random.uuid()), "event_id": .string(random.uuid()), "token_use": .string("access"),
            "scope": .string("aws.cognito.signin.user.admin"), "auth_time": .int(1_767_225_600), "iat": .int(1_767_225_600),
            "exp": .int(1_767_229_200), "jti": .string(random.uuid()), "username": .string("user0000001"),
        ]
        let sorted = JSONEncoder()
        sorted.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try time("token claims (JSONEncoder, sorted)", 2000) { _ = try sorted.encode(claims) }
        time("token claims (JSONValue.compactJSON)", 5000) { _ = JSONValue.object(claims).compactJSON() }
        // Request bodies: JSONDecoder into the model's shapes, against parsing alone.
        let getUserBody = Data(#"{"AccessToken":"eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiI1ZjBjIn0.c2lnbmF0dXJl"}"#.utf8)
        let initiateBody = Data(#"{"AuthFlow":"USER_SRP_AUTH","ClientId":"4l7tkd2nq5ua1f3ru0jvplo0bu","AuthParameters":{"USERNAME":"user0000001","SRP_A":"\#(String(repeating: "ab", count: 384))"}}"#.utf8)
        try time("GetUserRequest (JSONDecoder)", 5000) { _ = try JSONDecoder().decode(GetUserRequest.self, from: getUserBody) }
        time("GetUserRequest body (JSONValue.parse)", 5000) { _ = JSONValue.parse(Array(getUserBody)) }
        try time("InitiateAuthRequest (JSONDecoder)", 5000) { _ = try JSONDecoder().decode(InitiateAuthRequest.self, from: initiateBody) }
        time("InitiateAuthRequest body (JSONValue.parse)", 5000) { _ = JSONValue.parse(Array(initiateBody)) }
        var getUser = try JSONDecoder().decode(GetUserRequest.self, from: getUserBody)
        time("GetUserRequest validate", 5000) { getUser = getUser; _ = try? Cognate.validate(getUser) }
        // An access token's check: parse, then verify against the JWK (as GetUser does).
        let signing = OpenSSLTokenSigning(random: random)
        let key = try signing.generateKey()
        let token = try JWT.sign(claims: claims, kid: key.kid, key: key.privateKeyDER, signer: signing)
        time("JWT.parse (access token)", 5000) { _ = JWT.parse(token) }
        let parsed = JWT.parse(token)!
        time("RS256 verify (access token)", 3000) { _ = signing.verify(parsed.signature, message: parsed.signingInput, key: key.publicKey) }
        time("request id (Foundation UUID)", 5000) { _ = UUID().uuidString.lowercased() }
        time("request id (RandomSource.uuid)", 5000) { _ = random.uuid() }
    }
}
