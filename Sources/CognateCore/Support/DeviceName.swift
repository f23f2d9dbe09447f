import Foundation

/// The DeviceName of a sign-in event, read from the request's User-Agent the way
/// AdminListUserAuthEvents shows it: browser and major version, then the operating system
/// ("Chrome 126, Windows 10" in the developer guide's example). Cognito's own parser is not
/// documented: this is a guess that names the common browsers and systems, an SDK by its first
/// product token ("Boto3 1, Linux"), and an unknown system "Other" (as a captured botocore
/// event did).
enum DeviceName {
    static func from(userAgent: String?) -> String? {
        guard let ua = userAgent?.trimmingCharacters(in: .whitespaces), !ua.isEmpty else { return nil }
        guard let client = client(ua) else { return nil }
        return client + ", " + system(ua)
    }

    /// Browsers before the engines they name too (Edge and Opera say Chrome, Chrome says Safari).
    static let browsers: [(token: String, name: String)] = [
        ("Edg/", "Edge"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"), ("HeadlessChrome/", "HeadlessChrome"), ("CriOS/", "Chrome"), ("Chrome/", "Chrome"),
    ]

    static func client(_ ua: String) -> String? {
        for (token, name) in browsers {
            if let version = versionAfter(token, in: ua) { return "\(name) \(version)" }
        }
        if ua.contains("Safari/"), let version = versionAfter("Version/", in: ua) { return "Safari \(version)" }
        // An SDK or a tool: its first product token, "Name/Version".
        let first = ua.prefix { $0 != " " }
        guard let slash = first.firstIndex(of: "/"), slash > first.startIndex else { return String(first.prefix(64)) }
        let name = first[..<slash].prefix(64)
        let major = first[first.index(after: slash)...].prefix { $0.isNumber }
        return major.isEmpty ? String(name) : "\(name) \(major)"
    }

    /// The major version after `token` (digits up to the first dot).
    static func versionAfter(_ token: String, in ua: String) -> Substring? {
        guard let r = ua.range(of: token) else { return nil }
        let major = ua[r.upperBound...].prefix { $0.isNumber }
        return major.isEmpty ? nil : major
    }

    static func system(_ ua: String) -> String {
        if let r = ua.range(of: "Windows NT ") {
            let version = ua[r.upperBound...].prefix { $0.isNumber || $0 == "." }
            switch version {
            case "10.0": return "Windows 10"
            case "6.3": return "Windows 8.1"
            case "6.2": return "Windows 8"
            case "6.1": return "Windows 7"
            default: return "Windows"
            }
        }
        if ua.contains("iPhone") || ua.contains("iPad") { return "iOS" }
        if ua.contains("Mac OS X") { return "Mac OS X" }
        if let version = versionAfter("Android ", in: ua) { return "Android \(version)" }
        if ua.contains("Android") { return "Android" }
        if ua.contains("CrOS") { return "Chrome OS" }
        if ua.contains("Linux") { return "Linux" }
        // AWS SDKs: "os/linux#6.8.0", "os/macos#14.0", "os/windows#10".
        if let r = ua.range(of: "os/") {
            switch ua[r.upperBound...].prefix(while: { $0.isLetter }).lowercased() {
            case "linux": return "Linux"
            case "macos", "darwin": return "Mac OS X"
            case "windows", "win32": return "Windows"
            case "ios": return "iOS"
            case "android": return "Android"
            default: break
            }
        }
        return "Other"
    }
}
