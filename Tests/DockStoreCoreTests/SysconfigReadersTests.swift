@testable import DockStoreCore
import Foundation
import Testing

/// /etc/sysconfig/docker is read by bash and by systemd (docker.service's EnvironmentFile=):
/// dockstore accepts a file only when both read every line alike, and refuses naming the first
/// line they read differently (outside attacks F4, `A="x"; A="y"` on one line, and F5,
/// `DOCKER_OPTS+=`). The oracles are the real readers: bash, and systemd's env-file parser as
/// `30-systemd-environment-d-generator` runs it (the same parse_env_file_internal).
@Suite(.serialized) struct SysconfigReadersTests {
    static let generator = "/lib/systemd/user-environment-generators/30-systemd-environment-d-generator"
    static let hasGenerator = FileManager.default.isExecutableFile(atPath: generator)

    /// (file, line refused or nil when accepted)
    static let cases: [(String, Int?)] = [
        ("DOCKER_OPTS='-s\tbtrfs'\n", nil),
        ("A='x\r\ny'\nDOCKER_OPTS=\"-s vfs\"\n", nil),
        ("DOCKER_OPTS=\"-s overlay2\"\n", nil),
        ("DOCKER_OPTS='-s  btrfs'\n# c\n", nil),
        ("A=1\nDOCKER_OPTS=-s\\ btrfs\n", nil),
        ("DOCKER_OPTS=\"a\"'b'c\n", nil),
        ("DOCKER_OPTS=\"x\"   \n", nil),
        ("DOCKER_OPTS=\"-s overlay2\"; DOCKER_OPTS=\"-s devicemapper\"\n", 1),
        ("# c\nDOCKER_OPTS=\"-s vfs\";\n", 2),
        ("DOCKER_OPTS=\"-s vfs\" && B=1\n", 1),
        ("DOCKER_OPTS=-s&&B=1\n", 1),
        ("DOCKER_OPTS=\"x\" # note\n", 1),
        ("DOCKER_OPTS=x B=2\n", 1),
        ("DOCKER_OPTS=x true\n", 1),
        ("DOCKER_OPTS=\"--log-level=warn\"\nDOCKER_OPTS+=\" -s overlay2\"\n", 2),
        ("DOCKER_OPTS[0]=-s\n", 1),
        ("export DOCKER_OPTS=\"-s vfs\"\n", 1),
        ("DOCKER_OPTS=\"$(echo -s vfs)\"\n", 1),
        ("A=`date`\n", 1),
        ("DOCKER_OPTS=\"-s vfs\"\r\n", 1),
        ("DOCKER_OPTS=a\"b c\"\n", 1),
        ("DOCKER_OPTS =x\n", 1),
        ("# a comment \\\nDOCKER_OPTS=\"-s vfs\"\n", 1),
        ("true && DOCKER_OPTS=x\n", 1),
        ("if true; then DOCKER_OPTS=x; fi\n", 1),
        ("echo a \\\nDOCKER_OPTS=x\n", 1),
        ("DOCKER_OPTS=\"-s vfs\"\n\u{0}\nB=1\n", 2),
        // Outside attack on the rule as a list of refused constructs (issue 15): each of these
        // was accepted and edited although bash and systemd read it differently.
        ("DOCKER_OPTS=\"-s btrfs\"\nDOCKER_OPTS\\\n=x\n", 2),
        ("; comment\nDOCKER_OPTS=\"-s vfs\"\n", 1),
        ("DOCKER_OPTS=\"-s vfs\"\nunset DOCKER_OPTS\n", 2),
        ("read DOCKER_OPTS <<< \"-s overlay2\"\n", 1),
        ("printf -v DOCKER_OPTS '%s' \"-s overlay2\"\n", 1),
        ("DOCKER_OPTS=\"-s vfs\"\nreturn\nDOCKER_OPTS=\"-s btrfs\"\n", 2),
        ("DOCKER_OPTS=~/x\n", 1),
        ("DOCKER_OPTS=\"x\"\n\r\n", 2),
        ("DOCKER_OPTS=--data-root=/a:~/x\n", 1),
        ("DOCKER_OPTS='~/x' A=\"~\"\n", 1),
        ("DOCKER_OPTS='~/x'\nA=\"~\"\nB=a~\n", nil),
        ("\t\n  # indented comment\nDOCKER_OPTS=\"-s vfs\"  \t\n", nil),
        // Outside the grammar although both readers happen to read them alike: refused all the
        // same (what bash does with a command cannot be followed in general).
        ("if true; then\n  X=1\nfi\n", 1),
        ("echo DOCKER_OPTS=x\n", 1),
        ("DOCKER_OPTS=\"--a \\\n --b\"\n", 1),
        ("DOCKER_OPTS=$(echo -s overlay2)\n", 1),
        ("DOCKER_OPTS=-s$(echo overlay2)\n", 1),
    ]

