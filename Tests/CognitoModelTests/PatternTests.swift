import Testing
@testable import CognitoModel

@Suite struct PatternTests {
    /// Patterns that cannot be compiled and are therefore not checked. Keep in sync with the
    /// `unchecked` engine; today every pattern of the model compiles.
    static let knownUnchecked: Set<String> = []

    @Test func everyPatternCompiles() {
        #expect(ModelPatterns.all.count >= 40)
        for p in ModelPatterns.all {
            if p.engine == .unchecked {
                #expect(Self.knownUnchecked.contains(p.name), "pattern \(p.name) (\(p.pattern)) does not compile")
            } else {
                #expect(!Self.knownUnchecked.contains(p.name))
            }
            // ICU compiles every pattern's translation, whatever engine is used.
            #expect(p.matchesUsingICU("x") != nil, "ICU cannot compile \(p.name): \(p.icuPattern)")
        }
        let engines = Dictionary(grouping: ModelPatterns.all, by: \.engine).mapValues(\.count)
        #expect(engines[.unchecked] == nil)
        #expect(engines[.scalarClass, default: 0] >= 20)
    }

    /// The scalar-class compiler agrees with ICU (running the Java→ICU translation) on a corpus
    /// that exercises every class edge: ASCII punctuation and controls, Java's ASCII-only `\w`
    /// and `\s`, Unicode letters, marks, symbols, separators, and whole-string anchoring.
    @Test func scalarClassesAgreeWithICU() {
        var corpus: [String] = ["", " ", "\t", "\n", "\u{0B}", "\r\n", "abc", "ABC_def-123", "a b", "a\nb",
                                "é", "e\u{301}", "日本語", "Ωmega", "١٢٣", "😀", "\u{00A0}", "\u{2028}", "\u{200B}",
                                "x{####}y", "us-east-1_AbC", "a.b", "a.", "tkn0123456789012345678901234", "\u{7F}",
                                "Level3", "ab=+/", "%20", "{##x##}"]
        for v in 0..<128 { corpus.append(String(UnicodeScalar(UInt8(v)))) }
        corpus.append(String((0..<128).map { Character(UnicodeScalar(UInt8($0))) }))
        for p in ModelPatterns.all where p.engine == .scalarClass {
            for s in corpus {
                #expect(p.matches(s) == p.matchesUsingICU(s), "\(p.name) \(p.pattern) disagrees on \(s.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
    }

    /// The class-separator-class engine agrees with ICU on every string of up to three scalars, and
    /// 3,000 longer ones, over an alphabet that holds each side's members and non-members, the
    /// separators, and non-ASCII.
    @Test func splitClassesAgreeWithICU() {
        let split = ModelPatterns.all.filter { $0.engine == .splitClasses }
        #expect(Set(split.map(\.name)) == ["userPoolIdType", "deviceKeyType", "emailAddressType"])
        let alphabet: [String] = ["a", "Z", "0", "f", "_", "-", "@", ".", " ", "é", "😀", "\u{301}"]
        var corpus: [String] = [""]
        var level: [String] = [""]
        for _ in 0..<3 {
            level = level.flatMap { prefix in alphabet.map { prefix + $0 } }
            corpus += level
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15  // a fixed sequence, so a failure reproduces
        for _ in 0..<3000 {
            var s = ""
            state = state &* 6364136223846793005 &+ 1442695040888963407
            for _ in 0..<(4 + Int(state >> 61)) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                s += alphabet[Int(state >> 33) % alphabet.count]
            }
            corpus.append(s)
        }
        corpus += ["us-east-1_AbC123", "us-east-1_", "_abc", "a__b", "a_b_c", "a-b_c-d", "eu-west-2_x y", "x@y", "@x", "x@", "a@b@c", "é@😀"]
        for p in split {
            for s in corpus where p.matches(s) != p.matchesUsingICU(s) {
                Issue.record("\(p.name) \(p.pattern) disagrees with ICU on \(s.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
    }

    @Test func javaSemantics() {
        // \w is ASCII-only in Java.
        #expect(ModelPatterns.clientIdType.matches("abc_DEF+123"))
        #expect(!ModelPatterns.clientIdType.matches("abcé"))
        #expect(!ModelPatterns.clientIdType.matches(""))
        // \S accepts any non-ASCII-whitespace scalar, including a no-break space.
        #expect(ModelPatterns.confirmationCodeType.matches("pässwörd\u{00A0}"))
        #expect(!ModelPatterns.confirmationCodeType.matches("pass word"))
        // Whole-string semantics, including for patterns without anchors.
        #expect(ModelPatterns.userPoolIdType.matches("us-east-1_abc123"))
        #expect(!ModelPatterns.userPoolIdType.matches("us-east-1_abc123 "))
        #expect(!ModelPatterns.userPoolIdType.matches("x us-east-1_abc"))
        #expect(!ModelPatterns.acrLevelKeyType.matches("Level1\n"))
        // The lookbehind pattern (Swift Regex cannot compile it) works through ICU.
        let s3 = ModelPatterns.all.first { $0.pattern.contains("(?<!") }
        #expect(s3?.engine == .icu)
        #expect(s3?.matches("my-bucket.logs") == true)
        #expect(s3?.matches("my-bucket.") == false)
        // Usernames: letters, marks, symbols, numbers, punctuation; no spaces or controls.
        #expect(ModelPatterns.customAttributeNameType.matches("alice+tag@example.com"))
        #expect(ModelPatterns.customAttributeNameType.matches("ユーザー"))
        #expect(!ModelPatterns.customAttributeNameType.matches("alice smith"))
        #expect(!ModelPatterns.customAttributeNameType.matches("tab\there"))
    }
}
