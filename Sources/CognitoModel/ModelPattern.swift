import Foundation

/// A `pattern` constraint of the model, compiled once (see the generated `ModelPatterns`).
///
/// The model's patterns are Java regular expressions and AWS applies them with whole-string
/// (`Matcher.matches()`) semantics, so `matches(_:)` answers whether the *entire* value matches.
/// Java semantics are kept: `\w`, `\d`, `\s` are ASCII-only, `\p{L}` & co. are Unicode general
/// categories, and matching is per Unicode scalar (code point), not per grapheme.
///
/// Two engines, picked by `scripts/gen-model.py`:
/// - `scalarClass`: the pattern is one character class repeated (`[\p{L}\p{M}\p{S}\p{N}\p{P}]+`,
///   `[\w+]+`, `[\S]+`, `^[0-9a-fA-F]+$`, `(?s).*`, ...), which is most of them and all the hot
///   ones (user names, client ids, tokens, passwords). It is checked by a loop over the scalars
///   with an ASCII bitmap: no allocation, no bridging.
/// - `splitClasses`: `[A]+c[B]+`, one literal character between two repeated classes (the user
///   pool id, `[\w-]+_[0-9a-zA-Z]+`, on every admin request): a scalar loop too, see `splitMatches`.
/// - `icu`: everything else goes to `NSRegularExpression` (ICU), with Java's ASCII-only shorthand
///   classes spelled out by the generator (`icuPattern`). Swift's `Regex` is not used: it cannot
///   compile the model's lookbehind (`(?<!\.)`, "lookbehind is not currently supported" in Swift
///   6.3), `Regex<AnyRegexOutput>` is not `Sendable` (so it could only be kept in a
///   `nonisolated(unsafe)` global), and it measured 5–10x slower than ICU on these patterns.
///   `NSRegularExpression` is immutable, documented thread-safe and `Sendable` in
///   swift-corelibs-foundation.
/// - `unchecked`: the pattern could not be compiled at all. The check is then skipped (the
///   value passes) rather than crashing; `ModelPatterns.all` lets a test list these (none today).
public struct ModelPattern: Sendable, CustomStringConvertible {
    public enum Engine: String, Sendable {
        case scalarClass, splitClasses, icu, unchecked
    }

    /// The generated static's name (after the first shape that uses the pattern).
    public let name: String
    /// The pattern exactly as in the model; this is what validation messages quote.
    public let pattern: String
    /// The same pattern in ICU syntax (what `NSRegularExpression` would compile).
    public let icuPattern: String
    public let engine: Engine

    private let scalars: ScalarClass?
    private let allowsEmpty: Bool
    private let regex: NSRegularExpression?
    /// `splitClasses`: the separator and the class after it (`scalars` is the one before).
    private let split: (separator: Unicode.Scalar, after: ScalarClass)?

    /// A single repeated character class (`+` when `allowsEmpty` is false, `*` when true).
    init(name: String, _ pattern: String, icu: String, scalars: ScalarClass, allowsEmpty: Bool) {
        self.name = name
        self.pattern = pattern
        self.icuPattern = icu
        self.engine = .scalarClass
        self.scalars = scalars
        self.allowsEmpty = allowsEmpty
        self.regex = nil
        self.split = nil
    }

    /// `[A]+c[B]+`.
    init(name: String, _ pattern: String, icu: String, split before: ScalarClass, separator: Unicode.Scalar, then after: ScalarClass) {
        self.name = name
        self.pattern = pattern
        self.icuPattern = icu
        self.engine = .splitClasses
        self.scalars = before
        self.allowsEmpty = false
        self.regex = nil
        self.split = (separator, after)
    }

    /// Any other pattern: compiled with ICU; if even that fails the pattern is `unchecked`.
    init(name: String, _ pattern: String, icu: String) {
        self.name = name
        self.pattern = pattern
        self.icuPattern = icu
        self.scalars = nil
        self.allowsEmpty = true
        self.regex = Self.compileICU(icu)
        self.engine = regex == nil ? .unchecked : .icu
        self.split = nil
    }

    public var description: String { pattern }

    /// Whether the whole of `value` matches (always true for an `unchecked` pattern).
    public func matches(_ value: String) -> Bool {
        if let split, let scalars {
            return Self.splitMatches(Array(value.unicodeScalars), before: scalars, separator: split.separator, after: split.after)
        }
        if let scalars {
            if value.isEmpty { return allowsEmpty }
            // ASCII (tokens, ids, most names) is checked on the UTF-8 bytes: iterating the
            // scalars decodes each one, which showed at 2% of a GetUser with its 1 KB token.
            var value = value
            let ascii: Bool? = value.withUTF8 { bytes in
                for b in bytes {
                    if b >= 0x80 { return nil }
                    if !scalars.containsASCII(b) { return false }
                }
                return true
            }
            if let ascii { return ascii }
            for s in value.unicodeScalars where !scalars.contains(s) {
                return false
            }
            return true
        }
        guard let regex else { return true }
        return regex.firstMatch(in: value, options: [], range: NSRange(location: 0, length: value.utf16.count)) != nil
    }

