// The constraint checks behind the generated `validate(path:into:)` methods. Each constrained
// shape of the model has one rule in the generated `ModelConstraints`; the messages follow AWS
// (Coral) word for word:
//
//   Value 'abc' at 'username' failed to satisfy constraint: Member must have length less than or equal to 128
//   Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\S]+
//
// The value is omitted for sensitive shapes and for lists, maps, structures and blobs. Checks run
// on every request, so a value that passes costs no allocation: the constraint texts are built
// once per rule, and paths are only joined when a violation is reported.

enum ModelValidation {
    @inline(__always)
    static func join(_ parent: String, _ name: String) -> String {
        parent.isEmpty ? name : parent + "." + name
    }

    static func error(_ shownValue: String?, _ path: String, _ constraint: String) -> ValidationError {
        let value = shownValue.map { "Value '\($0)'" } ?? "Value"
        return ValidationError(path: path, message: "\(value) at '\(path)' failed to satisfy constraint: \(constraint)")
    }

    static func lengthAtMost(_ n: Int) -> String { "Member must have length less than or equal to \(n)" }
    static func lengthAtLeast(_ n: Int) -> String { "Member must have length greater than or equal to \(n)" }
    static func valueAtMost(_ n: Int) -> String { "Member must have value less than or equal to \(n)" }
    static func valueAtLeast(_ n: Int) -> String { "Member must have value greater than or equal to \(n)" }
}

/// A rule for a scalar (string, integer, blob) shape.
protocol ScalarRule: Sendable {
    associatedtype Value
    /// Every constraint of the rule in AWS's order (max, min, pattern, enum), as listed in
    /// `Member must satisfy constraint: [...]`.
    var constraints: [String] { get }
    var sensitive: Bool { get }
    /// The texts of the violated constraints; empty (and allocation-free) when `value` passes.
    func violations(of value: Value) -> [String]
    /// How the value is quoted in a message (nil: not shown).
    func display(_ value: Value) -> String?
}

extension ScalarRule {
    func check(_ value: Value, _ parent: String, _ name: String, hidingValue: Bool = false,
               into errors: inout [ValidationError]) {
        let failed = violations(of: value)
        if failed.isEmpty { return }
        let path = ModelValidation.join(parent, name)
        let shown = sensitive || hidingValue ? nil : display(value)
        for c in failed {
            errors.append(ModelValidation.error(shown, path, c))
        }
    }

    /// List elements of a scalar shape: one message for the list, listing all the element
    /// constraints (`Member must satisfy constraint: [...]`), as AWS does.
    func checkMembers(_ values: [Value], _ parent: String, _ name: String, into errors: inout [ValidationError]) {
        guard values.contains(where: { !violations(of: $0).isEmpty }) else { return }
        errors.append(ModelValidation.error(nil, ModelValidation.join(parent, name),
                                            "Member must satisfy constraint: " + bracketed))
    }

    func checkMapKeys<S: Sequence>(_ keys: S, _ parent: String, _ name: String, into errors: inout [ValidationError])
    where S.Element == Value {
        guard keys.contains(where: { !violations(of: $0).isEmpty }) else { return }
        errors.append(ModelValidation.error(nil, ModelValidation.join(parent, name),
                                            "Map keys must satisfy constraint: " + bracketed))
    }

    func checkMapValues<S: Sequence>(_ values: S, _ parent: String, _ name: String, into errors: inout [ValidationError])
    where S.Element == Value {
        guard values.contains(where: { !violations(of: $0).isEmpty }) else { return }
        errors.append(ModelValidation.error(nil, ModelValidation.join(parent, name),
                                            "Map value must satisfy constraint: " + bracketed))
    }

    var bracketed: String { "[" + constraints.joined(separator: ", ") + "]" }
}

/// Length (in Characters), pattern and enum constraints of a string shape.
struct StringRule: ScalarRule {
    let min: Int?
    let max: Int?
    let pattern: ModelPattern?
    let allowed: Set<String>?
    let sensitive: Bool
    let constraints: [String]
    private let maxText: String, minText: String, patternText: String, enumText: String

