import CognateHTTP
import Foundation
import HTTPTypes
import Testing

/// Pool domains (and the Host header that picks a pool), UI branding, and the start-up check
/// of the page templates.
@Suite struct DomainAndBrandingTests {
    @Test func domainOperations() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            let other = try await c.oauthPool()
            let created = try await c.ok("CreateUserPoolDomain", ["UserPoolId": app.pool, "Domain": "photos-app"])
            #expect(created["ManagedLoginVersion"] as? Int == 1)
            let pool = try await c.ok("DescribeUserPool", ["UserPoolId": app.pool])
            #expect((pool["UserPool"] as? [String: Any])?["Domain"] as? String == "photos-app")
            let d = try await c.ok("DescribeUserPoolDomain", ["Domain": "photos-app"])
            let desc = try #require(d["DomainDescription"] as? [String: Any])
            #expect(desc["UserPoolId"] as? String == app.pool && desc["Status"] as? String == "ACTIVE" && desc["Domain"] as? String == "photos-app")
            let unknown = try await c.ok("DescribeUserPoolDomain", ["Domain": "nosuch"])
            #expect((unknown["DomainDescription"] as? [String: Any])?.isEmpty == true)

            #expect(try await c.call("CreateUserPoolDomain", ["UserPoolId": other.pool, "Domain": "photos-app"]).errorType == "InvalidParameterException")
            #expect(try await c.call("CreateUserPoolDomain", ["UserPoolId": app.pool, "Domain": "second"]).errorType == "InvalidParameterException")
            #expect(try await c.call("CreateUserPoolDomain", ["UserPoolId": other.pool, "Domain": "my-cognito"]).errorType == "InvalidParameterException")
            #expect(try await c.call("CreateUserPoolDomain", ["UserPoolId": other.pool, "Domain": "-bad"]).errorType == "InvalidParameterException")
            #expect(try await c.call("CreateUserPoolDomain", ["UserPoolId": other.pool, "Domain": "auth.example.com"]).errorType == "InvalidParameterException")
            let custom = try await c.ok("CreateUserPoolDomain", ["UserPoolId": app.pool, "Domain": "login.example.com",
                                                                "CustomDomainConfig": ["CertificateArn": "arn:aws:acm:us-east-1:000000000000:certificate/abc"]])
            #expect(custom["CloudFrontDomain"] as? String == "cognate.test")
            #expect((try await c.ok("DescribeUserPool", ["UserPoolId": app.pool])["UserPool"] as? [String: Any])?["CustomDomain"] as? String == "login.example.com")
            let updated = try await c.ok("UpdateUserPoolDomain", ["UserPoolId": app.pool, "Domain": "photos-app", "ManagedLoginVersion": 2])
            #expect(updated["ManagedLoginVersion"] as? Int == 2)
            #expect(try await c.call("DeleteUserPoolDomain", ["UserPoolId": other.pool, "Domain": "photos-app"]).errorType == "InvalidParameterException")
            _ = try await c.ok("DeleteUserPoolDomain", ["UserPoolId": app.pool, "Domain": "photos-app"])
            #expect(((try await c.ok("DescribeUserPoolDomain", ["Domain": "photos-app"]))["DomainDescription"] as? [String: Any])?.isEmpty == true)
            #expect((try await c.ok("DescribeUserPool", ["UserPoolId": app.pool])["UserPool"] as? [String: Any])?["Domain"] == nil)
        }
    }

    @Test func theHostPicksThePoolAndMustOwnTheClient() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            let other = try await c.oauthPool()
            _ = try await c.ok("CreateUserPoolDomain", ["UserPoolId": app.pool, "Domain": "photos"])
            _ = try await c.ok("CreateUserPoolDomain", ["UserPoolId": app.pool, "Domain": "id.photos.example",
                                                       "CustomDomainConfig": ["CertificateArn": "arn:aws:acm:us-east-1:000000000000:certificate/abc"]])
            for host in ["photos.auth.localhost:9229", "photos.auth.us-east-1.amazoncognito.com", "id.photos.example", "ID.Photos.Example:443"] {
                var b = Browser(c, host: host)
                #expect(try await b.get("/login?" + app.authorizeQuery()).status == .ok, "\(host)")
                let foreign = try await b.get("/login?" + other.authorizeQuery())
                #expect(foreign.status == .notFound && foreign.location == nil, "\(host)")
            }
            var unknown = Browser(c, host: "nosuch.auth.localhost")
            #expect(try await unknown.get("/login?" + app.authorizeQuery()).status == .notFound)
            // The public host serves every pool.
            var plain = Browser(c, host: "cognate.test")
            #expect(try await plain.get("/login?" + other.authorizeQuery()).status == .ok)
        }
    }

    @Test func brandingComesFromThePoolOrTheClient() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D]
            let set = try await c.ok("SetUICustomization", ["UserPoolId": app.pool, "CSS": ".banner-customizable { background: #123456; }",
                                                           "ImageFile": Data(png).base64EncodedString()])
            let ui = try #require(set["UICustomization"] as? [String: Any])
            #expect(ui["ClientId"] as? String == "ALL")
            let imageURL = try #require(ui["ImageUrl"] as? String)
            #expect(imageURL.hasPrefix("http://cognate.test/logo/\(app.pool)/ALL?v="))
            var b = Browser(c)
            let page = try await b.get("/login?" + app.authorizeQuery())
            #expect(page.body.contains(".banner-customizable { background: #123456; }"))
            #expect(page.body.contains("src=\"/logo/\(app.pool)/ALL?v="))
            let logo = try await b.get(String(imageURL.dropFirst("http://cognate.test".count)))
            #expect(logo.status == .ok && logo.headers[.contentType] == "image/png")
            #expect(logo.headers[.init("X-Content-Type-Options")!] == "nosniff")

            // The client's own branding wins over the pool's.
            _ = try await c.ok("SetUICustomization", ["UserPoolId": app.pool, "ClientId": app.client, "CSS": ".submitButton-customizable { background: green; }"])
            let own = try await b.get("/login?" + app.authorizeQuery())
            #expect(own.body.contains("background: green") && !own.body.contains("#123456"))
            let got = try await c.ok("GetUICustomization", ["UserPoolId": app.pool, "ClientId": app.client])
            #expect((got["UICustomization"] as? [String: Any])?["CSS"] as? String == ".submitButton-customizable { background: green; }")
            let pool = try await c.ok("GetUICustomization", ["UserPoolId": app.pool])
            #expect((pool["UICustomization"] as? [String: Any])?["ImageUrl"] != nil)

            #expect(try await c.call("SetUICustomization", ["UserPoolId": app.pool, "CSS": "</style><script>alert(1)</script>"]).errorType == "InvalidParameterException")
            #expect(try await c.call("SetUICustomization", ["UserPoolId": app.pool, "ImageFile": Data("<svg onload=alert(1)>".utf8).base64EncodedString()]).errorType == "InvalidParameterException")
            #expect(try await c.call("SetUICustomization", ["UserPoolId": app.pool, "ClientId": "nosuchclient"]).errorType == "ResourceNotFoundException")
            #expect(try await b.get("/logo/\(app.pool)/nosuch").status == .notFound)
        }
    }

    @Test func aTemplateFolderWithoutEveryTemplateStopsTheServer() async throws {
        let dir = NSTemporaryDirectory() + "cognate-templates-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "{{$body}}{{/body}}".write(toFile: dir + "/layout.mustache", atomically: true, encoding: .utf8)
        try "{{<layout}}{{$body}}<form method=\"post\" action=\"{{action}}\">custom login</form>{{/body}}{{/layout}}".write(toFile: dir + "/login.mustache", atomically: true, encoding: .utf8)
        do {
            _ = try await TestServer.make(uiTemplates: dir)
            Issue.record("the server started without all templates")
        } catch let e as PageTemplateError {
            #expect(e.description.contains("signup.mustache"))
            #expect(!e.description.contains("login.mustache"))
        }
        // With every template present, the folder's are the ones served.
        for name in ["signup", "confirm", "forgot-password", "reset-password", "new-password", "message", "error", "mfa-code", "mfa-select", "mfa-setup"] {
            try "{{heading}}".write(toFile: dir + "/\(name).mustache", atomically: true, encoding: .utf8)
        }
        try await TestServer.make(uiTemplates: dir).run { c in
            let app = try await c.oauthPool()
            var b = Browser(c)
            #expect(try await b.get("/login?" + app.authorizeQuery()).body.contains("custom login"))
        }
    }
}
