import DockStoreCore

extension CheckOptions {
    /// The options an UNKNOWN for a command line the parser refused is told by: where the store
    /// is (`--root`, `--mountpoint`), how to answer (`--format`) and where the textfile goes
    /// (`--textfile`), read from argv as far as they can be (outside attack 12, B06: an unknown
    /// option, a typo, an extra argument or a trailing option without its value left the
    /// textfile's older OK in place and answered `--format json` with the Nagios line). An
    /// option is read when its value is there (`--name value` or `--name=value`); a word that
    /// is no known option is passed over, and takes no value with it, so `--bogus --textfile
    /// DIR` still finds DIR. A value the parser would refuse (`--format xml`) leaves the default.
    init(lenient arguments: [String]) {
        self.init()
        guard arguments.count > 1, arguments[1] == "check" else { return }
        var index = 2
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            var name = word
            var value: String? = nil
            if word.hasPrefix("--"), let equals = word.firstIndex(of: "=") {
                name = String(word[..<equals])
                value = String(word[word.index(after: equals)...])
            }
            guard ["--root", "--mountpoint", "--format", "--textfile"].contains(name) else { continue }
            if value == nil {
                // The next word is the value unless it is another option (the parser then says
                // the value is missing).
                guard index < arguments.count, !arguments[index].hasPrefix("-") || arguments[index] == "-" else { continue }
                value = arguments[index]
                index += 1
            }
            guard let value else { continue }
            switch name {
            case "--root": root = value
            case "--mountpoint": mountpoint = value
            case "--format": if Self.formats.contains(value) { format = value }
            default: textfile = value
            }
        }
    }

    /// check's answer to a command line the parser refused (`message` is the parser's):
    /// UNKNOWN (3), printed in the format asked for and written to the textfile as every run's
    /// result is (dockstore-check(8)), as a bad threshold value already was. Without a usable
    /// `--root` the textfile's folder cannot be told, and none is written.
    static func parserRefusal(_ message: String, arguments: [String]) -> Int32 {
        let options = CheckOptions(lenient: arguments)
        let text = ArgumentErrorLine.text(message, arguments: Array(arguments.dropFirst()))
        var host: Host? = nil
        do { host = try Host(root: options.root) } catch { host = nil }
        return CheckRunner.unknown(DockStoreError.usage(text), options, host: host, timestamp: WallClock.now())
    }
}