    /// Attack 25 K2: an unquoted command substitution was refused as text "bash reads apart".
    @Test func anUnquotedCommandSubstitutionIsSaidToBeOne() {
        do {
            _ = try SysconfigFile(path: "/etc/sysconfig/docker", text: "DOCKER_OPTS=$(echo -s overlay2)\n")
            Issue.record("accepted")
        } catch let error as DockStoreError {
            #expect(error.message.contains("an unquoted $( starts a command substitution: bash runs that command when it reads the file, systemd takes the text literally; write the value itself"), "\(error.message)")
        } catch {
            Issue.record("\(error)")
        }
    }

    /// Rows refused by the grammar alone: bash and systemd read them alike.
    static let readAlike: Set<String> = ["if true; then\n  X=1\nfi\n", "echo DOCKER_OPTS=x\n", "DOCKER_OPTS=\"--a \\\n --b\"\n"]

    @Test(arguments: cases)
    func refusesExactlyTheLinesTheReadersReadDifferently(_ text: String, _ line: Int?) throws {
        do {
            _ = try SysconfigFile(path: "/etc/sysconfig/docker", text: text)
            #expect(line == nil, "\(text.debugDescription) was accepted")
        } catch let error as DockStoreError {
            #expect(line != nil, "\(text.debugDescription): \(error.message)")
            if let line {
                let differ = "/etc/sysconfig/docker line \(line) reads differently to bash and to systemd"
                let notPlain = "/etc/sysconfig/docker line \(line) is no blank line, # comment or NAME=value assignment"
                let carriageReturn = "/etc/sysconfig/docker line \(line) ends in a carriage return"
                let continued = "/etc/sysconfig/docker line \(line) continues its value onto the next line"
                #expect([differ, notPlain, carriageReturn, continued].contains { error.message.hasPrefix($0) }, "\(error.message)")
                #expect(!error.message.contains("\n"))
            }
        }
    }

    /// systemd refuses a whole file whose pushed key or value is not UTF-8
    /// (`check_utf8ness_and_warn` returns EINVAL; attack 18, A-F15): (bytes, line of the first
    /// such assignment, or nil when systemd reads the file).
    static let notUTF8Cases: [([UInt8], Int?)] = [
        (Array("A=\"caf".utf8) + [0xE9] + Array("\"\nB=1\n".utf8), 1),
        (Array("B=1\nMOTD=caf".utf8) + [0xE9] + Array("\n".utf8), 2),
        (Array("B=1\nX".utf8) + [0xFF] + Array("=1\n".utf8), 2),
        (Array("B=1\nexport X".utf8) + [0xFF] + Array("=1\n".utf8), 2),
        (Array("# caf".utf8) + [0xE9] + Array("\nB=1\n".utf8), nil),
        (Array("X".utf8) + [0xFF] + Array("\nB=1\n".utf8), nil),
        (Array("B=1\n".utf8) + [0] + Array("A=".utf8) + [0xE9], nil),
        (Array("A='caf\u{e9}'\n".utf8), nil),
    ]

