@testable import CognateCore
import CognitoModel
import Testing

@Suite("ListUsers filter")
struct ListUsersFilterTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var attribute: String
        var value: String
        var prefix: Bool
        var testDescription: String { text }
    }

    static let valid: [Case] = [
        Case(text: #"email = "alice@example.com""#, attribute: "email", value: "alice@example.com", prefix: false),
        Case(text: #"email="alice@example.com""#, attribute: "email", value: "alice@example.com", prefix: false),
        Case(text: #"email ="a""#, attribute: "email", value: "a", prefix: false),
        Case(text: #"email= "a""#, attribute: "email", value: "a", prefix: false),
        Case(text: #"   email   =   "a"   "#, attribute: "email", value: "a", prefix: false),
        Case(text: #"given_name ^= "Al""#, attribute: "given_name", value: "Al", prefix: true),
        Case(text: #"given_name^="Al""#, attribute: "given_name", value: "Al", prefix: true),
        Case(text: #"given_name ^="Al""#, attribute: "given_name", value: "Al", prefix: true),
        Case(text: #"name = "say \"hi\"""#, attribute: "name", value: #"say "hi""#, prefix: false),
        Case(text: #"name = "back\\slash""#, attribute: "name", value: #"back\slash"#, prefix: false),
        Case(text: #"name = "a = \"b\" ^= c""#, attribute: "name", value: #"a = "b" ^= c"#, prefix: false),
        Case(text: #"name = """#, attribute: "name", value: "", prefix: false),
        Case(text: #"username ^= """#, attribute: "username", value: "", prefix: true),
        Case(text: #"name = "  spaced  ""#, attribute: "name", value: "  spaced  ", prefix: false),
        Case(text: #"cognito:user_status = "FORCE_CHANGE_PASSWORD""#, attribute: "cognito:user_status", value: "FORCE_CHANGE_PASSWORD", prefix: false),
        Case(text: #"status = "Enabled""#, attribute: "status", value: "Enabled", prefix: false),
        Case(text: #"phone_number ^= "+1555""#, attribute: "phone_number", value: "+1555", prefix: true),
        Case(text: #"sub = "0f3c2a9e""#, attribute: "sub", value: "0f3c2a9e", prefix: false),
        Case(text: #"name = "名前 😀""#, attribute: "name", value: "名前 😀", prefix: false),
    ]

    @Test("parses", arguments: valid)
    func parses(_ c: Case) throws {
        let filter = try #require(try ListUsersFilter.parse(c.text))
        #expect(filter == ListUsersFilter(attribute: c.attribute, value: c.value, prefix: c.prefix))
    }

    @Test("every searchable attribute is accepted")
    func searchable() throws {
        #expect(ListUsersFilter.searchableAttributes.count == 10)
        for attr in ListUsersFilter.searchableAttributes {
            #expect(try ListUsersFilter.parse("\(attr) = \"x\"")?.attribute == attr)
        }
    }

    @Test("an empty filter is no filter", arguments: ["", " ", "     "])
    func empty(_ text: String) throws {
        #expect(try ListUsersFilter.parse(text) == nil)
    }

    static let malformed = [
        "email", "email ", #"email "a""#, "email = a", #"email = "a"#, #"email = "a" extra"#, #"email = "a""b""#,
        #"email == "a""#, #"email ^ "a""#, #"email ^ = "a""#, #"email =^ "a""#, #"email != "a""#, #"email = 'a'"#,
        #"email = "a\""#, "email =", #"email = "a" and name = "b""#,
    ]

    @Test("bad syntax is refused", arguments: malformed)
    func malformedFilter(_ text: String) {
        #expect(throws: CognitoError(.invalidParameter, "Error while parsing filter.")) { try ListUsersFilter.parse(text) }
    }

    @Test("an unknown attribute is refused by name", arguments: ["x", "custom:tier", "Email", "email_verified", "address", "cognito:mfa_enabled"])
    func unknownAttribute(_ name: String) {
        #expect(throws: CognitoError(.invalidParameter, "Invalid search attribute: \(name)")) {
            try ListUsersFilter.parse("\(name) = \"v\"")
        }
    }

    @Test("the error is InvalidParameterException")
    func errorCode() {
        do {
            _ = try ListUsersFilter.parse("nope")
            Issue.record("no error")
        } catch let error as CognitoError {
            #expect(error.code == .invalidParameter)
            #expect(error.code.name == "InvalidParameterException")
            #expect(error.code.httpStatus == 400)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("indexValue lowercases all but username and status")
    func indexValue() {
        #expect(ListUsersFilter(attribute: "email", value: "Alice@Example.COM", prefix: false).indexValue == "alice@example.com")
        #expect(ListUsersFilter(attribute: "name", value: "ÉLODIE", prefix: true).indexValue == "élodie")
        #expect(ListUsersFilter(attribute: "cognito:user_status", value: "CONFIRMED", prefix: false).indexValue == "confirmed")
        #expect(ListUsersFilter(attribute: "sub", value: "ABC-def", prefix: false).indexValue == "abc-def")
        #expect(ListUsersFilter(attribute: "username", value: "MixedCase", prefix: false).indexValue == "MixedCase")
        #expect(ListUsersFilter(attribute: "status", value: "Enabled", prefix: false).indexValue == "Enabled")
    }
}
