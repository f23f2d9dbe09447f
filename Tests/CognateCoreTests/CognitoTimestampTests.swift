import CognateCore
import Foundation
import Testing

@Suite("CognitoTimestamp")
struct CognitoTimestampTests {
    static let known: [(epoch: Double, text: String)] = [
        (1_793_696_707, "Tue Nov 3 09:05:07 UTC 2026"),
        (1_795_293_903, "Sat Nov 21 20:45:03 UTC 2026"),
        (0, "Thu Jan 1 00:00:00 UTC 1970"),
        (-1, "Wed Dec 31 23:59:59 UTC 1969"),
        (-14_182_940, "Sun Jul 20 20:17:40 UTC 1969"),
        (951_782_400, "Tue Feb 29 00:00:00 UTC 2000"),
        (1_709_164_800, "Thu Feb 29 00:00:00 UTC 2024"),
        (1_709_251_199, "Thu Feb 29 23:59:59 UTC 2024"),
        (1_709_251_200, "Fri Mar 1 00:00:00 UTC 2024"),
        (4_107_542_400, "Mon Mar 1 00:00:00 UTC 2100"),
        (1_735_689_599, "Tue Dec 31 23:59:59 UTC 2024"),
        (1_735_689_600, "Wed Jan 1 00:00:00 UTC 2025"),
    ]

    @Test("formats known instants")
    func formatKnown() {
        for (epoch, text) in Self.known {
            #expect(CognitoTimestamp.format(Date(timeIntervalSince1970: epoch)) == text)
        }
    }

    @Test("parses known instants")
    func parseKnown() {
        for (epoch, text) in Self.known {
            #expect(CognitoTimestamp.parse(text) == Date(timeIntervalSince1970: epoch), "\(text)")
        }
    }

    @Test("fractions of a second are dropped")
    func fractions() {
        #expect(CognitoTimestamp.format(Date(timeIntervalSince1970: 1_793_696_707.999)) == "Tue Nov 3 09:05:07 UTC 2026")
        #expect(CognitoTimestamp.format(Date(timeIntervalSince1970: -0.5)) == "Wed Dec 31 23:59:59 UTC 1969")
    }

    static let refused = [
        "Tue Nov 03 09:05:07 UTC 2026",   // zero-padded day
        "Wed Nov 3 09:05:07 UTC 2026",    // wrong weekday
        "Tue Nov  3 09:05:07 UTC 2026",   // two spaces
        "Tue Nov 3 9:05:07 UTC 2026",     // unpadded hour
        "Tue Nov 3 09:05 UTC 2026",       // no seconds
        "Tue Nov 3 24:00:00 UTC 2026",
        "Tue Nov 3 09:60:07 UTC 2026",
        "Tue Nov 3 09:05:60 UTC 2026",
        "Tue Nov 3 09:05:07 GMT 2026",
        "Tue Nov 3 09:05:07 utc 2026",
        "tue Nov 3 09:05:07 UTC 2026",
        "Tue nov 3 09:05:07 UTC 2026",
        "Tuesday Nov 3 09:05:07 UTC 2026",
        "Tue November 3 09:05:07 UTC 2026",
        "Tue Nov 3 09:05:07 UTC 26",
        "Tue Nov 3 09:05:07 UTC 02026",
        "Tue Nov 3 09:05:07 UTC 2026 ",
        " Tue Nov 3 09:05:07 UTC 2026",
        "Tue Nov 3 09:05:07 2026",
        "Tue Nov 0 09:05:07 UTC 2026",
        "Tue Nov 32 09:05:07 UTC 2026",
        "Tue Nov 31 09:05:07 UTC 2026",   // November has 30 days
        "Wed Feb 29 00:00:00 UTC 2023",   // not a leap year
        "Thu Feb 29 00:00:00 UTC 1900",   // centuries are not leap years...
        "Thu Feb 30 00:00:00 UTC 2024",
        "Tue Nov 3 09:05:07 UTC 2026\n",
        "",
    ]

    @Test("refuses anything not exactly in the format", arguments: refused)
    func refuses(_ text: String) {
        #expect(CognitoTimestamp.parse(text) == nil)
    }

    @Test("a zero-padded day and a wrong weekday read as refused (AWS: incorrect credentials); the rest as malformed")
    func readings() {
        #expect(CognitoTimestamp.read("Tue Nov 03 09:05:07 UTC 2026") == .refused)
        #expect(CognitoTimestamp.read("Wed Nov 3 09:05:07 UTC 2026") == .refused)
        #expect(CognitoTimestamp.read("Wed Nov 03 09:05:07 UTC 2026") == .refused)
        #expect(CognitoTimestamp.read("Tue Nov 3 09:05:07 UTC 2026") == .date(Date(timeIntervalSince1970: 1_793_696_707)))
        for text in Self.refused.dropFirst(2) {
            #expect(CognitoTimestamp.read(text) == .malformed, "\(text)")
        }
        #expect(CognitoTimestamp.read("Tue Nov 003 09:05:07 UTC 2026") == .malformed)
    }

    @Test("signed numbers are refused")
    func signedNumbers() {
        for text in ["Tue Nov +3 09:05:07 UTC 2026", "Tue Nov 3 +9:05:07 UTC 2026", "Tue Nov 3 09:+5:07 UTC 2026"] {
            #expect(CognitoTimestamp.parse(text) == nil)
        }
    }

    @Test("...but every fourth century is")
    func leapCenturies() {
        #expect(CognitoTimestamp.parse("Tue Feb 29 12:00:00 UTC 2000") == Date(timeIntervalSince1970: 951_825_600))
        #expect(CognitoTimestamp.parse("Sun Feb 29 00:00:00 UTC 2004") != nil)
        #expect(CognitoTimestamp.parse("Thu Mar 1 00:00:00 UTC 1900") != nil)
    }

    @Test("round-trips and agrees with a POSIX DateFormatter from 1901 to 2199")
    func roundTrip() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .gmt
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.dateFormat = "EEE MMM d HH:mm:ss 'UTC' yyyy"
        var t = -2_174_000_000.0  // 1901
        var count = 0
        while t < 7_258_118_400 {  // 2200
            let date = Date(timeIntervalSince1970: t)
            let text = CognitoTimestamp.format(date)
            #expect(text == formatter.string(from: date))
            #expect(CognitoTimestamp.parse(text) == date, "\(text)")
            t += 3_907_331  // about 45 days and a few hours: walks through every weekday, month and hour
            count += 1
        }
        #expect(count > 2000)
    }

    @Test("every day of a leap year round-trips, each with the next weekday")
    func everyDay() throws {
        let start = 1_704_067_200.0  // Mon Jan 1 2024
        let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        var months: [String: Int] = [:]
        for day in 0..<366 {
            let date = Date(timeIntervalSince1970: start + Double(day * 86400) + 45_296)  // 12:34:56
            let text = CognitoTimestamp.format(date)
            #expect(text.hasPrefix(weekdays[day % 7] + " "))
            #expect(text.contains(" 12:34:56 UTC 2024"))
            #expect(CognitoTimestamp.parse(text) == date)
            months[String(text.split(separator: " ")[1]), default: 0] += 1
        }
        #expect(months == ["Jan": 31, "Feb": 29, "Mar": 31, "Apr": 30, "May": 31, "Jun": 30, "Jul": 31, "Aug": 31, "Sep": 30, "Oct": 31, "Nov": 30, "Dec": 31])
    }
}