    init(min: Int? = nil, max: Int? = nil, pattern: ModelPattern? = nil, allowed: [String]? = nil, sensitive: Bool = false) {
        self.min = min
        self.max = max
        self.pattern = pattern
        self.allowed = allowed.map(Set.init)
        self.sensitive = sensitive
        maxText = max.map(ModelValidation.lengthAtMost) ?? ""
        minText = min.map(ModelValidation.lengthAtLeast) ?? ""
        patternText = pattern.map { "Member must satisfy regular expression pattern: \($0.pattern)" } ?? ""
        enumText = allowed.map { "Member must satisfy enum value set: [" + $0.joined(separator: ", ") + "]" } ?? ""
        constraints = [maxText, minText, patternText, enumText].filter { !$0.isEmpty }
    }

    func violations(of value: String) -> [String] {
        var out: [String] = []
        // Lengths are counted in Characters, but the UTF-8 size bounds that count from above,
        // so the (linear) Character count is only taken when the cheap bound cannot decide.
        let bytes = value.utf8.count
        var characters: Int? = nil
        if let max, bytes > max {
            let n = value.count
            characters = n
            if n > max { out.append(maxText) }
        }
        if let min, min > 0 {
            if bytes < min {
                out.append(minText)
            } else if min > 1 {
                if (characters ?? value.count) < min { out.append(minText) }
            }
        }
        if let pattern, !pattern.matches(value) { out.append(patternText) }
        if let allowed, !allowed.contains(value) { out.append(enumText) }
        return out
    }

    func display(_ value: String) -> String? { value }
}

/// Range constraints of an integer/long shape.
struct IntRule: ScalarRule {
    let min: Int?
    let max: Int?
    let constraints: [String]
    var sensitive: Bool { false }
    private let maxText: String, minText: String

    init(min: Int? = nil, max: Int? = nil) {
        self.min = min
        self.max = max
        maxText = max.map(ModelValidation.valueAtMost) ?? ""
        minText = min.map(ModelValidation.valueAtLeast) ?? ""
        constraints = [maxText, minText].filter { !$0.isEmpty }
    }

    func violations(of value: Int) -> [String] {
        var out: [String] = []
        if let max, value > max { out.append(maxText) }
        if let min, value < min { out.append(minText) }
        return out
    }

    func display(_ value: Int) -> String? { String(value) }
}

/// Length constraints of a blob shape, counted in decoded bytes of the base64 text.
struct BlobRule: ScalarRule {
    let min: Int?
    let max: Int?
    let constraints: [String]
    var sensitive: Bool { false }
    private let maxText: String, minText: String

    init(min: Int? = nil, max: Int? = nil) {
        self.min = min
        self.max = max
        maxText = max.map(ModelValidation.lengthAtMost) ?? ""
        minText = min.map(ModelValidation.lengthAtLeast) ?? ""
        constraints = [maxText, minText].filter { !$0.isEmpty }
    }

    func violations(of value: String) -> [String] {
        var out: [String] = []
        let n = Self.decodedLength(value)
        if let max, n > max { out.append(maxText) }
        if let min, n < min { out.append(minText) }
        return out
    }

    /// AWS would print a Java ByteBuffer; the bytes are never shown.
    func display(_ value: String) -> String? { nil }

    /// The number of bytes `base64` decodes to (padding and whitespace ignored).
    static func decodedLength(_ base64: String) -> Int {
        var symbols = 0
        for c in base64.utf8 where c != UInt8(ascii: "=") && c != 0x20 && c != 0x0A && c != 0x0D && c != 0x09 {
            symbols += 1
        }
        return symbols * 6 / 8
    }
}

/// Size constraints of a list or map shape (AWS calls the size "length" too).
struct CountRule: Sendable {
    let min: Int?
    let max: Int?
    private let maxText: String, minText: String

    init(min: Int? = nil, max: Int? = nil) {
        self.min = min
        self.max = max
        maxText = max.map(ModelValidation.lengthAtMost) ?? ""
        minText = min.map(ModelValidation.lengthAtLeast) ?? ""
    }

    func check(count: Int, _ parent: String, _ name: String, into errors: inout [ValidationError]) {
        if let max, count > max {
            errors.append(ModelValidation.error(nil, ModelValidation.join(parent, name), maxText))
        }
        if let min, count < min {
            errors.append(ModelValidation.error(nil, ModelValidation.join(parent, name), minText))
        }
    }
}