    @Test(arguments: notUTF8Cases)
    func aKeyOrValueThatIsNotUTF8FailsTheWholeFile(_ bytes: [UInt8], _ line: Int?) throws {
        let reading = SystemdEnvironmentReader.reading(of: bytes, commentBackslashContinues: false)
        #expect(reading.notUTF8?.line == line, "\(ShownBytes.text(bytes))")
        if line != nil {
            #expect(reading.assignments.isEmpty, "systemd applies none of a file it refuses")
            #expect(throws: DockStoreError.self) { try SysconfigFile(path: "/etc/sysconfig/docker", bytes: bytes) }
            do {
                _ = try SysconfigFile(path: "/etc/sysconfig/docker", bytes: bytes)
            } catch let error as DockStoreError {
                #expect(error.message.hasPrefix("/etc/sysconfig/docker line \(line ?? 0)"), "\(error.message)")
                // A name that is no variable name is refused by the grammar first, on the same line.
                if SystemdEnvironmentReader.isValidName(reading.notUTF8?.name ?? []) || reading.notUTF8?.name.allSatisfy({ $0 < 0x80 }) == true {
                    #expect(error.message.contains("is not UTF-8: systemd's EnvironmentFile= refuses the whole file"), "\(error.message)")
                }
            }
        } else {
            #expect(!reading.assignments.isEmpty)
        }
    }

