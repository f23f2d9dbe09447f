@testable import CognateCore
import Testing

@Suite("Sign-in events")
struct AuthEventCoreTests {
    @Test("DeviceName from a User-Agent: browser and major version, then the system", arguments: [
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome 126, Windows 10"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87", "Edge 126, Windows 10"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox 128, Linux"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari 17, Mac OS X"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari 17, iOS"),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36", "Chrome 126, Android 14"),
        ("Boto3/1.44.5 md/Botocore#1.44.5 ua/2.1 os/linux#6.8.0 md/arch#x86_64 lang/python#3.11.7 cfg/retry-mode#legacy Botocore/1.44.5", "Boto3 1, Linux"),
        ("aws-cli/2.17.0 md/awscrt#0.20.11 ua/2.0 os/macos#23.5.0 md/arch#arm64 lang/python#3.11.8", "aws-cli 2, Mac OS X"),
        ("curl/8.5.0", "curl 8, Other"),
    ])
    func deviceName(_ userAgent: String, _ expected: String) {
        #expect(DeviceName.from(userAgent: userAgent) == expected)
    }

    @Test func noUserAgentNoDeviceName() {
        #expect(DeviceName.from(userAgent: nil) == nil)
        #expect(DeviceName.from(userAgent: "  ") == nil)
    }

    @Test("a step appends its challenge to the stored event and sets the outcome; the start is used only for a new event")
    func stepApplies() {
        let start = AuthEventRecord(poolId: "p", username: "u", eventId: "e", createdAt: 10, ipAddress: "192.0.2.1")
        let password = AuthEventStep(start: start, challenge: .password(true), response: "InProgress")
        let first = password.applied(to: nil)
        #expect(first.challenges == [.password(true)] && first.response == "InProgress" && first.createdAt == 10)
        var later = start
        later.createdAt = 99
        let code = AuthEventStep(start: later, challenge: .mfa(true), response: "Pass").applied(to: first)
        #expect(code.challenges == [.password(true), .mfa(true)] && code.response == "Pass" && code.createdAt == 10)
    }
}
