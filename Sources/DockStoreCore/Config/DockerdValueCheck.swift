/// The value checks dockerd 20.10's flags make while pflag parses them (a failed one stops
/// dockerd: `invalid argument "x" for "--mtu" flag`), for the flags dockstore checks:
/// - `.integer`: pflag's IntVar/Int64Var, strconv.ParseInt(s, 0, 64): an optional sign, then
///   decimal, `0x` hex, `0o`/`0` octal or `0b` binary digits, within 64 bits. Go also takes `_`
///   between digits after a base prefix; dockstore refuses those (fail closed).
/// - `.label`: opts.ValidateLabel (`--label`): at least one `=`, and not in the reserved
///   namespaces com.docker.*, io.docker.*, org.dockerproject.*.
/// The values of other flags (`--dns`, `-H`, `--default-ulimit`, `--add-runtime`, …) are not
/// checked here: dockerd may still refuse one dockstore passes.
enum DockerdValueCheck: Sendable, Equatable {
    case integer
    case label

    /// Why dockerd refuses `value`, or nil when it takes it.
    func refusal(_ value: String) -> String? {
        switch self {
        case .integer:
            return Self.goInteger(value) == nil ? "it takes an integer" : nil
        case .label:
            guard value.contains("=") else { return "bad attribute format: a label is key=value" }
            let lowered = value.lowercased()
            if ["com.docker.", "io.docker.", "org.dockerproject."].contains(where: { lowered.hasPrefix($0) }) {
                return "the namespaces com.docker.*, io.docker.*, and org.dockerproject.* are reserved for internal use"
            }
            return nil
        }
    }

    /// strconv.ParseInt(value, 0, 64), without `_` separators.
    static func goInteger(_ value: String) -> Int64? {
        var rest = Substring(value)
        var sign = ""
        if let first = rest.first, first == "+" || first == "-" {
            sign = first == "-" ? "-" : ""
            rest = rest.dropFirst()
        }
        var radix = 10
        let lower = rest.lowercased()
        if lower.hasPrefix("0x") { radix = 16; rest = rest.dropFirst(2) }
        else if lower.hasPrefix("0o") { radix = 8; rest = rest.dropFirst(2) }
        else if lower.hasPrefix("0b") { radix = 2; rest = rest.dropFirst(2) }
        else if rest.count > 1, rest.hasPrefix("0") { radix = 8; rest = rest.dropFirst() }
        guard !rest.isEmpty, rest.allSatisfy({ $0.isASCII && $0.isHexDigit }) else { return nil }
        return Int64(sign + rest, radix: radix)
    }
}
