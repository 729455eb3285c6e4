/// The Go type dockerd 20.10 decodes a daemon.json value into, and how Go's `encoding/json`
/// (Go 1.19, what Debian built docker.io 20.10 with) treats a JSON value of another shape: it
/// refuses it ("json: cannot unmarshal string into Go struct field Config.debug of type
/// bool"), and dockerd stops. `null` is the zero value for every type but `MemBytes`, whose
/// own UnmarshalJSON is called with `null` and refuses it.
indirect enum DockerdValueType: Equatable, Sendable {
    case bool
    case string
    /// Go's int and int64 (64-bit): strconv.ParseInt, so no fraction, no exponent, in range.
    case int64
    /// Go's uint32: strconv.ParseUint with 32 bits.
    case uint32
    /// opts.MemBytes (`default-shm-size`): a JSON string, never a number or null, whose bytes as
    /// written between the quotes (escapes are not decoded) are a size go-units' RAMInBytes
    /// parses (`GoSize`).
    case sizeString
    /// A Go slice: a JSON array whose items are each this type.
    case array(DockerdValueType)
    /// A Go map with string keys: a JSON object whose values are each this type.
    case map(DockerdValueType)
    /// A Go struct: a JSON object; a key matches a field as Go matches it (the exact name,
    /// else the name in another ASCII case, `K` also U+212A and `s` also U+017F), and a key that
    /// matches no field is skipped.
    case fields([String: DockerdValueType])
    /// config.BuilderGCFilter: an array of `key=value` strings (an item without `=` makes
    /// dockerd panic), or the older form, an object of objects of booleans.
    case gcFilter

    /// What dockerd expects, for messages.
    var expected: String {
        switch self {
        case .bool: "a boolean (true or false)"
        case .string: "a string"
        case .int64: "an integer"
        case .uint32: "an integer from 0 to 4294967295"
        case .sizeString: "a size as a string (such as \"64m\")"
        case .array(.string): "an array of strings"
        case .array(let item): "an array whose items are each \(item.expected)"
        case .map(let value): "an object whose values are each \(value.expected)"
        case .fields: "an object"
        case .gcFilter: "an array of \"key=value\" strings"
        }
    }

    /// One value that dockerd refuses: where it is (`"log-opts"."max-file"`, `"dns"[0]`), what it
    /// holds and what dockerd expects there.
    struct Mismatch: Equatable, Sendable {
        var path: String
        var found: String
        var expected: String
    }

    /// The values inside `value` that Go's decoder refuses for this type; `path` names `value`.
    /// `raw`, for a string value, is its bytes as written between the quotes, which is what
    /// MemBytes parses.
    func mismatches(_ value: GoJSON.Value, at path: String, raw: [UInt8]? = nil) -> [Mismatch] {
        func refused(_ found: String? = nil) -> [Mismatch] {
            [Mismatch(path: path, found: found ?? Self.shown(value), expected: expected)]
        }
        if case .null = value { return self == .sizeString ? refused() : [] }
        switch (self, value) {
        case (.bool, .bool), (.string, .string): return []
        case (.int64, .number(let text)): return Int64(text) == nil ? refused() : []
        case (.uint32, .number(let text)): return text.hasPrefix("-") || UInt32(text) == nil ? refused() : []
        case (.sizeString, .string(let text)):
            if text.isEmpty { return refused("an empty string") }
            let written = raw ?? Array(text.utf8)
            return GoSize.ramInBytesAccepts(written) ? [] : refused("the string \"\(String(decoding: written, as: UTF8.self))\", not a size")
        case (.array(let item), .array(let items)):
            return items.enumerated().flatMap { item.mismatches($0.element, at: "\(path)[\($0.offset)]") }
        case (.map(let type), .object(let object)):
            return object.members.flatMap { type.mismatches($0.value, at: "\(path).\(DaemonJSON.quoted($0.key))") }
        case (.fields(let fields), .object(let object)):
            return object.members.flatMap { member -> [Mismatch] in
                guard let type = Self.field(member.key, in: fields) else { return [] }
                return type.mismatches(member.value, at: "\(path).\(DaemonJSON.quoted(member.key))")
            }
        case (.gcFilter, .array(let items)):
            return items.enumerated().flatMap { item -> [Mismatch] in
                let at = "\(path)[\(item.offset)]"
                guard case .string(let text) = item.element else {
                    return [Mismatch(path: at, found: Self.shown(item.element), expected: "a \"key=value\" string")]
                }
                return text.contains("=") ? [] : [Mismatch(path: at, found: "a string without \"=\"", expected: "a \"key=value\" string")]
            }
        case (.gcFilter, .object):
            return DockerdValueType.map(.map(.bool)).mismatches(value, at: path)
        default: return refused()
        }
    }

    /// The field Go's decoder stores `key` in: the exact name first, else one that folds to it.
    static func field(_ key: String, in fields: [String: DockerdValueType]) -> DockerdValueType? {
        if let exact = fields[key] { return exact }
        return fields.first { foldsEqual(name: $0.key, key: key) }?.value
    }

    /// Go 1.19 encoding/json fold.go for an ASCII field name: ASCII letters match in either
    /// case, `k` also the Kelvin sign, `s` also the long s; every other character only itself.
    static func foldsEqual(name: String, key: String) -> Bool {
        let n = Array(name.unicodeScalars), k = Array(key.unicodeScalars)
        guard n.count == k.count else { return false }
        func lower(_ c: Unicode.Scalar) -> Unicode.Scalar {
            ("A"..."Z").contains(c) ? Unicode.Scalar(UInt8(c.value) + 0x20) : c
        }
        return zip(n, k).allSatisfy { a, b in
            if a == b { return true }
            let letter = lower(a)
            guard ("a"..."z").contains(letter) else { return false }
            if b.isASCII { return lower(b) == letter }
            return (letter == "k" && b == "\u{212A}") || (letter == "s" && b == "\u{017F}")
        }
    }

    /// A JSON value as a message names it.
    static func shown(_ value: GoJSON.Value) -> String {
        switch value {
        case .null: "null"
        case .bool(let b): "the boolean \(b)"
        case .number(let text): "the number \(text)"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
