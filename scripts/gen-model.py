#!/usr/bin/env python3
"""Generate Sources/CognitoModel/Generated/*.swift from botocore's cognito-idp service model.

Usage: python3 scripts/gen-model.py [--output DIR] [--check]

The output is deterministic (shapes sorted by name, members in model order) so that it can be
committed and re-generated without noise. `--check` regenerates into memory and exits 1 if the
committed files differ (for CI).

What is generated:
  * one `public struct <Shape>: ModelShape` per structure reachable from an operation's input or
    output (exception shapes are not generated; they only contribute `CognitoErrorCode`s),
    split over several `Shapes+X-Y.swift` files by first letter so they compile in parallel;
  * `Constraints.swift`: one validation rule per constrained scalar/list/map shape;
  * `Patterns.swift`: one `ModelPattern` per distinct `pattern` in the model;
  * `Operations.swift`: `CognitoOperations.all` (every operation, sorted by name);
  * `ErrorCodes.swift`: one `CognitoErrorCode` constant per exception shape;
  * `Schema.swift`: every structure's members with their wire kind and whether they are
    required (`ModelSchema`), for the request reader's treatment of nulls and missing members.

Type mapping: string/enum -> String, integer/long -> Int, boolean -> Bool, timestamp -> Double
(epoch seconds, as AWS JSON 1.1 sends them), blob -> String (base64 text, as on the wire),
list -> [T], map -> [String: T], structure -> the struct, document -> `Document` (hand-written).
"""

import argparse
import difflib
import gzip
import json
import os
import re
import sys
import unicodedata

MIN_BOTOCORE = (1, 44)
EXPECTED_OPERATIONS = 141
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUTPUT = os.path.join(ROOT, "Sources", "CognitoModel", "Generated")
SHAPE_FILE_COUNT = 6

# Members whose rule Cognate widens on purpose. A trigger in LambdaConfig may be an http(s) URL
# (a webhook) as well as a Lambda ARN; `lambdaTarget` is hand-written in LambdaTarget.swift.
MEMBER_RULE_OVERRIDES = {
    ("LambdaConfigType", m): "lambdaTarget"
    for m in ("PreSignUp", "CustomMessage", "PostConfirmation", "PreAuthentication", "PostAuthentication",
              "DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse",
              "PreTokenGeneration", "UserMigration")
}
MEMBER_RULE_OVERRIDES.update({
    (s, "LambdaArn"): "lambdaTarget"
    for s in ("PreTokenGenerationVersionConfigType", "CustomSMSLambdaVersionConfigType", "CustomEmailLambdaVersionConfigType")
})

# Type names the generated code (or its users) refer to unqualified: a shape with one of these
# names gets a `Shape` suffix so it does not shadow the standard type.
RESERVED_TYPE_NAMES = {
    "Any", "Array", "Bool", "Character", "Codable", "CodingKey", "Data", "Date", "Decimal",
    "Decodable", "Decoder", "Dictionary", "Double", "Encodable", "Encoder", "Equatable", "Error",
    "Float", "Hashable", "Int", "Int64", "Never", "Optional", "Protocol", "Result", "Self",
    "Sendable", "Set", "String", "Substring", "Type", "URL", "UUID", "Void",
    # the module's own hand-written API
    "CodingKeys", "CognitoErrorCode", "CognitoOperations", "Document", "ModelConstraints",
    "ModelPattern", "ModelPatterns", "ModelShape", "OperationInfo", "ValidationError",
}

SWIFT_KEYWORDS = {
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import",
    "init", "inout", "internal", "let", "open", "operator", "private", "precedencegroup",
    "protocol", "public", "rethrows", "static", "struct", "subscript", "typealias", "var",
    "break", "case", "catch", "continue", "default", "defer", "do", "else", "fallthrough", "for",
    "guard", "if", "in", "repeat", "return", "throw", "switch", "where", "while", "as", "Any",
    "false", "is", "nil", "self", "Self", "super", "throws", "true", "try", "await", "async",
    "consume", "copy", "discard", "borrowing", "consuming", "some", "any", "Type", "Protocol",
}


# --------------------------------------------------------------------------------------------
# Model loading


