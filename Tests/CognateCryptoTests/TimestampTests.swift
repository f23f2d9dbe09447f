import CognateCrypto
import CognateCore
import Foundation
import Testing

struct TimestampVectorFile: Decodable, Sendable {
    struct Valid: Decodable, Sendable, CustomTestStringConvertible {
        var text: String; var epochSeconds: Int
        var testDescription: String { text }
    }
    struct Invalid: Decodable, Sendable, CustomTestStringConvertible {
        var why: String; var text: String
        var testDescription: String { why }
    }
    var valid: [Valid]
    var invalid: [Invalid]

    static let file = loadVectors("timestamp-vectors", as: TimestampVectorFile.self)
}

@Suite("Cognito TIMESTAMP")
struct TimestampTests {
    @Test("formats", arguments: TimestampVectorFile.file.valid)
    func format(vector: TimestampVectorFile.Valid) {
        #expect(CognitoTimestamp.format(Date(timeIntervalSince1970: TimeInterval(vector.epochSeconds))) == vector.text)
    }

    @Test("parses", arguments: TimestampVectorFile.file.valid)
    func parse(vector: TimestampVectorFile.Valid) {
        #expect(CognitoTimestamp.parse(vector.text) == Date(timeIntervalSince1970: TimeInterval(vector.epochSeconds)))
    }

    @Test("refuses", arguments: TimestampVectorFile.file.invalid)
    func refuse(vector: TimestampVectorFile.Invalid) {
        #expect(CognitoTimestamp.parse(vector.text) == nil)
    }

    @Test("the contract's examples")
    func contractExamples() {
        #expect(CognitoTimestamp.format(Date(timeIntervalSince1970: 1_795_293_903)) == "Sat Nov 21 20:45:03 UTC 2026")
        #expect(CognitoTimestamp.format(Date(timeIntervalSince1970: 1_793_696_707)) == "Tue Nov 3 09:05:07 UTC 2026")
        #expect(CognitoTimestamp.parse("Sat Nov 21 20:45:03 UTC 2026") == Date(timeIntervalSince1970: 1_795_293_903))
        #expect(CognitoTimestamp.parse("Sat Nov 21 20:45:03 UTC 2026").map(CognitoTimestamp.format) == "Sat Nov 21 20:45:03 UTC 2026")
        #expect(CognitoTimestamp.parse("Tue Nov 03 09:05:07 UTC 2026") == nil)
        #expect(CognitoTimestamp.parse("Mon Nov 3 09:05:07 UTC 2026") == nil)
    }

    @Test("fractions of a second are dropped, not rounded")
    func truncation() {
        #expect(CognitoTimestamp.format(Date(timeIntervalSince1970: 1_795_293_903.999)) == "Sat Nov 21 20:45:03 UTC 2026")
    }

    @Test("every day for eight years round-trips")
    func sweep() {
        // 2024-01-01T13:37:42Z, stepping one day at a time across leap years and month ends.
        var seconds = 1_704_116_262
        for _ in 0..<(8 * 366) {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let text = CognitoTimestamp.format(date)
            #expect(CognitoTimestamp.parse(text) == date, "\(text)")
            seconds += 86_400
        }
    }
}
