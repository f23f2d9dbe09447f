import CognateCore
import Foundation

/// Loads a JSON vector file from the test bundle's Vectors folder. A missing or malformed file
/// stops the run loudly: a silently empty argument list would make data-driven tests pass.
func loadVectors<T: Decodable>(_ name: String, as type: T.Type) -> T {
    guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors") else {
        fatalError("test vector file Vectors/\(name).json is missing from the test bundle")
    }
    do {
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    } catch {
        fatalError("cannot decode Vectors/\(name).json: \(error)")
    }
}

func hexBytes(_ text: String) -> [UInt8] {
    guard let bytes = Hex.decode(text) else { fatalError("bad hex in vector: \(text.prefix(20))…") }
    return bytes
}

func base64Bytes(_ text: String) -> [UInt8] {
    guard let bytes = Base64.decode(text) else { fatalError("bad base64 in vector: \(text.prefix(20))…") }
    return bytes
}