def load_model():
    try:
        import botocore
    except ImportError:
        sys.exit("gen-model: botocore is not installed (pip install 'botocore>=1.44')")
    version = botocore.__version__
    parts = tuple(int(p) for p in re.findall(r"\d+", version)[:2])
    if parts < MIN_BOTOCORE:
        sys.exit(f"gen-model: botocore {version} is too old; need >= {MIN_BOTOCORE[0]}.{MIN_BOTOCORE[1]}")
    path = os.path.join(os.path.dirname(botocore.__file__), "data", "cognito-idp", "2016-04-18", "service-2.json.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        model = json.load(f)
    if len(model["operations"]) != EXPECTED_OPERATIONS:
        sys.exit(f"gen-model: expected {EXPECTED_OPERATIONS} operations, the model has {len(model['operations'])}")
    for shape, fixes in MODEL_CORRECTIONS.items():
        model["shapes"][shape].update(fixes)
    return version, model


# Where Cognito accepts more than its model says. DomainType's pattern and length describe a
# prefix domain only, yet CreateUserPoolDomain takes a custom domain's name ("auth.example.com")
# in the same member.
MODEL_CORRECTIONS = {
    "DomainType": {"pattern": r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?)*$", "max": 253},
}


# --------------------------------------------------------------------------------------------
# Naming


def lower_camel(name):
    """`MFAOptions`->`mfaOptions`, `CallbackURLs`->`callbackURLs`, `ClientId`->`clientId`, `CSS`->`css`."""
    run = 0
    while run < len(name) and name[run].isupper():
        run += 1
    if run == 0:
        return name
    if run == 1:
        return name[0].lower() + name[1:]
    if run < len(name) and name[run].islower():
        # keep the last capital: it starts the next word
        return name[: run - 1].lower() + name[run - 1 :]
    return name[:run].lower() + name[run:]


def lower_first(name):
    """The member name AWS uses in validation paths: only the first character lowercased
    (Coral's bean-style naming: `SSESpecification` -> `sSESpecification`)."""
    return name[:1].lower() + name[1:]


def swift_ident(name):
    return f"`{name}`" if name in SWIFT_KEYWORDS else name


def type_name(shape_name):
    return shape_name + "Shape" if shape_name in RESERVED_TYPE_NAMES else shape_name


def swift_string(s):
    """A Swift string literal for `s` (raw `#"..."#` when it has backslashes or quotes)."""
    if "\\" in s or '"' in s:
        hashes = "#"
        while f'"{hashes}' in s:
            hashes += "#"
        return f'{hashes}"{s}"{hashes}'
    return '"' + s + '"'


# --------------------------------------------------------------------------------------------
# Patterns: Java-style regular expressions from the model


class Unsupported(Exception):
    pass


JAVA_SPACE = [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D]  # Java's \s is ASCII-only by default
CATEGORY_FLAGS = {"L": "letter", "M": "mark", "S": "symbol", "N": "number", "P": "punctuation", "Z": "separator", "C": "other"}


class ScalarSet:
    """A character class compiled to an ASCII bitmap plus a rule for non-ASCII scalars."""

    def __init__(self):
        self.ascii = [False] * 128
        self.categories = set()      # major general categories (L, M, ...) matched beyond ASCII
        self.ranges = []             # (lo, hi) ranges beyond ASCII
        self.all_non_ascii = False   # every non-ASCII scalar matches (\S, \W, \D)
        self.negated = False

    def add_range(self, lo, hi):
        for c in range(lo, min(hi, 127) + 1):
            self.ascii[c] = True
        if hi >= 128:
            self.ranges.append((max(lo, 128), hi))

    def add_category(self, cat):
        for c in range(128):
            if unicodedata.category(chr(c))[0] == cat:
                self.ascii[c] = True
        self.categories.add(cat)

    def add_predicate(self, pred, non_ascii):
        for c in range(128):
            if pred(c):
                self.ascii[c] = True
        if non_ascii:
            self.all_non_ascii = True


def is_word(c):
    return chr(c).isascii() and (chr(c).isalnum() or c == 0x5F)


def is_digit(c):
    return 0x30 <= c <= 0x39


SIMPLE_ESCAPES = {"t": 0x09, "n": 0x0A, "r": 0x0D, "f": 0x0C, "a": 0x07, "e": 0x1B}


def parse_class(src, i):
    """Parse a Java bracket class starting at src[i] == '['. Returns (ScalarSet, index after ']').
    Raises Unsupported for anything this small compiler does not handle (nested classes, ...)."""
    assert src[i] == "["
    i += 1
    cs = ScalarSet()
    if i < len(src) and src[i] == "^":
        cs.negated = True
        i += 1
    prev_literal = None  # the last single code point added (a candidate range start)
    first = True
    while True:
        if i >= len(src):
            raise Unsupported("unterminated class")
        ch = src[i]
        if ch == "]" and not first:
            i += 1
            break
        first = False
        if ch == "[" or src.startswith("&&", i):
            raise Unsupported("nested class / intersection")
        if ch == "-" and prev_literal is not None and i + 1 < len(src) and src[i + 1] != "]":
            # a range prev_literal-X
            lo = prev_literal
            hi, i = parse_class_atom(src, i + 1, cs, allow_set=False)
            if hi < lo:
                raise Unsupported("bad range")
            cs.add_range(lo, hi)
            prev_literal = None  # Java: a '-' right after a range is a literal
            continue
        code, i = parse_class_atom(src, i, cs, allow_set=True)
        if code is not None:
            cs.add_range(code, code)
        prev_literal = code
    return cs, i


def parse_class_atom(src, i, cs, allow_set):
    """One element inside a class. Returns (code point or None if it was a set like \\w, next index)."""
    ch = src[i]
    if ch != "\\":
        return ord(ch), i + 1
    if i + 1 >= len(src):
        raise Unsupported("trailing backslash")
    e = src[i + 1]
    if e in SIMPLE_ESCAPES:
        return SIMPLE_ESCAPES[e], i + 2
    if e == "x":
        m = re.match(r"[0-9A-Fa-f]{2}", src[i + 2 :])
        if not m:
            raise Unsupported("\\x form")
        return int(m.group(0), 16), i + 4
    if not e.isalnum():
        return ord(e), i + 2
    if not allow_set:
        raise Unsupported("set as range end")
    if e == "w":
        cs.add_predicate(is_word, False)
    elif e == "W":
        cs.add_predicate(lambda c: not is_word(c), True)
    elif e == "d":
        cs.add_predicate(is_digit, False)
    elif e == "D":
        cs.add_predicate(lambda c: not is_digit(c), True)
    elif e == "s":
        cs.add_predicate(lambda c: c in JAVA_SPACE, False)
    elif e == "S":
        cs.add_predicate(lambda c: c not in JAVA_SPACE, True)
    elif e == "p":
        m = re.match(r"\{([A-Z])\}", src[i + 2 :])
        if not m or m.group(1) not in CATEGORY_FLAGS:
            raise Unsupported("property form")
        cs.add_category(m.group(1))
        return None, i + 2 + len(m.group(0))
    else:
        raise Unsupported(f"escape \\{e}")
    return None, i + 2


def compile_fast(pattern):
    """If `pattern` is a single class repeated (`^?[...]+$?`, `[...]*`, `(?s).*`), return
    (ScalarSet, allows_empty); else None."""
    if pattern in ("(?s).*", "^(?s).*$"):
        cs = ScalarSet()
        cs.add_predicate(lambda c: True, True)
        return cs, True
    src = pattern
    start = 1 if src.startswith("^") else 0
    if start >= len(src) or src[start] != "[":
        return None
    try:
        cs, j = parse_class(src, start)
    except Unsupported:
        return None
    if j >= len(src) or src[j] not in "+*":
        return None
    quant = src[j]
    rest = src[j + 1 :]
    if rest not in ("", "$"):
        return None
    return cs, quant == "*"


ICU_CLASS_EXPANSIONS = {
    "w": "a-zA-Z0-9_", "d": "0-9", "s": " \\t\\n\\x0B\\f\\r",
    "W": "[^a-zA-Z0-9_]", "D": "[^0-9]", "S": "[^ \\t\\n\\x0B\\f\\r]",
}
ICU_EXPANSIONS = {
    "w": "[a-zA-Z0-9_]", "d": "[0-9]", "s": "[ \\t\\n\\x0B\\f\\r]",
    "W": "[^a-zA-Z0-9_]", "D": "[^0-9]", "S": "[^ \\t\\n\\x0B\\f\\r]",
}


def to_icu(pattern):
    """Translate a Java pattern to ICU (NSRegularExpression) syntax. The syntaxes agree except
    that Java's \\w \\d \\s (and negations) are ASCII-only while ICU's are Unicode-aware, so those
    are spelled out."""
    out = []
    depth = 0
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            e = pattern[i + 1]
            if e in ICU_EXPANSIONS:
                out.append(ICU_CLASS_EXPANSIONS[e] if depth > 0 else ICU_EXPANSIONS[e])
                i += 2
                # `[\w-x]` must not turn into the range `_-x`
                if depth > 0 and pattern.startswith("-", i) and not pattern.startswith("-]", i):
                    out.append("\\-")
                    i += 1
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]" and depth > 0:
            depth -= 1
        out.append(ch)
        i += 1
    return "".join(out)


