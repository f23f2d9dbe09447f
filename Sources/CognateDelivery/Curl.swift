import CCurl
import Dispatch

/// One libcurl transfer: an SMTP submission or an HTTP POST. libcurl speaks SMTP with STARTTLS,
/// SMTPS and AUTH, and HTTP(S) with exact time limits, through the system's OpenSSL — with no
/// package to compile. Its easy interface blocks, so transfers run on a queue of their own, never
/// on the cooperative pool.
enum Curl {
    struct Request: Sendable {
        var url: String
        /// "http,https" or "smtp,smtps": nothing else may be reached, whatever the URL says.
        var protocols: String
        var body: [UInt8] = []
        var httpHeaders: [String] = []
        var mailFrom: String?
        var mailRecipients: [String] = []
        var username: String?
        var password: String?
        /// PEM file of the certificate authorities to trust (nil: the system's).
        var caFile: String?
        var timeoutMilliseconds: Int
        var connectTimeoutMilliseconds: Int = 5000
    }

    struct Outcome: Sendable {
        /// CURLcode (0: the transfer completed).
        var code: UInt32
        /// The last HTTP status or SMTP reply code.
        var status: Int
        var body: [UInt8]
        var error: String

        var ok: Bool { code == CURLE_OK.rawValue }
        var timedOut: Bool { code == CURLE_OPERATION_TIMEDOUT.rawValue }
        /// The server could not be reached at all (so it never saw the request).
        var unreachable: Bool {
            [CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY].map(\.rawValue).contains(code)
        }
    }

    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    private static let queue = DispatchQueue(label: "cognate.curl", attributes: .concurrent)

    static func perform(_ request: Request) async -> Outcome {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: performNow(request)) }
        }
    }

    /// The state callbacks reach through their userdata pointer, confined to one transfer's thread.
    private final class Transfer {
        let upload: [UInt8]
        var offset = 0
        var received: [UInt8] = []
        init(upload: [UInt8]) { self.upload = upload }
    }

    private static let read: curl_read_callback = { buffer, size, count, userdata in
        guard let buffer, let userdata else { return 0 }
        let t = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
        let n = min(size * count, t.upload.count - t.offset)
        if n > 0 {
            t.upload.withUnsafeBytes { src in
                UnsafeMutableRawPointer(buffer).copyMemory(from: src.baseAddress! + t.offset, byteCount: n)
            }
            t.offset += n
        }
        return n
    }

    private static let write: curl_write_callback = { data, size, count, userdata in
        guard let userdata else { return 0 }
        let t = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
        let n = size * count
        if let data, t.received.count < 1 << 20 {
            t.received.append(contentsOf: UnsafeRawBufferPointer(start: data, count: n))
        }
        return n
    }

    private static func performNow(_ r: Request) -> Outcome {
        guard initialized, let h = curl_easy_init() else {
            return Outcome(code: CURLE_FAILED_INIT.rawValue, status: 0, body: [], error: "libcurl could not be initialised")
        }
        defer { curl_easy_cleanup(h) }
        let transfer = Transfer(upload: r.body)
        let userdata = Unmanaged.passUnretained(transfer).toOpaque()
        var lists: [UnsafeMutablePointer<curl_slist>] = []
        defer { lists.forEach { curl_slist_free_all($0) } }
        func list(_ items: [String]) -> UnsafeMutablePointer<curl_slist>? {
            var l: UnsafeMutablePointer<curl_slist>?
            for item in items { l = curl_slist_append(l, item) }
            if let l { lists.append(l) }
            return l
        }

        cognate_curl_set_string(h, CURLOPT_URL, r.url)
        cognate_curl_set_string(h, CURLOPT_PROTOCOLS_STR, r.protocols)
        cognate_curl_set_long(h, CURLOPT_NOSIGNAL, 1)
        cognate_curl_set_long(h, CURLOPT_TIMEOUT_MS, r.timeoutMilliseconds)
        cognate_curl_set_long(h, CURLOPT_CONNECTTIMEOUT_MS, min(r.connectTimeoutMilliseconds, r.timeoutMilliseconds))
        cognate_curl_set_read(h, read)
        cognate_curl_set_pointer(h, CURLOPT_READDATA, userdata)
        cognate_curl_set_write(h, write)
        cognate_curl_set_pointer(h, CURLOPT_WRITEDATA, userdata)
        if let u = r.username { cognate_curl_set_string(h, CURLOPT_USERNAME, u) }
        if let p = r.password { cognate_curl_set_string(h, CURLOPT_PASSWORD, p) }
        if let ca = r.caFile { cognate_curl_set_string(h, CURLOPT_CAINFO, ca) }
        if let from = r.mailFrom {
            // SMTP: STARTTLS whenever the server offers it (smtps:// is TLS from the start).
            cognate_curl_set_long(h, CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue))
            cognate_curl_set_string(h, CURLOPT_MAIL_FROM, from)
            cognate_curl_set_list(h, CURLOPT_MAIL_RCPT, list(r.mailRecipients))
            cognate_curl_set_long(h, CURLOPT_UPLOAD, 1)
            cognate_curl_set_long(h, CURLOPT_INFILESIZE, r.body.count)
        } else {
            cognate_curl_set_long(h, CURLOPT_POST, 1)
            cognate_curl_set_long(h, CURLOPT_POSTFIELDSIZE, r.body.count)
            // No "Expect: 100-continue" round trip.
            cognate_curl_set_list(h, CURLOPT_HTTPHEADER, list(r.httpHeaders + ["Expect:"]))
        }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let rc = errorBuffer.withUnsafeMutableBufferPointer { buf -> CURLcode in
            cognate_curl_set_pointer(h, CURLOPT_ERRORBUFFER, buf.baseAddress)
            let rc = curl_easy_perform(h)
            cognate_curl_set_pointer(h, CURLOPT_ERRORBUFFER, nil)
            return rc
        }
        let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(rc)) : detail
        return Outcome(code: rc.rawValue, status: cognate_curl_response_code(h), body: transfer.received, error: rc == CURLE_OK ? "" : message)
    }
}
