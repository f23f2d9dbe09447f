import CognateCore
import CognitoModel

extension ModelSchema {
    /// `value` (a request of the structure `shape`) without the nulls the model reads as absent:
    /// members of structures, entries of maps and elements of lists whose value is null. Documents
    /// are left as they are. A value of the wrong type is kept, for the decoder to refuse.
    static func droppingNulls(_ value: JSONValue, kind: WireKind) -> JSONValue {
        switch (kind, value) {
        case (.structure(let shape), .object(let members)):
            guard let schema = Self.members(of: shape) else { return value }
            var out: [String: JSONValue] = [:]
            out.reserveCapacity(members.count)
            for (name, v) in members where v != .null {
                if let m = schema.first(where: { $0.name == name }) {
                    out[name] = droppingNulls(v, kind: m.kind)
                } else {
                    out[name] = v
                }
            }
            return .object(out)
        case (.map(let element), .object(let entries)):
            var out: [String: JSONValue] = [:]
            for (k, v) in entries where v != .null { out[k] = droppingNulls(v, kind: element) }
            return .object(out)
        case (.list(let element), .array(let items)):
            return .array(items.filter { $0 != .null }.map { droppingNulls($0, kind: element) })
        default:
            return value
        }
    }

    /// The AWS paths (`userPoolId`, `userAttributes.1.member.name`) of every required member that
    /// `value`, a request of `kind` with nulls already dropped, leaves out, in model order.
    static func missingRequired(_ value: JSONValue, kind: WireKind, path: String = "") -> [String] {
        switch (kind, value) {
        case (.structure(let shape), .object(let members)):
            guard let schema = Self.members(of: shape) else { return [] }
            var out: [String] = []
            for m in schema {
                let memberPath = join(path, memberName(m.name))
                if let v = members[m.name] {
                    out += missingRequired(v, kind: m.kind, path: memberPath)
                } else if m.required {
                    out.append(memberPath)
                }
            }
            return out
        case (.map(let element), .object(let entries)):
            return entries.keys.sorted().flatMap { missingRequired(entries[$0]!, kind: element, path: join(path, $0)) }
        case (.list(let element), .array(let items)):
            return items.enumerated().flatMap { missingRequired($1, kind: element, path: join(path, "\($0 + 1).member")) }
        default:
            return []
        }
    }

    private static func join(_ parent: String, _ name: String) -> String { parent.isEmpty ? name : parent + "." + name }
}
