/// Bytes in a stored entity, coded as one base64 string. Synthesized `Codable` would write a
/// `[UInt8]` as a JSON array of numbers — a sealed verifier becomes ~1.5 KB of text that
/// decodes one number at a time, which dominated every user read. Rows written before this
/// (arrays of numbers) still decode.
@propertyWrapper
public struct StoredBytes: Codable, Sendable, Equatable, Hashable {
    public var wrappedValue: [UInt8]

    public init(wrappedValue: [UInt8]) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) {
            guard let bytes = Base64.decode(text) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not base64")
            }
            wrappedValue = bytes
        } else {
            wrappedValue = try c.decode([UInt8].self)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Base64.encode(wrappedValue))
    }
}
