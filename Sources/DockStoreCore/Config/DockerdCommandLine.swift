/// A dockerd 20.10 command line (the words of DOCKER_OPTS) split into flags exactly as its flag
/// parser, spf13/pflag v1.0.5 (flag.go: parseArgs, parseLongArg, parseSingleShortArg), splits it,
/// with the flags of `DockerdFlags`:
/// - `--name=value`; `--name value`: a flag that takes a value takes the next word whatever it
///   is, even `--storage-driver=x`; a bool `--name` is true, `--name=V` takes strconv.ParseBool's
///   words only;
/// - shorthands cluster: `-Ds vfs` is `-D` then `-s vfs`, `-Dsvfs` is `-D -s vfs`, `-s=vfs` is
///   `-s vfs`: a bool shorthand leaves the rest of the word to the next shorthand, a value
///   shorthand takes the rest of the word (after one `=`), or the next word when none is left;
/// - `--` ends the flags.
/// dockerd does not start when a value flag has no word left ("flag needs an argument"), on an
/// unknown flag, on a bad bool value, on any word that is no flag ("accepts no arguments", also
/// after `--`), or when the line asks for its help or version (it prints them and exits).
/// Values are checked as pflag's Value.Set checks them for bools, integers and labels
/// (`DockerdValueCheck`); other values are not (a `--dns x` dockerd refuses passes here).
public struct DockerdCommandLine: Sendable, Equatable {
    /// One flag as given.
    public struct Setting: Sendable, Equatable {
        var flag: DockerdFlags.Flag
        var value: String
        /// The words it takes up: its own, and the next one when that is its value.
        var words: Range<Int>
        /// For a shorthand inside a cluster, the bool shorthands before it in its word (`-D` of
        /// `-Ds`); nil when the flag begins its word.
        var clusterPrefix: String?
    }

    /// Why dockerd would not start on these words: the word (and its index) and dockerd's reason.
    public struct Refusal: Error, Sendable, Equatable {
        public var index: Int
        public var word: String
        public var reason: String
    }

    var settings: [Setting]

    /// The last value given for the flag named `name` (pflag's last one wins for a single value).
    func last(_ name: String) -> String? {
        settings.last { $0.flag.name == name }?.value
    }

    static let boolWords: [String: Bool] = ["1": true, "t": true, "T": true, "TRUE": true, "true": true, "True": true,
                                             "0": false, "f": false, "F": false, "FALSE": false, "false": false, "False": false]

    init(parsing words: [String]) throws(Refusal) {
        settings = []
        var index = 0
        func refuse(_ reason: String) -> Refusal { Refusal(index: index, word: words[index], reason: reason) }
        while index < words.count {
            let word = words[index]
            let scalars = Array(word.unicodeScalars)
            if scalars.count < 2 || scalars[0] != "-" {
                throw refuse("it is no flag, and dockerd accepts no arguments")
            }
            if scalars[1] == "-" {
                if scalars.count == 2 {
                    guard index + 1 == words.count else {
                        index += 1
                        throw refuse("it follows --, and dockerd accepts no arguments")
                    }
                    return
                }
                let body = String(String.UnicodeScalarView(scalars[2...]))
                if body.hasPrefix("-") || body.hasPrefix("=") { throw refuse("bad flag syntax") }
                let name: String
                let inline: String?
                if let equals = body.firstIndex(of: "=") {
                    name = String(body[..<equals])
                    inline = String(body[body.index(after: equals)...])
                } else {
                    (name, inline) = (body, nil)
                }
                guard let flag = DockerdFlags.byName[name] else {
                    throw refuse(name == "help" ? "dockerd prints its help and exits" : "unknown flag: --\(name)")
                }
                var value: String
                var width = 1
                if let inline {
                    value = inline
                } else if flag.bool {
                    value = "true"
                } else if index + 1 < words.count {
                    value = words[index + 1]
                    width = 2
                } else {
                    throw refuse("flag needs an argument: \(word)")
                }
                value = try Self.checked(value, flag, refuse)
                settings.append(Setting(flag: flag, value: value, words: index..<index + width, clusterPrefix: nil))
                index += width
                continue
            }
            // A cluster of shorthands.
            var rest = Substring(String(String.UnicodeScalarView(scalars[1...])))
            var prefix = "-"
            var width = 1
            while let c = rest.first {
                guard let flag = DockerdFlags.byShort[c] else {
                    throw refuse(c == "h" ? "dockerd prints its help and exits" : "unknown shorthand flag: '\(c)' in \(word)")
                }
                let after = rest.dropFirst()
                var value: String
                if after.count > 1, after.first == "=" {
                    value = String(after.dropFirst())
                    rest = ""
                } else if flag.bool {
                    value = "true"
                    rest = after
                } else if !after.isEmpty {
                    value = String(after)
                    rest = ""
                } else if index + 1 < words.count {
                    value = words[index + 1]
                    width = 2
                    rest = ""
                } else {
                    throw refuse("flag needs an argument: '\(c)' in \(word)")
                }
                value = try Self.checked(value, flag, refuse)
                settings.append(Setting(flag: flag, value: value, words: index..<index + width,
                                        clusterPrefix: prefix == "-" ? nil : prefix))
                prefix.append(c)
            }
            index += width
        }
        for setting in settings where (setting.flag.name == "help" || setting.flag.name == "version") && setting.value == "true" {
            throw Refusal(index: setting.words.lowerBound, word: words[setting.words.lowerBound],
                          reason: "dockerd prints its \(setting.flag.name) and exits")
        }
    }

    /// The value as pflag's Value.Set takes it: a bool's canonical word; a checked flag's
    /// value, or the refusal dockerd makes.
    private static func checked(_ value: String, _ flag: DockerdFlags.Flag, _ refuse: (String) -> Refusal) throws(Refusal) -> String {
        if flag.bool { return try boolValue(value, flag, refuse) }
        if let reason = flag.check?.refusal(value) {
            throw refuse("invalid argument \"\(value)\" for --\(flag.name): \(reason)")
        }
        return value
    }

    private static func boolValue(_ value: String, _ flag: DockerdFlags.Flag, _ refuse: (String) -> Refusal) throws(Refusal) -> String {
        guard let parsed = boolWords[value] else {
            throw refuse("invalid argument \"\(value)\" for --\(flag.name): it takes true or false")
        }
        return parsed ? "true" : "false"
    }
}
