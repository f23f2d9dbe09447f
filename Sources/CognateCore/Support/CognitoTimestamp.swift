import Foundation

/// The SRP TIMESTAMP format: `EEE MMM d HH:mm:ss 'UTC' yyyy` in English, day not zero-padded
/// (`Tue Nov 3 09:05:07 UTC 2026`). Computed from epoch seconds so no locale can change it.
public enum CognitoTimestamp {
    static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func format(_ date: Date) -> String {
        let secs = Int(floor(date.timeIntervalSince1970))
        let days = Int(floor(Double(secs) / 86400))
        let rem = secs - days * 86400
        let (y, m, d) = civil(fromDays: days)
        let wd = ((days % 7) + 11) % 7  // 1970-01-01 was a Thursday
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekdays[wd]) \(months[m - 1]) \(d) \(two(rem / 3600)):\(two(rem % 3600 / 60)):\(two(rem % 60)) UTC \(y)"
    }

    /// How a TIMESTAMP reads: a date; in the format but with a zero-padded day or a weekday that
    /// does not match the date (AWS answers those "Incorrect username or password."); or not in
    /// the format at all (AWS answers InvalidParameterException).
    public enum Reading: Equatable, Sendable {
        case date(Date)
        case refused
        case malformed
    }

    /// Nil unless `text` is exactly in the format, with a weekday that matches the date.
    public static func parse(_ text: String) -> Date? {
        if case .date(let d) = read(text) { return d }
        return nil
    }

    public static func read(_ text: String) -> Reading {
        let parts = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        // Int(_:) would take a sign; only plain digits belong in these fields.
        let digits = { (s: String) in !s.isEmpty && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        guard parts.count == 6, digits(parts[2]), digits(parts[5]), parts[4] == "UTC",
              let wd = weekdays.firstIndex(of: parts[0]), let month = months.firstIndex(of: parts[1]),
              parts[2].count <= 2, let day = Int(parts[2]), (1...31).contains(day),
              let year = Int(parts[5]), parts[5].count == 4
        else { return .malformed }
        let hms = parts[3].split(separator: ":").map(String.init)
        guard hms.count == 3, hms.allSatisfy({ $0.count == 2 && digits($0) }),
              let h = Int(hms[0]), let mi = Int(hms[1]), let s = Int(hms[2]), h < 24, mi < 60, s < 60
        else { return .malformed }
        let days = daysFromCivil(year, month + 1, day)
        guard civil(fromDays: days) == (year, month + 1, day) else { return .malformed }
        guard !parts[2].hasPrefix("0"), ((days % 7) + 11) % 7 == wd else { return .refused }
        return .date(Date(timeIntervalSince1970: Double(days * 86400 + h * 3600 + mi * 60 + s)))
    }

    // Howard Hinnant's civil-from-days algorithms (proleptic Gregorian).
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
