/// check's `-w20%:` and `-c10%:`: getopt (and so every monitoring-plugins plugin) reads a short
/// option's value attached to it, and NRPE command lines are written `-w$ARG1$`;
/// swift-argument-parser takes `-w20%:` for an unknown option. Only check's -w and -c, and
/// only where an option is expected (not as another option's value), become `-w 20%:`;
/// `-w=20%:` is left to the parser, which already reads it as `20%:`.
enum CheckShortValues {
    static func split(_ arguments: [String]) -> [String] {
        guard arguments.count > 2, arguments[1] == "check" else { return arguments }
        var result = Array(arguments[..<2])
        var index = 2
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if (word.hasPrefix("-w") || word.hasPrefix("-c")), word.count > 2, !word.hasPrefix("-w="), !word.hasPrefix("-c=") {
                result.append(String(word.prefix(2)))
                result.append(String(word.dropFirst(2)))
                continue
            }
            result.append(word)
            // Every check option takes a value: the next word is it, unless given as --name=value.
            if word.hasPrefix("-"), !word.contains("="), index < arguments.count, !["--help", "-h", "--version"].contains(word) {
                result.append(arguments[index])
                index += 1
            }
        }
        return result
    }
}
