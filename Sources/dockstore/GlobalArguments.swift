/// Global options typed before the command (`dockstore --root DIR provision`), moved after
/// it where swift-argument-parser and check's fast path read them; `--help`, `--version`
/// and anything unknown stay where they are, so the parser still reports them.
enum GlobalArguments {
    static let global: Set<String> = ["--root"]

    static func hoisted(_ arguments: [String]) -> [String] {
        guard arguments.count > 1 else { return arguments }
        var leading: [String] = []
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            if let equals = argument.firstIndex(of: "="), global.contains(String(argument[..<equals])) {
                leading.append(argument)
                index += 1
            } else if global.contains(argument), index + 1 < arguments.count {
                leading += [argument, arguments[index + 1]]
                index += 2
            } else {
                break
            }
        }
        guard !leading.isEmpty, index < arguments.count, !arguments[index].hasPrefix("-") else { return arguments }
        return [arguments[0], arguments[index]] + leading + arguments[(index + 1)...]
    }
}

extension GlobalArguments {
    /// `arguments` without the global options typed before the command (`--root DIR`).
    static func withoutLeadingGlobals(_ arguments: [String]) -> ArraySlice<String> {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if let equals = argument.firstIndex(of: "="), global.contains(String(argument[..<equals])) {
                index += 1
            } else if global.contains(argument) {
                index += 2
            } else {
                break
            }
        }
        return arguments.dropFirst(min(index, arguments.count))
    }

    /// `--size -1` reaches the parser as `--size=-1`: swift-argument-parser takes `-1` for a
    /// short option and reports "Missing value", hiding the real mistake (a negative size).
    /// No dockstore option is a digit, so `-` and a digit after a long option is always its
    /// value; the option's own check then names what is wrong with it.
    static func joiningNegativeValues(_ arguments: [String]) -> [String] {
        var result: [String] = []
        result.reserveCapacity(arguments.count)
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--"), argument.count > 2, !argument.contains("="), index + 1 < arguments.count,
               isNegativeNumber(arguments[index + 1]) {
                result.append(argument + "=" + arguments[index + 1])
                index += 2
            } else {
                result.append(argument)
                index += 1
            }
        }
        return result
    }

    private static func isNegativeNumber(_ argument: String) -> Bool {
        let utf8 = argument.utf8
        guard utf8.count > 1, utf8.first == UInt8(ascii: "-") else { return false }
        let second = utf8[utf8.index(after: utf8.startIndex)]
        return second >= UInt8(ascii: "0") && second <= UInt8(ascii: "9")
    }
}
