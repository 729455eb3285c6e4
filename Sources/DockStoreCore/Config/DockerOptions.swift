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
        /// How many words the storage flags take up (a flag and its value count twice).
        var spans: [Range<Int>]
    }

    /// Every storage flag in every spelling dockerd (pflag) accepts: `-s X`, `-s=X`, `-sX`,
    /// `--storage-driver X`, `--storage-driver=X`, `--storage-opt X`, `--storage-opt=X`.
    /// The last driver wins, as in dockerd.
    public var storage: Storage {
        var result = Storage(driver: nil, options: [], spans: [])
        var index = 0
        let words = self.words
        while index < words.count {
            let word = words[index]
            if word == "--" { break }
            var kind: (isDriver: Bool, value: String?, width: Int)? = nil
            if word == "-s" || word == "--storage-driver" {
                kind = (true, index + 1 < words.count ? words[index + 1] : nil, 2)
            } else if word == "--storage-opt" {
                kind = (false, index + 1 < words.count ? words[index + 1] : nil, 2)
            } else if word.hasPrefix("--storage-driver=") {
                kind = (true, String(word.dropFirst("--storage-driver=".count)), 1)
            } else if word.hasPrefix("--storage-opt=") {
                kind = (false, String(word.dropFirst("--storage-opt=".count)), 1)
            } else if word.hasPrefix("-s=") {
                kind = (true, String(word.dropFirst(3)), 1)
            } else if word.hasPrefix("-s"), !word.hasPrefix("--") {
                kind = (true, String(word.dropFirst(2)), 1)
            }
            guard let kind else {
                index += 1
                continue
            }
            let width = min(kind.width, words.count - index)
            result.spans.append(index..<index + width)
            if kind.isDriver {
                result.driver = kind.value
            } else if let value = kind.value {
                result.options.append(value)
            }
            index += width
        }
        return result
    }

    /// These options with every storage flag removed and `driver`/`options` put in their place
    /// (as `--storage-driver=X` and `--storage-opt=Y`, one word each).
    public func replacingStorage(driver: String?, options: [String]) -> DockerOptions {
        let spans = storage.spans
        let removed = Set(spans.flatMap { Array($0) })
        let newTokens = ((driver.map { ["--storage-driver=\($0)"] } ?? []) + options.map { "--storage-opt=\($0)" })
            .map { Token(leading: " ", word: $0) }
        let endOfOptions = tokens.firstIndex(where: { $0.word == "--" }) ?? tokens.count
        let insertAt = spans.first?.lowerBound ?? endOfOptions
        var out: [Token] = []
        for (index, token) in tokens.enumerated() {
            if index == insertAt {
                var first = newTokens
                if !first.isEmpty { first[0].leading = token.leading }
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
