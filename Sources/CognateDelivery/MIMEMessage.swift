import Foundation

/// An e-mail as RFC 5322 / MIME text: an HTML part in base64 (Cognito's messages are HTML, and
/// base64 keeps every line short whatever the template holds), with CRLF line ends.
public struct MIMEMessage: Sendable, Equatable {
    public var from: String
    public var to: String
    public var replyTo: String?
    public var subject: String
    public var html: String
    public var date: Date
    public var messageID: String

    public init(from: String, to: String, replyTo: String? = nil, subject: String, html: String, date: Date, messageID: String) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.html = html
        self.date = date
        self.messageID = messageID
    }

    public var bytes: [UInt8] { Array(text.utf8) }

    public var text: String {
        var headers = [
            "From: \(Self.clean(from))",
            "To: \(Self.clean(to))",
        ]
        if let replyTo { headers.append("Reply-To: \(Self.clean(replyTo))") }
        headers += [
            "Subject: \(Self.encodedWord(Self.clean(subject)))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(Self.clean(messageID))>",
            "MIME-Version: 1.0",
            "Content-Type: text/html; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
        ]
        let encoded = Data(html.utf8).base64EncodedString()
        var lines: [String] = []
        var i = encoded.startIndex
        while i < encoded.endIndex {
            let j = encoded.index(i, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[i..<j]))
            i = j
        }
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The bare address of `Name <addr>` (what SMTP's MAIL FROM and RCPT TO take).
    public static func address(_ mailbox: String) -> String {
        if let open = mailbox.lastIndex(of: "<"), let close = mailbox.lastIndex(of: ">"), open < close {
            return String(mailbox[mailbox.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
        }
        return mailbox.trimmingCharacters(in: .whitespaces)
    }

    /// Header values are one line: a CR or LF in a template or address must not start a new header.
    static func clean(_ s: String) -> String {
        String(s.map { $0 == "\r" || $0 == "\n" ? " " : $0 })
    }

    /// RFC 2047: non-ASCII subjects as `=?UTF-8?B?…?=`.
    static func encodedWord(_ s: String) -> String {
        if s.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) { return s }
        return "=?UTF-8?B?\(Data(s.utf8).base64EncodedString())?="
    }

    static func rfc5322Date(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return f.string(from: date)
    }
}
