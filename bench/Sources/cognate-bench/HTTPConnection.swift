#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One keep-alive HTTP/1.1 connection over a blocking socket to 127.0.0.1. A load generator
/// thread owns one; nothing here is shared, so the hot loop takes no locks.
final class HTTPConnection {
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    enum Failure: Error, CustomStringConvertible {
        case connect(Int32), io(String), protocolError(String)
        var description: String {
            switch self {
            case .connect(let e): "connect failed: errno \(e)"
            case .io(let m): "I/O: \(m)"
            case .protocolError(let m): "HTTP: \(m)"
            }
        }
    }

    let port: UInt16
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var chunk = [UInt8](repeating: 0, count: 65536)

    init(port: UInt16) { self.port = port }
    deinit { close() }

    func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
        buffer.removeAll(keepingCapacity: true)
        readIndex = 0
    }

    private func connect() throws {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard s >= 0 else { throw Failure.connect(errno) }
        var one: Int32 = 1
        setsockopt(s, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            let e = errno
            _ = Glibc.close(s)
            throw Failure.connect(e)
        }
        fd = s
    }

    /// Sends one request and reads its reply; reconnects once when a kept-alive connection was closed.
    func send(_ request: [UInt8]) throws -> Reply {
        do {
            if fd < 0 { try connect() }
            return try exchange(request)
        } catch Failure.io {
            close()
            try connect()
            return try exchange(request)
        }
    }

    private func exchange(_ request: [UInt8]) throws -> Reply {
        try request.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if n <= 0 { throw Failure.io("send: errno \(errno)") }
                sent += n
            }
        }
        return try readReply()
    }

    private func fill() throws -> Bool {
        if readIndex > 0 && readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        }
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0 { throw Failure.io("recv: errno \(errno)") }
        if n == 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    private func findHeaderEnd() -> Int? {
        var i = readIndex
        while i + 3 < buffer.count {
            if buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 { return i }
            i += 1
        }
        return nil
    }

    private func readReply() throws -> Reply {
        var end = findHeaderEnd()
        while end == nil {
            guard try fill() else { throw Failure.io("connection closed before the reply") }
            end = findHeaderEnd()
        }
        let head = String(decoding: buffer[readIndex..<end!], as: UTF8.self)
        readIndex = end! + 4
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure.protocolError("bad status line") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            // Several Set-Cookie lines are kept, one per line.
            if let earlier = headers[name], name == "set-cookie" { headers[name] = earlier + "\n" + value } else { headers[name] = value }
        }
        let http10 = statusLine[0] == "HTTP/1.0"
        let closeAfter = headers["connection"]?.lowercased() == "close" || (http10 && headers["connection"]?.lowercased() != "keep-alive")
        var body: [UInt8]
        if let lengthText = headers["content-length"], let length = Int(lengthText) {
            while buffer.count - readIndex < length {
                guard try fill() else { throw Failure.io("connection closed in the body") }
            }
            body = Array(buffer[readIndex..<(readIndex + length)])
            readIndex += length
        } else if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            body = try readChunked()
        } else {
            while try fill() {}
            body = Array(buffer[readIndex...])
            readIndex = buffer.count
            close()
        }
        if closeAfter { close() }
        return Reply(status: status, headers: headers, body: body)
    }

    private func readLine() throws -> String {
        while true {
            var i = readIndex
            while i + 1 < buffer.count {
                if buffer[i] == 13 && buffer[i + 1] == 10 {
                    let line = String(decoding: buffer[readIndex..<i], as: UTF8.self)
                    readIndex = i + 2
                    return line
                }
                i += 1
            }
            guard try fill() else { throw Failure.io("connection closed in a chunk") }
        }
    }

    private func readChunked() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeLine = try readLine()
            guard let size = Int(sizeLine.split(separator: ";")[0].trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw Failure.protocolError("bad chunk size")
            }
            if size == 0 {
                while try !readLine().isEmpty {}
                return body
            }
            while buffer.count - readIndex < size + 2 {
                guard try fill() else { throw Failure.io("connection closed in a chunk") }
            }
            body.append(contentsOf: buffer[readIndex..<(readIndex + size)])
            readIndex += size + 2
        }
    }
}

/// Request bytes for the AWS JSON 1.1 protocol and plain GETs. Admin calls carry a SigV4-shaped
/// Authorization header (neither server checks the signature; both read the region from it).
enum Requests {
    static let authorization = "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-target, Signature=00"

    static func aws(_ operation: String, _ body: [String: Any], port: UInt16) -> [UInt8] {
        let payload = (try? JSONSerialization.data(withJSONObject: body)) ?? Data("{}".utf8)
        var head = "POST / HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/x-amz-json-1.1\r\n"
        head += "X-Amz-Target: AWSCognitoIdentityProviderService.\(operation)\r\nAuthorization: \(authorization)\r\n"
        head += "Content-Length: \(payload.count)\r\n\r\n"
        return Array(head.utf8) + [UInt8](payload)
    }

    static func get(_ path: String, port: UInt16, headers: [(String, String)] = []) -> [UInt8] {
        var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: application/json\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        return Array((head + "\r\n").utf8)
    }

    /// A form POST (the hosted UI's forms, the token endpoint).
    static func form(_ path: String, _ fields: [(String, String)], port: UInt16, headers: [(String, String)] = []) -> [UInt8] {
        let body = fields.map { "\(formEscape($0.0))=\(formEscape($0.1))" }.joined(separator: "&")
        var head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        head += "Content-Length: \(body.utf8.count)\r\n\r\n"
        return Array((head + body).utf8)
    }

    static let formSafe = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
    static func formEscape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: formSafe) ?? s }
}
