@testable import CognateHTTP
import Foundation
import NIOCore
import Testing

/// The AWS JSON 1.1 envelope: routing, errors and their headers, validation before any change.
@Suite struct WireTests {
    @Test func unknownOperationIsRefusedWithAWSErrorShape() async throws {
        try await TestServer.make().run { c in
            let r = try await c.call("DescribeRiskConfiguration", ["UserPoolId": "eu-west-2_abc"])
            #expect(r.status == .badRequest)
            #expect(r.errorType == "UnknownOperationException")
            #expect(r.headers[.init("x-amzn-ErrorType")!] == "UnknownOperationException:")
            #expect(r.headers[.init("x-amzn-RequestId")!]?.count == 36)
            #expect(r.headers[.contentType] == "application/x-amz-json-1.1")
        }
    }

    @Test func missingTargetIsUnknownOperation() async throws {
        try await TestServer.make().run { c in
            let r = try await c.raw(nil, body: ByteBuffer(string: "{}"))
            #expect(r.errorType == "UnknownOperationException")
        }
    }

    @Test func malformedJSONIsSerializationException() async throws {
        try await TestServer.make().run { c in
            let r = try await c.raw("CreateUserPool", body: ByteBuffer(string: "{\"PoolName\": "))
            #expect(r.status == .badRequest)
            #expect(r.errorType == "SerializationException")
        }
    }

    @Test func wrongJSONTypeIsSerializationException() async throws {
        try await TestServer.make().run { c in
            let r = try await c.call("CreateUserPool", ["PoolName": 12])
            #expect(r.errorType == "SerializationException")
        }
    }

    @Test func wrongContentTypeIsRefused() async throws {
        try await TestServer.make().run { c in
            let r = try await c.call("ListUserPools", ["MaxResults": 10], contentType: "text/plain")
            #expect(r.status == .badRequest)
            #expect(r.errorType == "SerializationException")
        }
    }

    @Test func contentTypesAreMatchedIgnoringParametersCaseAndSpaces() async throws {
        try await TestServer.make().run { c in
            for accepted in ["application/x-amz-json-1.1", "application/x-amz-json-1.0", "application/json", "Application/JSON",
                             " application/x-amz-json-1.1 ; charset=utf-8", "application/json;charset=UTF-8"] {
                let r = try await c.call("ListUserPools", ["MaxResults": 10], contentType: accepted)
                #expect(r.status == .ok, "\(accepted)")
            }
            for refused in ["", ";application/json", "application/json-seq", "text/json", "application/x-amz-json-1.2", "charset=utf-8; application/json"] {
                let r = try await c.call("ListUserPools", ["MaxResults": 10], contentType: refused)
                #expect(r.errorType == "SerializationException", "\(refused)")
            }
        }
    }

    @Test func missingRequiredMemberNamesItsPath() async throws {
        try await TestServer.make().run { c in
            let r = try await c.call("CreateUserPool", [:])
            #expect(r.errorType == "InvalidParameterException")
            #expect(r.message == "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null")
        }
    }

    @Test func modelConstraintsAreCheckedAndNothingChanges() async throws {
        try await TestServer.make().run { c in
            let (pool, _, _) = try await c.poolAndClient()
            let long = String(repeating: "u", count: 129)
            let r = try await c.call("AdminCreateUser", ["UserPoolId": pool, "Username": long])
            #expect(r.errorType == "InvalidParameterException")
            #expect(r.message?.contains("Member must have length less than or equal to 128") == true)
            let bad = try await c.call("ListUsers", ["UserPoolId": pool, "Limit": 61])
            #expect(bad.errorType == "InvalidParameterException")
            let users = try await c.ok("ListUsers", ["UserPoolId": pool])
            #expect((users["Users"] as? [Any])?.isEmpty == true)
            let badPool = try await c.call("DescribeUserPool", ["UserPoolId": "not a pool id"])
            #expect(badPool.errorType == "InvalidParameterException")
            #expect(badPool.message?.contains("regular expression pattern") == true)
        }
    }

    @Test func oversizedBodyIsRefusedBeforeParsing() async throws {
        try await TestServer.make().run { c in
            let big = ByteBuffer(string: "{\"PoolName\":\"" + String(repeating: "a", count: 2 << 20) + "\"}")
            let r = try await c.raw("CreateUserPool", body: big)
            #expect(r.status == .badRequest)
            #expect(r.errorType == "InvalidParameterException")
            #expect(r.message?.contains("larger than") == true)
            let list = try await c.ok("ListUserPools", ["MaxResults": 60])
            #expect((list["UserPools"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func unknownPoolIsResourceNotFound() async throws {
        try await TestServer.make().run { c in
            let r = try await c.call("DescribeUserPool", ["UserPoolId": "eu-west-2_nothere99"])
            #expect(r.errorType == "ResourceNotFoundException")
            #expect(r.message == "User pool eu-west-2_nothere99 does not exist.")
        }
    }

    @Test func poolRegionComesFromTheSignature() async throws {
        try await TestServer.make().run { c in
            let (pool, _, _) = try await c.poolAndClient()
            #expect(pool.hasPrefix("eu-west-2_"))
            #expect(pool.count == "eu-west-2_".count + 9)
        }
    }

    @Test func healthAndCORS() async throws {
        try await TestServer.make().run { c in
            let h = try await c.get("/health")
            #expect(h.status == .ok)
            let r = try await c.call("ListUserPools", ["MaxResults": 1])
            #expect(r.headers[.accessControlAllowOrigin] == "*")
            #expect(r.headers[.accessControlExposeHeaders]?.contains("x-amzn-RequestId") == true)
            #expect(r.headers[.accessControlExposeHeaders]?.contains("x-amzn-ErrorType") == true)
        }
    }

    /// A preflight allows every header asked for (an SDK that adds one keeps working), and only
    /// header names are echoed.
    @Test func preflightsAllowWhatTheyAskFor() {
        let asked = CORS.preflight(requestedHeaders: "Content-Type,X-Amz-Target, x-amz-user-agent,cache-control,amz-sdk-request,x-new-sdk-header")
        let allowed = Set((asked[.accessControlAllowHeaders] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        for h in ["content-type", "x-amz-target", "x-amz-user-agent", "cache-control", "amz-sdk-request", "amz-sdk-invocation-id", "x-new-sdk-header"] {
            #expect(allowed.contains(h), "\(h)")
        }
        let names = (asked[.accessControlAllowHeaders] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(names.count == Set(names).count, "each header once")
        #expect(asked[.accessControlAllowMethods]?.contains("POST") == true)
        let hostile = CORS.preflight(requestedHeaders: "x-a\r\nSet-Cookie: a=b")
        #expect(hostile[.accessControlAllowHeaders] == CORS.knownRequestHeaders)
    }
}
