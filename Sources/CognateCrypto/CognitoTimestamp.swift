import Foundation

// Cognito's TIMESTAMP is Java's `EEE MMM d HH:mm:ss 'UTC' yyyy` in English and UTC, day not
// zero-padded: "Tue Nov 3 09:05:07 UTC 2026". It is built here from the epoch seconds by hand
// because DateFormatter follows the process locale and calendar settings, and AWS rejects
// anything but this exact shape (a padded day or a wrong weekday fails the sign-in).

private let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
private let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
private let secondsPerDay = 86_400

/// Formats `date` (truncated to whole seconds) as Cognito's TIMESTAMP.
public func cognitoTimestamp(_ date: Date) -> String {
    let seconds = Int(date.timeIntervalSince1970.rounded(.down))
    let days = floorDiv(seconds, secondsPerDay)
    let secondOfDay = seconds - days * secondsPerDay
    let (year, month, day) = civilDate(fromDays: days)
    let time = twoDigits(secondOfDay / 3600) + ":" + twoDigits(secondOfDay / 60 % 60) + ":" + twoDigits(secondOfDay % 60)
    var yearText = String(year)
    while yearText.count < 4 { yearText = "0" + yearText }
    return "\(weekdayNames[weekday(ofDays: days)]) \(monthNames[month - 1]) \(day) \(time) UTC \(yearText)"
}

/// Parses a Cognito TIMESTAMP, accepting only the exact format: single spaces, English
/// names, unpadded day, two-digit time fields, four-digit year, and the weekday that date has.
public func parseCognitoTimestamp(_ s: String) -> Date? {
    let fields = s.utf8.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false).map { Array($0) }
    guard fields.count == 6 else { return nil }
    guard let weekdayIndex = weekdayNames.firstIndex(where: { Array($0.utf8) == fields[0] }),
          let monthIndex = monthNames.firstIndex(where: { Array($0.utf8) == fields[1] }),
          fields[4] == Array("UTC".utf8)
    else { return nil }

    let dayField = fields[2]
    guard (1...2).contains(dayField.count), dayField.first != UInt8(ascii: "0"),
          let day = decimal(dayField) else { return nil }

    let timeField = fields[3]
    guard timeField.count == 8, timeField[2] == UInt8(ascii: ":"), timeField[5] == UInt8(ascii: ":"),
          let hour = decimal(timeField[0..<2]), let minute = decimal(timeField[3..<5]),
          let second = decimal(timeField[6..<8]),
          hour < 24, minute < 60, second < 60 else { return nil }

    guard fields[5].count == 4, let year = decimal(fields[5]) else { return nil }

    let month = monthIndex + 1
    guard day <= daysIn(month: month, year: year) else { return nil }
    let days = daysFromCivil(year: year, month: month, day: day)
    guard weekday(ofDays: days) == weekdayIndex else { return nil }
    let seconds = days * secondsPerDay + hour * 3600 + minute * 60 + second
    return Date(timeIntervalSince1970: TimeInterval(seconds))
}

private func twoDigits(_ n: Int) -> String {
    n < 10 ? "0\(n)" : String(n)
}

/// ASCII digits only: Character.isNumber would also accept other scripts' digits.
private func decimal<C: Collection>(_ digits: C) -> Int? where C.Element == UInt8 {
    guard !digits.isEmpty else { return nil }
    var value = 0
    for c in digits {
        guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int(c - UInt8(ascii: "0"))
    }
    return value
}

private func floorDiv(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// 0 = Sunday; 1970-01-01 was a Thursday.
private func weekday(ofDays days: Int) -> Int {
    let w = (days + 4) % 7
    return w < 0 ? w + 7 : w
}

private func isLeap(_ year: Int) -> Bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

private func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

// Proleptic Gregorian conversions (H. Hinnant's days_from_civil / civil_from_days).
private func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

private func civilDate(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (month <= 2 ? yearOfEra + era * 400 + 1 : yearOfEra + era * 400, month, day)
}
