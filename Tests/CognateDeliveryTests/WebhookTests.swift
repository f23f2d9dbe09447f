import CognateCore
import CognateDelivery
import Foundation
import Testing

@Suite struct WebhookTests {
    @Test func arnsResolveByArnThenFunctionName() {
        let map = ["arn:aws:lambda:us-east-1:1:function:exact": "http://exact", "named": "http://named"]
        #expect(WebhookTriggers.resolve("https://direct.example/x", map: map) == "https://direct.example/x")
        #expect(WebhookTriggers.resolve("arn:aws:lambda:us-east-1:1:function:exact", map: map) == "http://exact")
        #expect(WebhookTriggers.resolve("arn:aws:lambda:eu-west-1:2:function:named:prod", map: map) == "http://named")
        #expect(WebhookTriggers.resolve("arn:aws:lambda:eu-west-1:2:function:unknown", map: map) == nil)
    }

    @Test func unreachableReceiversAreUnexpectedLambdaErrors() async throws {
        struct Digest: Digests {
            func sha256(_ data: [UInt8]) -> [UInt8] { [] }
            func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] { [1, 2] }
        }
        let triggers = WebhookTriggers(signer: WebhookSigner(key: [1], digests: Digest()), map: [:], timeout: 2, time: FakeTime())
        await #expect(throws: CognitoError.lambdaUnreachable(.preSignUp, reason: "ResourceNotFoundException")) {
            _ = try await triggers.invoke(.preSignUp, target: "arn:aws:lambda:us-east-1:1:function:nope", event: .object([:]))
        }
        // Port 9 on loopback: nothing listens (connection refused).
        let error = await #expect(throws: CognitoError.self) {
            _ = try await triggers.invoke(.postConfirmation, target: "http://127.0.0.1:9/hook", event: .object([:]))
        }
        #expect(error?.code == .unexpectedLambda)
        #expect(error?.message.hasPrefix("PostConfirmation invocation failed due to error ") == true)
    }

    @Test func signatureCoversTimestampAndBody() {
        struct Concat: Digests {
            func sha256(_ data: [UInt8]) -> [UInt8] { [] }
            func hmacSHA256(key: [UInt8], data: [UInt8]) -> [UInt8] { key + data }
        }
        let s = WebhookSigner(key: [0xAA], digests: Concat()).signature(body: Array("{}".utf8), timestamp: 17)
        #expect(s == "t=17,v1=" + Hex.encode([0xAA] + Array("17.{}".utf8)))
    }

    @Test func mimeMessage() {
        let m = MIMEMessage(
            from: "Course <course@example.org>", to: "a@example.com", replyTo: "help@example.org", subject: "Dein Code ✓\r\nBcc: x@evil",
            html: String(repeating: "<p>Hello</p>", count: 20), date: Date(timeIntervalSince1970: 0), messageID: "id1@cognate"
        )
        let text = m.text
        let head = text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(head.contains("From: Course <course@example.org>"))
        #expect(head.contains("Reply-To: help@example.org"))
        #expect(head.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        #expect(head.contains("Content-Transfer-Encoding: base64"))
        #expect(!head.contains { $0.hasPrefix("Bcc:") }, "no header injection")
        let subject = head.first { $0.hasPrefix("Subject: ") }!
        #expect(subject.hasPrefix("Subject: =?UTF-8?B?"))
        let body = text.components(separatedBy: "\r\n\r\n")[1]
        #expect(body.components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
        #expect(String(data: Data(base64Encoded: body.replacingOccurrences(of: "\r\n", with: ""))!, encoding: .utf8) == m.html)
        #expect(MIMEMessage.address("Course <course@example.org>") == "course@example.org")
        #expect(MIMEMessage.address("plain@example.org") == "plain@example.org")
    }
}