def compile_split(pattern):
    """If `pattern` is `[A]+c[B]+` (one class repeated, one literal ASCII character, another class
    repeated, optionally anchored), return (A, c, B); else None. A user pool id is one."""
    src = pattern
    start = 1 if src.startswith("^") else 0
    if start >= len(src) or src[start] != "[":
        return None
    try:
        a, j = parse_class(src, start)
        if j >= len(src) or src[j] != "+":
            return None
        j += 1
        if j < len(src) and src[j] == "\\" and j + 1 < len(src) and not src[j + 1].isalnum():
            sep, j = src[j + 1], j + 2
        elif j < len(src) and (src[j].isalnum() or src[j] in "_-@:,=/ "):
            sep, j = src[j], j + 1
        else:
            return None
        if ord(sep) >= 128 or j >= len(src) or src[j] != "[":
            return None
        b, j = parse_class(src, j)
    except Unsupported:
        return None
    if j >= len(src) or src[j] != "+" or src[j + 1 :] not in ("", "$"):
        return None
    return a, sep, b


def scalar_class_swift(cs):
    """The `ScalarClass(...)` initializer for a compiled class."""
    bits = [(not b) if cs.negated else b for b in cs.ascii]
    low = sum(1 << c for c in range(64) if bits[c])
    high = sum(1 << (c - 64) for c in range(64, 128) if bits[c])
    cats = ", ".join("." + CATEGORY_FLAGS[c] for c in sorted(cs.categories, key=lambda c: "LMSNPZC".index(c)))
    ranges = ", ".join(f"0x{lo:X}...0x{hi:X}" for lo, hi in sorted(cs.ranges))
    args = [f"ascii: (0x{low:016X}, 0x{high:016X})"]
    if cs.categories:
        args.append(f"categories: [{cats}]")
    if cs.ranges:
        args.append(f"ranges: [{ranges}]")
    if cs.all_non_ascii:
        args.append("allNonASCII: true")
    if cs.negated:
        args.append("negated: true")
    return f"ScalarClass({', '.join(args)})"


