/// The one line dockstore prints for an argument error: the parser's own first line (it
/// names the option or argument) and which help to read, instead of its usage block.
enum ArgumentErrorLine {
    static func text(_ message: String, arguments: [String]) -> String {
        let first = message.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? "bad arguments"
        let reason = first.hasPrefix("Error: ") ? String(first.dropFirst("Error: ".count)) : first
        let commands = Set(Dockstore.configuration.subcommands.map { $0._commandName })
        let help = arguments.first(where: { commands.contains($0) }).map { "dockstore \($0) --help" } ?? "dockstore --help"
        return "\(reason); see \(help)"
    }
}
