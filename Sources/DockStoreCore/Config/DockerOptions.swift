/// The words of `DOCKER_OPTS`, as both bash (`$DOCKER_OPTS` unquoted) and systemd
/// (`$DOCKER_OPTS` in ExecStart=) split them: on runs of spaces, tabs and newlines.
///
/// Edits keep every word that is not a storage flag in its place and spelling, and the
/// whitespace around it; new storage flags go where the first old one stood.
public struct DockerOptions: Sendable, Equatable {
    struct Token: Sendable, Equatable {
        var leading: String
        var word: String
    }

    var tokens: [Token]
    var trailing: String

    /// The SUSE docker package's file, used when `/etc/sysconfig/docker` is missing.
    public static let suseSysconfigTemplate = """

        ## Path           : System/Management
        ## Description    : Extra cli switches for docker daemon
        ## Type           : string
        ## Default        : ""
        ## ServiceRestart : docker
        #
        DOCKER_OPTS=""

        """

    public init(_ value: String) {
        tokens = []
        var leading = ""
        var word = ""
        // Scalar by scalar: a blank followed by a combining mark is one Character to Swift,
        // but bash and systemd split at the blank.
        for ch in value.unicodeScalars {
            if ch == " " || ch == "\t" || ch == "\n" {
                if !word.isEmpty {
                    tokens.append(Token(leading: leading, word: word))
                    leading = ""
                    word = ""
                }
                leading.unicodeScalars.append(ch)
            } else {
                word.unicodeScalars.append(ch)
            }
        }
        if !word.isEmpty {
            tokens.append(Token(leading: leading, word: word))
            leading = ""
        }
        trailing = leading
    }

    public var words: [String] { tokens.map(\.word) }

    public var rendered: String { tokens.map { $0.leading + $0.word }.joined() + trailing }

    /// What the storage flags in these words select.
    public struct Storage: Sendable, Equatable {
        public var driver: String?
        public var options: [String]
        /// The words the storage flags take up (a flag and its value: two).
        var spans: [Span]

        public init() { (driver, options, spans) = (nil, [], []) }
    }

    /// Where one storage flag is: its words, and the bool shorthands before it in a cluster
    /// (`-D` of `-Ds vfs`), which an edit keeps as a word of their own.
    struct Span: Sendable, Equatable {
        var words: Range<Int>
        var keep: String?
    }

    /// These words as dockerd 20.10 splits them (`DockerdCommandLine`).
    func commandLine() throws(DockerdCommandLine.Refusal) -> DockerdCommandLine {
        try DockerdCommandLine(parsing: words)
    }

    /// Every storage flag (`-s`, `--storage-driver`, `--storage-opt`, in every spelling pflag
    /// accepts, clusters such as `-Ds vfs` too), found as dockerd splits the words. The last
    /// driver wins, as in dockerd. Words dockerd would not start on throw: what they select
    /// cannot be told.
    public func storage() throws(DockerdCommandLine.Refusal) -> Storage {
        var result = Storage()
        for setting in try commandLine().settings {
            switch setting.flag.name {
            case "storage-driver": result.driver = setting.value
            case "storage-opt": result.options.append(setting.value)
            default: continue
            }
            result.spans.append(Span(words: setting.words, keep: setting.clusterPrefix))
        }
        return result
    }

    /// What an edit does with dockerd's data root flag (`--data-root`, the old `-g` / `--graph`).
    public enum DataRootEdit: Sendable, Equatable {
        case keep
        /// Adds `--data-root=PATH` after the storage flags, unless a data root flag is there.
        case add(String)
        /// Removes every `--data-root` whose value is exactly PATH (the word `add` writes).
        case remove(String)
    }

    static let dataRootFlagNames: Set<String> = ["data-root", "graph"]

    /// Whether `edit` would change these words.
    func changes(_ edit: DataRootEdit) throws(DockerdCommandLine.Refusal) -> Bool {
        let settings = try commandLine().settings
        switch edit {
        case .keep: return false
        case .add: return !settings.contains { Self.dataRootFlagNames.contains($0.flag.name) }
        case .remove(let path): return settings.contains { $0.flag.name == "data-root" && $0.value == path }
        }
    }

    /// These options with every storage flag removed and `driver`/`options` put in their place
    /// (as `--storage-driver=X` and `--storage-opt=Y`, one word each).
    public func replacingStorage(driver: String?, options: [String], dataRoot: DataRootEdit = .keep) throws(DockerdCommandLine.Refusal) -> DockerOptions {
        let settings = try commandLine().settings
        var spans = try storage().spans
        var dataRootWords: [String] = []
        switch dataRoot {
        case .keep: break
        case .add(let path):
            if !settings.contains(where: { Self.dataRootFlagNames.contains($0.flag.name) }) { dataRootWords = ["--data-root=\(path)"] }
        case .remove(let path):
            spans += settings.filter { $0.flag.name == "data-root" && $0.value == path }
                .map { Span(words: $0.words, keep: $0.clusterPrefix) }
            spans.sort { $0.words.lowerBound < $1.words.lowerBound }
        }
        let removed = Set(spans.flatMap { Array($0.words) })
        let kept = Dictionary(spans.compactMap { span in span.keep.map { (span.words.lowerBound, $0) } }, uniquingKeysWith: { a, _ in a })
        let newTokens = ((driver.map { ["--storage-driver=\($0)"] } ?? []) + options.map { "--storage-opt=\($0)" } + dataRootWords)
            .map { Token(leading: " ", word: $0) }
        let endOfOptions = tokens.firstIndex(where: { $0.word == "--" }) ?? tokens.count
        let insertAt = spans.first?.words.lowerBound ?? endOfOptions
        var out: [Token] = []
        for (index, token) in tokens.enumerated() {
            // A cluster's bool shorthands (`-D` of `-Ds vfs`) stay, as a word of their own,
            // before the new flags: they mean what they meant.
            if let keep = kept[index] { out.append(Token(leading: token.leading, word: keep)) }
            if index == insertAt {
                var first = newTokens
                if !first.isEmpty, kept[index] == nil { first[0].leading = token.leading }
                out.append(contentsOf: first)
            }
            if !removed.contains(index) { out.append(token) }
        }
        if insertAt == tokens.count { out.append(contentsOf: newTokens) }
        for index in out.indices where out[index].leading.isEmpty && index > 0 {
            out[index].leading = " "
        }
        if !out.isEmpty { out[0].leading = tokens.first?.leading ?? "" }
        var result = self
        result.tokens = out
        if out.isEmpty { result.trailing = "" }
        return result
    }
}
