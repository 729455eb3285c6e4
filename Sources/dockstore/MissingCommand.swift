/// A command line without a command (`dockstore`, `dockstore --root DIR`) or asking help for a
/// command that does not exist (`dockstore help nosuch`): swift-argument-parser prints the
/// whole help and exits 0, so a script that lost its command word "succeeded". Refused as the
/// bad input it is (attack 31 Q D3): one line naming the commands, exit 64.
enum MissingCommand {
    /// The refusal for `arguments` (without the program's name), or nil when a command is given
    /// (or only help or the version is asked for).
    /// The parser's command list is asked only for such a line: check, run every minute, skips
    /// swift-argument-parser's start-up (`CheckOptions(fastPath:)`).
    static func refusal(_ arguments: [String]) -> String? {
        if arguments.contains(where: { ["--help", "-h", "--version"].contains($0) }) { return nil }
        let asksHelp = arguments.first == "help" && arguments.count > 1
        guard asksHelp || GlobalArguments.withoutLeadingGlobals(arguments).isEmpty else { return nil }
        let commands = Dockstore.configuration.subcommands.map { $0._commandName }
        let list = commands.joined(separator: ", ")
        if asksHelp {
            guard !commands.contains(arguments[1]) else { return nil }
            return "there is no command '\(arguments[1])' to show help for: the commands are \(list); see dockstore --help"
        }
        return "no command given: give one of \(list); see dockstore --help"
    }
}
