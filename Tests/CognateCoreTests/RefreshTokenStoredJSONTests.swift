import CognateCore
import Foundation
import Testing

/// `RefreshTokenRecord.fromStoredJSON` must read exactly what `JSONDecoder` reads, or decline.
@Suite struct RefreshTokenStoredJSONTests {
    static let records = [
        RefreshTokenRecord(originJti: "7c1e", tokenHash: Array(0...31), poolId: "us-east-1_abc", clientId: "c1", username: "alice",
                           authTime: 1_767_225_600.25, issuedAt: 1_767_225_601, expiresAt: 1_769_817_601, scopes: ["openid", "email"], hosted: true),
        RefreshTokenRecord(originJti: "j", tokenHash: [], poolId: "p", clientId: "c", username: "é\"\\/\n", authTime: 0, issuedAt: -1.5,
                           expiresAt: 1e20, revoked: true, scopes: [], hosted: nil),
        RefreshTokenRecord(originJti: "j2", tokenHash: [255], poolId: "p", clientId: "c", username: "u", authTime: 1e-7, issuedAt: 3,
                           expiresAt: 4, scopes: ["aws.cognito.signin.user.admin"], hosted: false),
        RefreshTokenRecord(originJti: "j3", tokenHash: [1], poolId: "p", clientId: "c", username: "u", authTime: 1, issuedAt: 3,
                           expiresAt: 4, scopes: ["aws.cognito.signin.user.admin"], deviceKey: "us-east-1_0b7c4f2e-1d2a-4c3b-9e8f-7a6b5c4d3e2f"),
    ]

    @Test func readsWhatJSONDecoderReads() throws {
        for record in Self.records {
            let data = try JSONEncoder().encode(record)
            let fast = try #require(RefreshTokenRecord.fromStoredJSON(Array(data)))
            #expect(fast == record)
            #expect(fast == (try JSONDecoder().decode(RefreshTokenRecord.self, from: data)))
        }
    }

    @Test func writesWhatBothReadersRead() throws {
        for record in Self.records {
            let bytes = try #require(record.storedJSON())
            #expect(RefreshTokenRecord.fromStoredJSON(bytes) == record)
            #expect(try JSONDecoder().decode(RefreshTokenRecord.self, from: Data(bytes)) == record)
        }
        var broken = Self.records[0]
        broken.expiresAt = .infinity
        #expect(broken.storedJSON() == nil, "JSON has no infinity: left to JSONEncoder, which refuses it")
    }

    @Test func declinesOtherShapes() throws {
        // Written before bytes were stored as base64: JSONDecoder reads it, the fast path declines.
        let legacy = #"{"originJti":"j","tokenHash":[1,2],"poolId":"p","clientId":"c","username":"u","authTime":1,"issuedAt":1,"expiresAt":2,"revoked":false,"scopes":[]}"#
        #expect(RefreshTokenRecord.fromStoredJSON(Array(legacy.utf8)) == nil)
        #expect(try JSONDecoder().decode(RefreshTokenRecord.self, from: Data(legacy.utf8)).tokenHash == [1, 2])
        let extra = #"{"originJti":"j","tokenHash":"AQI=","poolId":"p","clientId":"c","username":"u","authTime":1,"issuedAt":1,"expiresAt":2,"revoked":false,"scopes":[],"device":1}"#
        #expect(RefreshTokenRecord.fromStoredJSON(Array(extra.utf8)) == nil)
        let missing = #"{"originJti":"j","tokenHash":"AQI=","poolId":"p","clientId":"c","username":"u","authTime":1,"issuedAt":1,"expiresAt":2,"scopes":[]}"#
        #expect(RefreshTokenRecord.fromStoredJSON(Array(missing.utf8)) == nil)
        #expect(RefreshTokenRecord.fromStoredJSON(Array("{}".utf8)) == nil)
    }

    /// Adding a stored property means teaching `fromStoredJSON` about it.
    @Test func knowsEveryStoredProperty() {
        #expect(Mirror(reflecting: Self.records[0]).children.map(\.label) == [
            "originJti", "_tokenHash", "poolId", "clientId", "username", "authTime", "issuedAt", "expiresAt", "revoked", "scopes", "hosted", "deviceKey",
        ])
    }
}
