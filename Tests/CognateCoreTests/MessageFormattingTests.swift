@testable import CognateCore
import Testing

@Suite("Code delivery formatting")
struct MessageFormattingTests {
    @Test("emails are masked as Cognito masks them", arguments: [
        ("alice@example.com", "a***@e***.com"),
        ("Bob.Smith+tag@mail.example.co.uk", "B***@m***.uk"),
        ("x@y.z", "x***@y***.z"),
        ("root@localhost", "r***@l***"),
        ("not-an-address", "***"),
        ("a@b@c.com", "a***@b***.com"),
    ])
    func maskEmail(_ destination: String, _ masked: String) {
        #expect(Cognate.mask(destination, medium: "EMAIL") == masked)
    }

    @Test("phone numbers keep the plus and the last four digits", arguments: [
        ("+15555554444", "+*******4444"),
        ("+447700900123", "+********0123"),
        ("+1234", "+1234"),
    ])
    func maskPhone(_ destination: String, _ masked: String) {
        #expect(Cognate.mask(destination, medium: "SMS") == masked)
    }

    @Test("a link marker becomes an anchor around its text")
    func replaceLink() {
        let link = "https://auth.example.com/confirmUser?client_id=c&user_name=u&confirmation_code=123456"
        #expect(Cognate.replaceLink("Please click {##Verify Email##} now.", link: link)
            == "Please click <a href=\"\(link)\">Verify Email</a> now.")
        #expect(Cognate.replaceLink("{##Go##}", link: "L") == "<a href=\"L\">Go</a>")
        #expect(Cognate.replaceLink("{####}", link: "L") == "<a href=\"L\"></a>")
        // Only the first marker is replaced.
        #expect(Cognate.replaceLink("{##a##} and {##b##}", link: "L") == "<a href=\"L\">a</a> and {##b##}")
    }

    @Test("without a complete marker the link is appended")
    func replaceLinkMissing() {
        #expect(Cognate.replaceLink("Verify your email.", link: "L") == "Verify your email. L")
        #expect(Cognate.replaceLink("Half {##open marker", link: "L") == "Half {##open marker L")
        #expect(Cognate.replaceLink("Backwards ##} then {##", link: "L") == "Backwards ##} then {## L")
        // The default code message has a code marker, not a link marker.
        #expect(Cognate.replaceLink("Your code is {####}.", link: "L") == "Your code is <a href=\"L\"></a>.")
    }
}
