@testable import CognateHTTP
import CognateCore
import CognitoModel
import Foundation
import HTTPTypes
import NIOCore
import Testing

@Suite("Forms and OAuth refusals")
struct FormEncodingTests {
    @Test("a % without two hex digits after it is kept with what follows, as browsers read it")
    func percentDecoding() {
        #expect(FormEncoding.decode("state=100%off&a=%41%4a%4A+b") == ["state": "100%off", "a": "AJJ b"])
        #expect(FormEncoding.percentDecode("%") == "%")
        #expect(FormEncoding.percentDecode("%4") == "%4")
        #expect(FormEncoding.percentDecode("a%zz%41") == "a%zzA")
        #expect(FormEncoding.percentDecode("%%41") == "%A")
        #expect(FormEncoding.percentDecode("%E2%82%AC") == "€")
        // Whatever the text, encoding then decoding gives it back.
        for text in ["100%off", "a b+c", "%%", "€ & = ?", "%4g%"] {
            #expect(FormEncoding.percentDecode(Substring(FormEncoding.percentEncode(text))) == text)
        }
    }

    @Test("a trigger's refusal or failure at the token endpoint is invalid_request (contract §6), not server_error")
    func triggerErrors() {
        for code in [CognitoErrorCode.userLambdaValidation, .unexpectedLambda, .invalidLambdaResponse] {
            let (error, status) = OAuthError.tokenCode(CognitoError(code, "PreTokenGeneration failed with error no."))
            #expect(error == "invalid_request" && status == .badRequest, "\(code)")
        }
        #expect(OAuthError.tokenCode(CognitoError(.internalError, "x")).error == "server_error")
    }

    @Test("a token request larger than the limit is an OAuth invalid_request, not a server error")
    func oversizedTokenRequest() async throws {
        try await TestServer.make().run { c in
            let app = try await c.oauthPool()
            let body = "grant_type=authorization_code&code=" + String(repeating: "x", count: 2 << 20)
            let r = try await c.client.execute(
                uri: "/oauth2/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .authorization: app.basic],
                body: ByteBuffer(string: body)
            ) { r in WebReply(status: r.status, headers: r.headers, body: String(buffer: r.body)) }
            #expect(r.status == .badRequest)
            #expect(r.json["error"] as? String == "invalid_request")
        }
    }

    @Test("the error page does not show words the link brings (anyone can send such a link)")
    func errorPageIgnoresTheLinksWords() async throws {
        try await TestServer.make().run { c in
            var b = Browser(c)
            let page = try await b.get("/error?error=invalid_request&error_description=Your+account+is+locked%2C+call+555-0100")
            #expect(!page.body.contains("555-0100"))
            #expect(page.body.contains("The request could not be completed."))
        }
    }

}
