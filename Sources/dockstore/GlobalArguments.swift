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
