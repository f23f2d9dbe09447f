import CognateCore
import Hummingbird
import NIOCore

extension Request {
    /// The whole body, or InvalidParameter when it is larger than `limit`: every endpoint refuses
    /// an oversized body as bad input (with its own error shape), never as a server fault.
    mutating func collectBody(limitedTo limit: Int) async throws -> ByteBuffer {
        do {
            return try await collectBody(upTo: limit)
        } catch {
            throw CognitoError.invalidParameter("The request body is larger than \(limit) bytes.")
        }
    }
}
