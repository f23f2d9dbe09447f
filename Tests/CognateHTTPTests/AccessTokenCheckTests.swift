import CognateCore
import Foundation
import Synchronization
import Testing

/// Counts signatures and their verifications, so a test can see which calls really sign or verify.
final class CountingSigner: TokenSigning {
    let inner: any TokenSigning
    let verifications = Atomic<Int>(0)
    let signatures = Atomic<Int>(0)
    init(_ inner: any TokenSigning) { self.inner = inner }
    func generateKey() throws -> GeneratedSigningKey { try inner.generateKey() }
    func sign(_ message: [UInt8], kid: String, privateKeyDER: [UInt8]) throws -> [UInt8] {
        signatures.add(1, ordering: .relaxed)
        return try inner.sign(message, kid: kid, privateKeyDER: privateKeyDER)
    }
    func verify(_ signature: [UInt8], message: [UInt8], key: PublicJWK) -> Bool {
        verifications.add(1, ordering: .relaxed)
        return inner.verify(signature, message: message, key: key)
    }
}

@Suite("Access-token checks")
struct AccessTokenCheckTests {
    /// A token's signature is verified once per process; the checks that can change between
    /// calls (expiry, revocation, the user, the pool) still run on every call.
    @Test func aSignatureIsVerifiedOnceAndEverythingElseOnEveryCall() async throws {
        let clock = ManualClock()
        let signer = Mutex<CountingSigner?>(nil)
        let server = try await TestServer.make(clock: clock, signing: { inner in
            let s = CountingSigner(inner)
            signer.withLock { $0 = s }
            return s
        })
        let counter = try #require(signer.withLock { $0 })
        try await server.run { c in
            let (pool, client, _) = try await c.poolAndClient()
            try await c.user(pool, "erin")
            func signIn() async throws -> String { try await c.accessToken(client, "erin") }
            let access = try await signIn()
            let before = counter.verifications.load(ordering: .relaxed)
            for _ in 0..<3 {
                #expect((try await c.ok("GetUser", ["AccessToken": access]))["Username"] as? String == "erin")
            }
            #expect(counter.verifications.load(ordering: .relaxed) == before + 1)

            // Other bytes are verified on their own: a changed signature or a changed payload fails.
            let parts = access.split(separator: ".").map(String.init)
            let sig = parts[2]
            // (A character in the middle: the last one's low bits are padding, which base64url ignores.)
            var sigChars = Array(sig)
            sigChars[10] = sigChars[10] == "A" ? "B" : "A"
            let flipped = parts[0] + "." + parts[1] + "." + String(sigChars)
            var payload = decodeJWT(access)
            payload["username"] = "mallory"
            let forgedPayload = Data(try JSONSerialization.data(withJSONObject: payload)).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            for forged in [flipped, parts[0] + "." + forgedPayload + "." + sig] {
                let r = try await c.call("GetUser", ["AccessToken": forged])
                #expect(r.errorType == "NotAuthorizedException")
                #expect(r.message == "Invalid Access Token")
            }

            // Disabling the user revokes the tokens (as Cognito does); so does signing out.
            _ = try await c.ok("AdminDisableUser", ["UserPoolId": pool, "Username": "erin"])
            #expect(try await c.call("GetUser", ["AccessToken": access]).message == "Access Token has been revoked")
            _ = try await c.ok("AdminEnableUser", ["UserPoolId": pool, "Username": "erin"])
            let second = try await signIn()
            #expect(try await c.call("GetUser", ["AccessToken": second]).status == .ok)
            _ = try await c.ok("GlobalSignOut", ["AccessToken": second])
            #expect(try await c.call("GetUser", ["AccessToken": second]).message == "Access Token has been revoked")

            // A user deleted and created again under the same name is another user (another sub).
            let third = try await signIn()
            #expect(try await c.call("GetUser", ["AccessToken": third]).status == .ok)
            _ = try await c.ok("AdminDeleteUser", ["UserPoolId": pool, "Username": "erin"])
            try await c.user(pool, "erin")
            #expect(try await c.call("GetUser", ["AccessToken": third]).errorType != nil)

            let fresh = try await signIn()
            #expect(try await c.call("GetUser", ["AccessToken": fresh]).status == .ok)
            clock.advance(3601)
            #expect(try await c.call("GetUser", ["AccessToken": fresh]).message == "Access Token has expired")
            clock.advance(-3601)
            #expect(try await c.call("GetUser", ["AccessToken": fresh]).status == .ok)

            _ = try await c.ok("DeleteUserPool", ["UserPoolId": pool])
            let gone = try await c.call("GetUser", ["AccessToken": fresh])
            #expect(gone.errorType == "NotAuthorizedException")
            #expect(gone.message == "Invalid Access Token")
        }
    }

    /// The client's attribute permissions govern what its tokens may change: once the client is
    /// deleted, its tokens change nothing (rather than everything).
    @Test func aDeletedClientsTokenChangesNothing() async throws {
        try await TestServer.make().run { c in
            let (pool, client, _) = try await c.poolAndClient(client: ["WriteAttributes": ["name"]])
            try await c.user(pool, "ned")
            let access = try await c.accessToken(client, "ned")
            _ = try await c.ok("UpdateUserAttributes", ["AccessToken": access, "UserAttributes": [["Name": "name", "Value": "Ned"]]])
            let notAllowed = try await c.call("UpdateUserAttributes", ["AccessToken": access, "UserAttributes": [["Name": "family_name", "Value": "X"]]])
            #expect(notAllowed.errorType == "NotAuthorizedException")
            _ = try await c.ok("DeleteUserPoolClient", ["UserPoolId": pool, "ClientId": client])
            for (op, body) in [
                ("UpdateUserAttributes", ["AccessToken": access, "UserAttributes": [["Name": "family_name", "Value": "X"]]] as [String: Any]),
                ("DeleteUserAttributes", ["AccessToken": access, "UserAttributeNames": ["name"]]),
            ] {
                let refused = try await c.call(op, body)
                #expect(refused.errorType == "NotAuthorizedException" && refused.message == "Invalid Access Token", "\(op)")
            }
            let u = try await c.ok("AdminGetUser", ["UserPoolId": pool, "Username": "ned"])
            let attrs = (u["UserAttributes"] as? [[String: String]]) ?? []
            #expect(attrs.contains { $0["Name"] == "name" && $0["Value"] == "Ned" })
            #expect(!attrs.contains { $0["Name"] == "family_name" })
        }
    }

}