    /// Whether some occurrence of the separator at `p` has `s[..<p]` non-empty in `before` and
    /// `s[(p+1)...]` non-empty in `after` — what a backtracking `[A]+c[B]+` finds, in one pass:
    /// `s[..<p]` is in `before` exactly when `p` is at most the length of the longest such
    /// prefix, and `s[(p+1)...]` is in `after` exactly when `p + 1` is at least where the longest
    /// such suffix starts.
    static func splitMatches(_ s: [Unicode.Scalar], before: ScalarClass, separator: Unicode.Scalar, after: ScalarClass) -> Bool {
        let n = s.count
        guard n >= 3 else { return false }
        var prefix = 0
        while prefix < n, before.contains(s[prefix]) { prefix += 1 }
        var suffixStart = n
        while suffixStart > 0, after.contains(s[suffixStart - 1]) { suffixStart -= 1 }
        let low = max(1, suffixStart - 1), high = min(prefix, n - 2)
        guard low <= high else { return false }
        return s[low...high].contains(separator)
    }

    /// `value` checked by ICU with `icuPattern` regardless of the engine (for cross-checking the
    /// scalar-class compiler in tests); nil when the pattern does not compile.
    public func matchesUsingICU(_ value: String) -> Bool? {
        guard let regex = Self.compileICU(icuPattern) else { return nil }
        return regex.firstMatch(in: value, options: [], range: NSRange(location: 0, length: value.utf16.count)) != nil
    }

    /// Anchored at both ends (`\A`, `\z`) for Java `matches()` semantics; `$` alone would also
    /// match before a final line terminator.
    static func compileICU(_ icu: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: "\\A(?:" + icu + ")\\z", options: [])
    }
}

/// A character class compiled by the generator: a 128-bit bitmap for ASCII (negation already
/// applied) and, beyond ASCII, a union of general categories, scalar ranges, or everything.
struct ScalarClass: Sendable {
    struct Categories: OptionSet, Sendable {
        let rawValue: UInt8
        static let letter = Categories(rawValue: 1 << 0)       // \p{L}
        static let mark = Categories(rawValue: 1 << 1)         // \p{M}
        static let symbol = Categories(rawValue: 1 << 2)       // \p{S}
        static let number = Categories(rawValue: 1 << 3)       // \p{N}
        static let punctuation = Categories(rawValue: 1 << 4)  // \p{P}
        static let separator = Categories(rawValue: 1 << 5)    // \p{Z}
        static let other = Categories(rawValue: 1 << 6)        // \p{C}

        init(rawValue: UInt8) { self.rawValue = rawValue }

        init(_ category: Unicode.GeneralCategory) {
            switch category {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
                self = .letter
            case .nonspacingMark, .spacingMark, .enclosingMark:
                self = .mark
            case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
                self = .symbol
            case .decimalNumber, .letterNumber, .otherNumber:
                self = .number
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
                 .initialPunctuation, .finalPunctuation, .otherPunctuation:
                self = .punctuation
            case .spaceSeparator, .lineSeparator, .paragraphSeparator:
                self = .separator
            default:
                self = .other
            }
        }
    }

    let asciiLow: UInt64
    let asciiHigh: UInt64
    let categories: Categories
    let ranges: [ClosedRange<UInt32>]
    let allNonASCII: Bool
    let negated: Bool

    init(ascii: (UInt64, UInt64), categories: Categories = [], ranges: [ClosedRange<UInt32>] = [],
         allNonASCII: Bool = false, negated: Bool = false) {
        self.asciiLow = ascii.0
        self.asciiHigh = ascii.1
        self.categories = categories
        self.ranges = ranges
        self.allNonASCII = allNonASCII
        self.negated = negated
    }

    @inline(__always)
    func containsASCII(_ b: UInt8) -> Bool {
        b < 64 ? asciiLow & (1 &<< UInt64(b)) != 0 : asciiHigh & (1 &<< UInt64(b - 64)) != 0
    }

    @inline(__always)
    func contains(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 64 { return asciiLow & (1 &<< UInt64(v)) != 0 }
        if v < 128 { return asciiHigh & (1 &<< UInt64(v - 64)) != 0 }
        var hit = allNonASCII
        if !hit, !categories.isEmpty {
            hit = categories.contains(Categories(s.properties.generalCategory))
        }
        if !hit {
            for r in ranges where r.contains(v) {
                hit = true
                break
            }
        }
        return hit != negated
    }
}