def swift_pattern_decl(name, pattern):
    icu = to_icu(pattern)
    fast = compile_fast(pattern)
    if fast is None:
        split = compile_split(pattern)
        if split is not None:
            a, sep, b = split
            return (f"    public static let {name} = ModelPattern(\n"
                    f"        name: \"{name}\", {swift_string(pattern)},\n"
                    f"        icu: {swift_string(icu)},\n"
                    f"        split: {scalar_class_swift(a)},\n"
                    f"        separator: {swift_string(sep)}, then: {scalar_class_swift(b)}\n"
                    f"    )"), "splitClasses"
        return (f"    public static let {name} = ModelPattern(\n"
                f"        name: \"{name}\", {swift_string(pattern)},\n"
                f"        icu: {swift_string(icu)}\n"
                f"    )"), "icu"
    cs, allows_empty = fast
    return (f"    public static let {name} = ModelPattern(\n"
            f"        name: \"{name}\", {swift_string(pattern)},\n"
            f"        icu: {swift_string(icu)},\n"
            f"        scalars: {scalar_class_swift(cs)}, allowsEmpty: {'true' if allows_empty else 'false'}\n"
            f"    )"), "scalarClass"


# --------------------------------------------------------------------------------------------
# Generator


class Generator:
    def __init__(self, version, model):
        self.version = version
        self.model = model
        self.shapes = model["shapes"]
        self.header = f"// Generated by scripts/gen-model.py from botocore {version} — do not edit.\n"
        self.reachable = self.compute_reachable()
        self.structs = sorted(n for n in self.reachable
                              if self.shapes[n]["type"] == "structure" and not self.shapes[n].get("document"))
        self.check_no_recursion()
        # pattern statics, named after the first (sorted) shape using each distinct pattern
        self.pattern_names = {}
        for n in sorted(self.shapes):
            p = self.shapes[n].get("pattern")
            if p is not None and p not in self.pattern_names:
                self.pattern_names[p] = lower_camel(n)
        self.rule_names = {}  # shape name -> static rule name in ModelConstraints
        self._needs = {}

    # --- model queries

    def compute_reachable(self):
        seen = set()

        def visit(n):
            if n in seen:
                return
            s = self.shapes[n]
            if s.get("exception"):
                return
            seen.add(n)
            for m in s.get("members", {}).values():
                visit(m["shape"])
            if "member" in s:
                visit(s["member"]["shape"])
            if "key" in s:
                visit(s["key"]["shape"])
                visit(s["value"]["shape"])

        for op in self.model["operations"].values():
            visit(op["input"]["shape"])
            if "output" in op:
                visit(op["output"]["shape"])
        return seen

    def children(self, n):
        s = self.shapes[n]
        out = [m["shape"] for m in s.get("members", {}).values()]
        if "member" in s:
            out.append(s["member"]["shape"])
        if "value" in s:
            out.append(s["value"]["shape"])
        return out

    def check_no_recursion(self):
        # No structure in the cognito-idp model refers back to itself (checked here). Should one
        # appear, the generator stops rather than emit a struct that cannot be laid out.
        state = {}

        def dfs(n, stack):
            if state.get(n) == 1:
                sys.exit(f"gen-model: recursive shapes are not supported: {' -> '.join(stack + [n])}")
            if state.get(n) == 2:
                return
            state[n] = 1
            for c in self.children(n):
                dfs(c, stack + [n])
            state[n] = 2

        for n in self.structs:
            dfs(n, [])

    def swift_type(self, n):
        s = self.shapes[n]
        t = s["type"]
        if t in ("string", "blob"):
            return "String"
        if t in ("integer", "long"):
            return "Int"
        if t == "boolean":
            return "Bool"
        if t == "timestamp":
            return "Double"
        if t == "list":
            return f"[{self.swift_type(s['member']['shape'])}]"
        if t == "map":
            key = self.shapes[s["key"]["shape"]]
            if key["type"] != "string":
                sys.exit(f"gen-model: map {n} has a non-string key")
            return f"[String: {self.swift_type(s['value']['shape'])}]"
        if t == "structure":
            return "Document" if s.get("document") else type_name(n)
        sys.exit(f"gen-model: unsupported shape type {t} ({n})")

    def scalar_rule(self, n):
        """The ModelConstraints static for a constrained string/integer/blob shape, or None."""
        s = self.shapes[n]
        t = s["type"]
        if t == "string" and any(k in s for k in ("min", "max", "pattern", "enum")):
            return self.rule(n)
        if t in ("integer", "long", "blob") and any(k in s for k in ("min", "max")):
            return self.rule(n)
        return None

    def count_rule(self, n):
        s = self.shapes[n]
        if s["type"] in ("list", "map") and any(k in s for k in ("min", "max")):
            return self.rule(n)
        return None

    def rule(self, n):
        if n not in self.rule_names:
            self.rule_names[n] = lower_camel(n)
        return self.rule_names[n]

    def needs_validation(self, n):
        """Whether a value of shape n can ever fail validation."""
        if n in self._needs:
            return self._needs[n]
        s = self.shapes[n]
        t = s["type"]
        if t in ("string", "integer", "long", "blob"):
            r = self.scalar_rule(n) is not None
        elif t == "list":
            r = self.count_rule(n) is not None or self.needs_validation(s["member"]["shape"])
        elif t == "map":
            r = (self.count_rule(n) is not None or self.needs_validation(s["key"]["shape"])
                 or self.needs_validation(s["value"]["shape"]))
        elif t == "structure" and not s.get("document"):
            r = any(self.needs_validation(m["shape"]) for m in s["members"].values())
        else:
            r = False
        self._needs[n] = r
        return r

    # --- code for one structure

    def struct_code(self, n):
        s = self.shapes[n]
        name = type_name(n)
        members = s["members"]
        required = set(s.get("required", []))
        lines = []
        doc = f"/// The `{n}` shape of the cognito-idp model."
        if n != name:
            doc += f" (Renamed: `{n}` would shadow Swift's `{n}`.)"
        if s.get("sensitive"):
            doc += " Sensitive: values are never echoed in validation messages."
        lines.append(doc)
        lines.append(f"public struct {name}: ModelShape {{")
        props = []
        for wire, m in members.items():
            prop = lower_camel(wire)
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", prop):
                sys.exit(f"gen-model: cannot name member {n}.{wire}")
            st = self.swift_type(m["shape"])
            opt = wire not in required
            props.append((wire, prop, st, opt, m))
        seen = set()
        for _, prop, _, _, _ in props:
            if prop in seen:
                sys.exit(f"gen-model: two members of {n} map to the property {prop}")
            seen.add(prop)
        for wire, prop, st, opt, m in props:
            if m.get("deprecated"):
                lines.append("    /// Deprecated in the model" + (f": {m['deprecatedMessage']}" if m.get("deprecatedMessage") else "."))
            lines.append(f"    public var {swift_ident(prop)}: {st}{'?' if opt else ''}")
        if props:
            lines.append("")
        # memberwise init
        params = ", ".join(f"{swift_ident(prop)}: {st}{'? = nil' if opt else ''}" for _, prop, st, opt, _ in props)
        if props:
            lines.append(f"    public init({params}) {{")
            for _, prop, _, _, _ in props:
                lines.append(f"        self.{swift_ident(prop)} = {swift_ident(prop)}")
            lines.append("    }")
            lines.append("")
            lines.append("    enum CodingKeys: String, ModelMemberKey {")
            for wire, prop, _, _, _ in props:
                lines.append(f"        case {swift_ident(prop)} = \"{wire}\"")
            lines.append("    }")
        else:
            lines.append("    public init() {}")
        lines.append("")
        # validation
        body = []
        hide = bool(s.get("sensitive"))
        for wire, prop, st, opt, m in props:
            override = MEMBER_RULE_OVERRIDES.get((n, wire))
            if override:
                ref = swift_ident(prop)
                check = f"ModelConstraints.{override}.check({'v' if opt else 'self.' + ref}, path, \"{lower_first(wire)}\", into: &errors)"
                body.extend([f"if let v = {ref} {{", "    " + check, "}"] if opt else [check])
                continue
            body.extend(self.member_validation(prop, wire, m["shape"], opt, hide))
        if body:
            lines.append("    public func validate(path: String, into errors: inout [ValidationError]) {")
            lines.extend("        " + b for b in body)
            lines.append("    }")
        else:
            lines.append("    public func validate(path: String, into errors: inout [ValidationError]) {}")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def member_validation(self, prop, wire, shape, optional, hide):
        if not self.needs_validation(shape):
            return []
        path_name = lower_first(wire)
        ref = swift_ident(prop)
        inner = self.value_validation("v" if optional else "self." + ref, shape, "path", path_name, hide)
        if not inner:
            return []
        if optional:
            return [f"if let v = {ref} {{"] + ["    " + x for x in inner] + ["}"]
        return inner

    def value_validation(self, expr, shape, parent, name, hide):
        """Statements validating `expr` (of `shape`) found at member `name` under path `parent`."""
        s = self.shapes[shape]
        t = s["type"]
        hide_arg = ", hidingValue: true" if hide else ""
        out = []
        if t in ("string", "integer", "long", "blob"):
            rule = self.scalar_rule(shape)
            if rule:
                out.append(f"ModelConstraints.{rule}.check({expr}, {parent}, \"{name}\"{hide_arg}, into: &errors)")
        elif t == "structure":
            out.append(f"{expr}.validate(path: ModelValidation.join({parent}, \"{name}\"), into: &errors)")
        elif t == "list":
            rule = self.count_rule(shape)
            if rule:
                out.append(f"ModelConstraints.{rule}.check(count: {expr}.count, {parent}, \"{name}\", into: &errors)")
            el = s["member"]["shape"]
            if self.needs_validation(el):
                et = self.shapes[el]["type"]
                if et == "structure":
                    out.append(f"for (i, e) in {expr}.enumerated() {{")
                    out.append(f"    e.validate(path: ModelValidation.join({parent}, \"{name}\") + \".\\(i + 1).member\", into: &errors)")
                    out.append("}")
                elif et in ("string", "integer", "long", "blob"):
                    out.append(f"ModelConstraints.{self.scalar_rule(el)}.checkMembers({expr}, {parent}, \"{name}\", into: &errors)")
                else:
                    sys.exit(f"gen-model: list {shape} of {et} is not supported")
        elif t == "map":
            rule = self.count_rule(shape)
            if rule:
                out.append(f"ModelConstraints.{rule}.check(count: {expr}.count, {parent}, \"{name}\", into: &errors)")
            k = s["key"]["shape"]
            if self.needs_validation(k):
                out.append(f"ModelConstraints.{self.scalar_rule(k)}.checkMapKeys({expr}.keys, {parent}, \"{name}\", into: &errors)")
            v = s["value"]["shape"]
            if self.needs_validation(v):
                vt = self.shapes[v]["type"]
                if vt == "structure":
                    # sorted so that the order of the messages does not depend on hashing
                    out.append(f"for (k, e) in {expr}.sorted(by: {{ $0.key < $1.key }}) {{")
                    out.append(f"    e.validate(path: ModelValidation.join({parent}, \"{name}\") + \".\\(k).member\", into: &errors)")
                    out.append("}")
                elif vt in ("string", "integer", "long", "blob"):
                    out.append(f"ModelConstraints.{self.scalar_rule(v)}.checkMapValues({expr}.values, {parent}, \"{name}\", into: &errors)")
                else:
                    sys.exit(f"gen-model: map {shape} of {vt} is not supported")
        return out

    # --- files

    def shape_files(self):
        """Split the structs into SHAPE_FILE_COUNT files by first letter, balancing line counts."""
        codes = {n: self.struct_code(n) for n in self.structs}
        by_letter = {}
        for n in self.structs:
            by_letter.setdefault(n[0].upper(), []).append(n)
        letters = sorted(by_letter)
        weight = {l: sum(codes[n].count("\n") for n in by_letter[l]) for l in letters}
        total = sum(weight.values())
        groups, cur, acc = [], [], 0
        for idx, l in enumerate(letters):
            cur.append(l)
            acc += weight[l]
            remaining_groups = SHAPE_FILE_COUNT - len(groups) - 1
            target = total * (len(groups) + 1) / SHAPE_FILE_COUNT
            if remaining_groups > 0 and acc >= target - weight[l] / 2 and idx < len(letters) - 1:
                groups.append(cur)
                cur = []
        if cur:
            groups.append(cur)
        files = {}
        for g in groups:
            label = g[0] if len(g) == 1 else f"{g[0]}-{g[-1]}"
            body = [self.header, "// Structures of the cognito-idp model whose names start with " + (
                g[0] if len(g) == 1 else f"{g[0]} to {g[-1]}") + ".\n"]
            for l in g:
                for n in by_letter[l]:
                    body.append("\n" + codes[n])
            files[f"Shapes+{label}.swift"] = "".join(body)
        return files

    def constraints_file(self):
        lines = [self.header, "\n",
                 "/// One validation rule per constrained shape of the model; the generated `validate` methods\n",
                 "/// share them.\n",
                 "enum ModelConstraints {\n"]
        for n in sorted(self.rule_names, key=lambda x: self.rule_names[x]):
            s = self.shapes[n]
            t = s["type"]
            name = self.rule_names[n]
            if t == "string":
                args = []
                if "min" in s:
                    args.append(f"min: {s['min']}")
                if "max" in s:
                    args.append(f"max: {s['max']}")
                if "pattern" in s:
                    args.append(f"pattern: ModelPatterns.{self.pattern_names[s['pattern']]}")
                if "enum" in s:
                    args.append("allowed: [" + ", ".join(swift_string(e) for e in s["enum"]) + "]")
                if s.get("sensitive"):
                    args.append("sensitive: true")
                lines.append(f"    static let {name} = StringRule({', '.join(args)})\n")
            elif t in ("integer", "long"):
                args = [f"{k}: {s[k]}" for k in ("min", "max") if k in s]
                lines.append(f"    static let {name} = IntRule({', '.join(args)})\n")
            elif t == "blob":
                args = [f"{k}: {s[k]}" for k in ("min", "max") if k in s]
                lines.append(f"    static let {name} = BlobRule({', '.join(args)})\n")
            else:
                args = [f"{k}: {s[k]}" for k in ("min", "max") if k in s]
                lines.append(f"    static let {name} = CountRule({', '.join(args)})\n")
        lines.append("}\n")
        return "".join(lines)

    def patterns_file(self):
        used = {}
        for n in self.reachable:
            p = self.shapes[n].get("pattern")
            if p is not None:
                used[p] = self.pattern_names[p]
        lines = [self.header, "\n",
                 "/// Every distinct `pattern` of the model, compiled once. `scalarClass` patterns (a single\n",
                 "/// character class repeated) and `splitClasses` ones (class, separator, class) are checked\n",
                 "/// by a scalar loop; the others by NSRegularExpression\n",
                 "/// with the Java syntax translated to ICU (`icu`). See ModelPattern.swift.\n",
                 "public enum ModelPatterns {\n"]
        engines = {}
        for p, name in sorted(used.items(), key=lambda kv: kv[1]):
            decl, engine = swift_pattern_decl(name, p)
            engines[name] = engine
            lines.append(decl + "\n\n")
        lines.append("    /// All of the above, sorted by name.\n")
        lines.append("    public static let all: [ModelPattern] = [\n")
        for name in sorted(engines):
            lines.append(f"        {name},\n")
        lines.append("    ]\n}\n")
        self.pattern_engines = engines
        return "".join(lines)

    def operations_file(self):
        ops = self.model["operations"]
        lines = [self.header, "\n",
                 "/// One operation of the cognito-idp API as described by the model.\n",
                 "public struct OperationInfo: Sendable, Equatable {\n",
                 "    /// The operation name, as in `X-Amz-Target: AWSCognitoIdentityProviderService.<name>`.\n",
                 "    public let name: String\n",
                 "    public let inputShape: String\n",
                 "    public let outputShape: String?\n",
                 "    /// False for the operations the model marks `authtype: none` / `smithy.api#noAuth`\n",
                 "    /// (called by end users with a client id or token instead of SigV4 credentials).\n",
                 "    public let requiresSignature: Bool\n",
                 "    /// The exception shapes the model lists for the operation, sorted.\n",
                 "    public let errors: [String]\n",
                 "\n",
                 "    public init(name: String, inputShape: String, outputShape: String?, requiresSignature: Bool, errors: [String]) {\n",
                 "        self.name = name\n",
                 "        self.inputShape = inputShape\n",
                 "        self.outputShape = outputShape\n",
                 "        self.requiresSignature = requiresSignature\n",
                 "        self.errors = errors\n",
                 "    }\n",
                 "}\n\n",
                 "public enum CognitoOperations {\n",
                 f"    /// The botocore release the model was taken from.\n",
                 f"    public static let botocoreVersion = \"{self.version}\"\n",
                 f"    public static let apiVersion = \"{self.model['metadata']['apiVersion']}\"\n",
                 f"    public static let targetPrefix = \"{self.model['metadata']['targetPrefix']}\"\n\n",
                 f"    /// Every operation of the model ({len(ops)}), sorted by name.\n",
                 "    public static let all: [OperationInfo] = [\n"]
        for name in sorted(ops):
            op = ops[name]
            public = op.get("authtype") == "none" or "smithy.api#noAuth" in op.get("auth", [])
            out = f"\"{op['output']['shape']}\"" if "output" in op else "nil"
            errs = ", ".join(f"\"{e}\"" for e in sorted(e["shape"] for e in op.get("errors", [])))
            lines.append(f"        OperationInfo(\n"
                         f"            name: \"{name}\", inputShape: \"{op['input']['shape']}\", outputShape: {out},\n"
                         f"            requiresSignature: {'false' if public else 'true'},\n"
                         f"            errors: [{errs}]\n"
                         f"        ),\n")
        lines.append("    ]\n\n")
        lines.append("    private static let byName: [String: OperationInfo] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })\n\n")
        lines.append("    /// The operation called `name` (case-sensitive, as in the X-Amz-Target header), if the model has one.\n")
        lines.append("    public static func named(_ name: String) -> OperationInfo? { byName[name] }\n")
        lines.append("}\n")
        return "".join(lines)

    def error_codes_file(self):
        exc = sorted(n for n, s in self.shapes.items() if s.get("exception"))
        lines = [self.header, "\n",
                 "/// One code per exception shape of the model. Faults (InternalErrorException,\n",
                 "/// InternalServerException) are HTTP 500, the others 400.\n",
                 "extension CognitoErrorCode {\n"]
        names = []
        for n in exc:
            base = n[: -len("Exception")] if n.endswith("Exception") else n
            static = swift_ident(lower_camel(base))
            status = 500 if self.shapes[n].get("fault") else 400
            arg = f", httpStatus: {status}" if status != 400 else ""
            lines.append(f"    public static let {static} = CognitoErrorCode(\"{n}\"{arg})\n")
            names.append(static)
        lines.append("\n    /// Every code above (the exceptions of the model), sorted by name.\n")
        lines.append("    public static let modelled: [CognitoErrorCode] = [\n")
        for s in names:
            lines.append(f"        .{s},\n")
        lines.append("    ]\n}\n")
        return "".join(lines)

    def wire_kind(self, n):
        s = self.shapes[n]
        t = s["type"]
        if t == "string":
            return ".string"
        if t in ("integer", "long"):
            return ".integer"
        if t == "boolean":
            return ".boolean"
        if t == "timestamp":
            return ".timestamp"
        if t == "blob":
            return ".blob"
        if t == "list":
            return f".list({self.wire_kind(s['member']['shape'])})"
        if t == "map":
            return f".map({self.wire_kind(s['value']['shape'])})"
        if t == "structure":
            return ".document" if s.get("document") else f".structure(\"{n}\")"
        sys.exit(f"gen-model: unsupported shape type {t} ({n})")

    def schema_file(self):
        lines = [self.header, "\n",
                 "extension ModelSchema {\n",
                 "    /// The members of the structure shape `name` in model order, or nil for a name that is not one.\n",
                 "    public static func members(of name: String) -> [WireMember]? {\n",
                 "        switch name {\n"]
        for n in self.structs:
            s = self.shapes[n]
            required = set(s.get("required", []))
            members = s["members"]
            if not members:
                lines.append(f"        case \"{n}\": return []\n")
                continue
            lines.append(f"        case \"{n}\": return [\n")
            for wire, m in members.items():
                req = ", required: true" if wire in required else ""
                lines.append(f"            WireMember(\"{wire}\", {self.wire_kind(m['shape'])}{req}),\n")
            lines.append("        ]\n")
        lines.append("        default: return nil\n")
        lines.append("        }\n    }\n}\n")
        return "".join(lines)

    def generate(self):
        files = self.shape_files()
        # ModelConstraints is filled while generating the structs, so it comes after them
        files["Constraints.swift"] = self.constraints_file()
        files["Patterns.swift"] = self.patterns_file()
        files["Operations.swift"] = self.operations_file()
        files["ErrorCodes.swift"] = self.error_codes_file()
        files["Schema.swift"] = self.schema_file()
        return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--output", default=DEFAULT_OUTPUT, help="output directory (default: %(default)s)")
    ap.add_argument("--check", action="store_true", help="exit 1 if the files on disk are not up to date")
    ap.add_argument("--summary", action="store_true", help="print what was generated")
    args = ap.parse_args()

    version, model = load_model()
    gen = Generator(version, model)
    files = gen.generate()

    existing = set()
    if os.path.isdir(args.output):
        existing = {f for f in os.listdir(args.output) if f.endswith(".swift")}
    if args.check:
        stale = []
        for name, text in sorted(files.items()):
            path = os.path.join(args.output, name)
            old = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
            if old != text:
                stale.append(name)
                sys.stderr.writelines(list(difflib.unified_diff(
                    old.splitlines(True), text.splitlines(True), f"a/{name}", f"b/{name}"))[:40])
        stale += sorted(existing - set(files))
        if stale:
            sys.exit(f"gen-model: out of date: {', '.join(stale)} (run python3 scripts/gen-model.py)")
        return
    os.makedirs(args.output, exist_ok=True)
    for extra in sorted(existing - set(files)):
        os.remove(os.path.join(args.output, extra))
    for name, text in sorted(files.items()):
        with open(os.path.join(args.output, name), "w", encoding="utf-8") as f:
            f.write(text)
    if args.summary:
        total = sum(t.count("\n") for t in files.values())
        print(f"botocore {version}: {len(gen.structs)} structures, {len(model['operations'])} operations, "
              f"{len(gen.pattern_engines)} patterns, {total} lines")
        for name in sorted(files):
            print(f"  {name}: {files[name].count(chr(10))} lines")
        for name, engine in sorted(gen.pattern_engines.items()):
            print(f"  pattern {name}: {engine}")


if __name__ == "__main__":
    main()