    /// What bash assigns to every variable the file sets, and what systemd's env-file parser
    /// (the generator) assigns, as NAME=value lines; nil when bash cannot source the file.
    static func readings(_ bytes: [UInt8]) throws -> (bash: [String: String]?, systemd: [String: String]) {
        let folder = NSTemporaryDirectory() + "dockstore-readers-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/environment.d", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/environment.d/50-sysconfig.conf"
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        func run(_ executable: String, _ arguments: [String], _ environment: [String: String]) throws -> (Int32, String) {
            let (status, data) = try OracleProcess.run(executable, arguments, environment: environment, in: folder)
            return (status, String(decoding: data, as: UTF8.self))
        }
        func parse(_ out: String) -> [String: String] {
            var result: [String: String] = [:]
            for entry in out.split(separator: "\0") {
                let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                if parts.count == 2 { result[String(parts[0])] = String(parts[1]) }
            }
            return result
        }
        // bash: the variables the file adds to a bare shell (PATH leads nowhere: no command
        // of the file runs), NUL-separated.
        let script = "declare -A before; for n in $(compgen -v); do before[$n]=1; done; set -f; . \"$1\" >/dev/null 2>&1 || exit 1; "
            + "for n in $(compgen -v); do [ -n \"${before[$n]}\" ] || [ \"$n\" = n ] || printf '%s=%s\\0' \"$n\" \"${!n}\"; done"
        let bashRun = try run("/bin/bash", ["--noprofile", "--norc", "-c", script, "bash", file], ["PATH": "/nonexistent"])
        // systemd: the generator prints KEY=VALUE, the value in double quotes (with \", \\, \`
        // and \$ escaped, control characters as C escapes) when it holds anything a shell
        // would read otherwise. The
        // generator's own environment.d folders on the machine are left out.
        let baseline = Set(try run(generator, [], ["XDG_CONFIG_HOME": folder + "/none"]).1.split(separator: "\n"))
        let systemdRun = try run(generator, [], ["XDG_CONFIG_HOME": folder])
        var systemd: [String: String] = [:]
        for entry in systemdRun.1.split(separator: "\n") where !baseline.contains(entry) {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            var value = String(parts[1])
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = Self.unescapeQuoted(Array(value.utf8.dropFirst().dropLast()))
            }
            systemd[String(parts[0])] = value
        }
        // An empty value is left out on both sides: the generator prints none, and for
        // `$DOCKER_OPTS` in ExecStart= an empty and an unset variable are the same.
        return (bashRun.0 == 0 ? parse(bashRun.1).filter { !$0.value.isEmpty } : nil, systemd.filter { !$0.value.isEmpty })
    }

    /// The inside of a value systemd's generator printed in double quotes (shell_maybe_quote):
    /// a backslash before \" \\ ` $ stands for that character, control characters are
    /// cescape_char's C escapes (\a \b \f \n \r \t \v, else three octal digits).
    static func unescapeQuoted(_ bytes: [UInt8]) -> String {
        let named: [UInt8: UInt8] = [UInt8(ascii: "a"): 7, UInt8(ascii: "b"): 8, UInt8(ascii: "f"): 12, UInt8(ascii: "n"): 10,
                                     UInt8(ascii: "r"): 13, UInt8(ascii: "t"): 9, UInt8(ascii: "v"): 11]
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count else { out.append(bytes[i]); i += 1; continue }
            let next = bytes[i + 1]
            if let control = named[next] {
                out.append(control); i += 2
            } else if (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(next), i + 3 < bytes.count {
                out.append(bytes[(i + 1)...(i + 3)].reduce(0) { $0 &* 8 &+ ($1 &- UInt8(ascii: "0")) }); i += 4
            } else {
                out.append(next); i += 2
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The real readers: every accepted file is read alike by bash and systemd, as dockstore
    /// reads it; for every refused one the two readers (or systemd before 254, for a comment
    /// ending in a backslash) really differ.
    @Test(.enabled(if: hasGenerator, "needs systemd's environment-d generator"), arguments: cases)
    func theRealReadersAgreeWithTheRule(_ text: String, _ line: Int?) throws {
        guard !text.contains("$"), !text.contains("`") else { return } // the generator expands $ (environment.d), EnvironmentFile= does not
        let (bash, systemd) = try Self.readings(Array(text.utf8))
        if line == nil {
            let file = try SysconfigFile(path: "f", text: text)
            var mine: [String: String] = [:]
            for assignment in file.assignments { mine[assignment.name] = assignment.value }
            mine = mine.filter { !$0.value.isEmpty }
            #expect(bash == mine, "\(text.debugDescription): bash \(String(describing: bash))")
            #expect(systemd == mine, "\(text.debugDescription): systemd \(systemd)")
        } else if Self.readAlike.contains(text) {
            #expect(bash == systemd, "\(text.debugDescription): listed as read alike, but bash reads \(String(describing: bash)), systemd \(systemd)")
        } else if !text.contains("# a comment \\") {
            #expect(bash != systemd, "\(text.debugDescription): refused, but bash and systemd read \(systemd)")
        }
    }

    /// Generated files: whenever dockstore accepts one, bash and systemd's parser assign the
    /// same variables with the same values, and those dockstore read.
    @Test(.enabled(if: hasGenerator, "needs systemd's environment-d generator"))
    func generatedFilesDockstoreAcceptsReadAlike() throws {
        let fragments = ["DOCKER_OPTS=", "A=", "export ", "\"", "'", "\\", "#", " ", "\t", "\n", "\r\n", ";", "&&", "+=",
                         "-s", "overlay2", "x y", "é", "=", "if true; then ", "; fi", "echo ", "(", ")", "|", "[0]"]
        var rng = SplitMix(seed: 0xF4)
        let end = Date().addingTimeInterval(ParserPropertyTests.budget)
        var rounds = 0, accepted = 0
        while Date() < end {
            var text = ""
            for _ in 0..<(1 + Int(rng.next() % 10)) { text += fragments[Int(rng.next() % UInt64(fragments.count))] }
            rounds += 1
            let file: SysconfigFile
            do { file = try SysconfigFile(path: "f", text: text) } catch is DockStoreError { continue }
            let (bash, systemd) = try Self.readings(Array(text.utf8))
            guard let bash else { continue } // bash cannot source it: a syntax error
            accepted += 1
            var mine: [String: String] = [:]
            for assignment in file.assignments { mine[assignment.name] = assignment.value }
            mine = mine.filter { !$0.value.isEmpty }
            #expect(bash == mine && systemd == mine, "\(text.debugDescription): bash \(bash), systemd \(systemd), dockstore \(mine)")
        }
        print("property: sysconfig-readers: \(rounds) generated files, \(accepted) accepted and read by bash and systemd")
    }
}
