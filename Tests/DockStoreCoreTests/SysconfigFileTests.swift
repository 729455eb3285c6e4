import Testing
@testable import DockStoreCore

@Suite struct SysconfigFileTests {
    static let samples: [String] = [
        Fixtures.sysconfigSUSE, Fixtures.sysconfigWithOptions, Fixtures.sysconfigKiwi,
        "", "\n", "A=1", "DOCKER_OPTS='-s btrfs'\n", "DOCKER_OPTS=-s\\ btrfs\n",
        "DOCKER_OPTS=\"--a\n --b\"\nOTHER=x\n", "# only a comment", " \t\n  # indented\n",
        "X=\"caf\u{e9}\"\n", "A='$HOME'\n",
    ]

    @Test(arguments: samples)
    func unchangedFileRoundTrips(_ text: String) throws {
        let file = try SysconfigFile(path: "f", text: text)
        #expect(file.text == text)
    }

    @Test(arguments: [
        ("DOCKER_OPTS=\"-s btrfs\"\n", "-s btrfs"),
        ("DOCKER_OPTS='-s  btrfs'\n", "-s  btrfs"),
        ("DOCKER_OPTS=-s\\ btrfs\n", "-s btrfs"),
        ("  DOCKER_OPTS=\"a\"'b'c\n", "abc"),
        ("DOCKER_OPTS=\"a \\\"q\\\" \\$ \\` \\\\ \\n\"\n", "a \"q\" $ ` \\ \\n"),
        ("DOCKER_OPTS=\"--a\n--b\"\n", "--a\n--b"),
        ("DOCKER_OPTS=\"1\"\nDOCKER_OPTS=\"2\"\n", "2"),
        ("DOCKER_OPTS=\"x\"\t \n# comment\n", "x"),
        ("DOCKER_OPTS=\"no newline\"", "no newline"),
        ("DOCKER_OPTS=\n", ""),
    ])
    func readsValuesAsBashDoes(_ text: String, _ expected: String) throws {
        #expect(try SysconfigFile(path: "f", text: text).value("DOCKER_OPTS") == expected)
    }

    @Test func setChangesOnlyTheValue() throws {
        var file = try SysconfigFile(path: "f", text: Fixtures.sysconfigSUSE)
        try file.set("DOCKER_OPTS", to: "--storage-driver=btrfs")
        #expect(file.text == Fixtures.sysconfigSUSE.replacingOccurrences("DOCKER_OPTS=\"\"", "DOCKER_OPTS=\"--storage-driver=btrfs\""))
    }

    /// `export` and a comment after the value are read differently by systemd (the variable
    /// "export DOCKER_OPTS" is invalid; the comment becomes part of the value): refused.
    @Test func refusesExportAndTrailingComment() throws {
        #expect(throws: DockStoreError.self) { try SysconfigFile(path: "f", text: "# c\nexport DOCKER_OPTS='-s vfs'\nB=2") }
        #expect(throws: DockStoreError.self) { try SysconfigFile(path: "f", text: "# c\nDOCKER_OPTS='-s vfs' # mine\nB=2") }
    }

    @Test func setKeepsTrailingBlanksAndOtherLines() throws {
        var file = try SysconfigFile(path: "f", text: "# c\nDOCKER_OPTS='-s vfs'  \nB=2")
        try file.set("DOCKER_OPTS", to: "-s btrfs")
        #expect(file.text == "# c\nDOCKER_OPTS=\"-s btrfs\"  \nB=2")
    }

    @Test func setReplacesAValueSpanningLines() throws {
        var file = try SysconfigFile(path: "f", text: "DOCKER_OPTS=\"--a\n --b\"\nOTHER=x\n")
        try file.set("DOCKER_OPTS", to: "--c")
        #expect(file.text == "DOCKER_OPTS=\"--c\"\nOTHER=x\n")
    }

    /// Only blank lines, `#` comments and `NAME=value` are accepted (outside attack on issue
    /// 15): a command, a keyword, a continuation or a tilde bash expands is refused in one line
    /// naming the file and the line, also where bash and systemd happen to read it alike.
    @Test(arguments: [
        ("A=1\nunset A\n", 2), ("if true; then\n  X=1\nfi\n", 1), ("echo DOCKER_OPTS=x\n", 1),
        ("DOCKER_OPTS=\"--a \\\n --b\"\n", 1), ("A=x\\\n", 1), ("A=x\\", 1), ("B=1\nA\\\n=x\n", 2),
        ("; c\nA=1\n", 1), ("A=~\n", 1), ("A=x:~/y\n", 1), ("# c \\\nA=1\n", 1), ("A=1\nreturn\n", 2),
        ("A='x'\r\n", 1), ("# c\r\n", 1),
    ])
    func refusesEveryLineOutsideTheGrammar(_ text: String, _ line: Int) throws {
        for systemdReadsIt in [true, false] {
            do {
                _ = try SysconfigFile(path: "/etc/f", bytes: Array(text.utf8), systemdReadsIt: systemdReadsIt)
                Issue.record("\(text.debugDescription) was accepted")
            } catch let error as DockStoreError {
                #expect(error.message.hasPrefix("/etc/f line \(line) "), "\(error.message)")
                #expect(error.message.contains("re-run") && !error.message.contains("\n"), "\(error.message)")
            }
        }
    }

    /// The fifteenth attack's C07: a value continued with a backslash is one assignment to bash
    /// and systemd; the refusal says so and how to write it, not that the line is no assignment.
    @Test func aContinuedValueIsRefusedAsContinuedNotAsNoAssignment() throws {
        let text = "DOCKER_OPTS=\"--storage-driver=btrfs \\\n --data-root=/srv/docker\"\n"
        #expect(throws: DockStoreError.refused("/etc/sysconfig/docker line 1 continues its value onto the next line (a backslash ends the line): bash and systemd read the lines as one value, dockstore reads and edits a value only on one line; join them into one NAME=\"value\" line and re-run")) {
            try SysconfigFile(path: "/etc/sysconfig/docker", bytes: Array(text.utf8), systemdReadsIt: true)
        }
    }

    @Test func setAppendsWhenMissingAndAddsNewline() throws {
        var file = try SysconfigFile(path: "f", text: "A=1")
        try file.set("DOCKER_OPTS", to: "x")
        #expect(file.text == "A=1\nDOCKER_OPTS=\"x\"\n")
        var empty = try SysconfigFile(path: "f", text: "")
        try empty.set("DOCKER_OPTS", to: "x")
        #expect(empty.text == "DOCKER_OPTS=\"x\"\n")
    }

    @Test func quotingSurvivesBashRules() throws {
        for value in ["a$b", "`x`", "q\"q", "back\\slash", "plain words"] {
            var file = try SysconfigFile(path: "f", text: "DOCKER_OPTS=\"\"\n")
            try file.set("DOCKER_OPTS", to: value)
            let reread = try SysconfigFile(path: "f", text: file.text)
            #expect(reread.value("DOCKER_OPTS") == value)
            #expect(reread.assignment("DOCKER_OPTS")?.expands == false)
        }
    }

    @Test func refusesToRewriteExpansions() throws {
        #expect(throws: DockStoreError.refused("/etc/sysconfig/docker line 1 reads differently to bash and to systemd's EnvironmentFile= (bash expands the $ or ` in DOCKER_OPTS, systemd takes it literally); write it as NAME=\"value\" alone on its line, or remove it, and re-run")) {
            try SysconfigFile(path: "/etc/sysconfig/docker", text: "DOCKER_OPTS=\"$EXTRA -s btrfs\"\n")
        }
    }

    @Test func refusesUnterminatedQuote() {
        #expect(throws: DockStoreError.self) { try SysconfigFile(path: "f", text: "A=1\nDOCKER_OPTS=\"-s btrfs\n") }
    }

    @Test func refusesLineBreakInValue() throws {
        var file = try SysconfigFile(path: "f", text: "")
        #expect(throws: DockStoreError.self) { try file.set("DOCKER_OPTS", to: "a\nb") }
    }
}

extension String {
    func replacingOccurrences(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }

    /// Found by the property test: bash reads `A=1 B=2` as two assignments and systemd as one
    /// value, so such a line is refused; `A=1; B=2` is two statements for both.
    @Test func refusesMoreWordsAfterAValue() throws {
        #expect(throws: DockStoreError.self) { try SysconfigFile(path: "f", text: "DOCKER_OPTS=\"-s vfs\" DOCKER_OPTS=x\n") }
        #expect(throws: DockStoreError.self) { try SysconfigFile(path: "f", text: "DOCKER_OPTS=x true\n") }
        // systemd reads `A=1; B=2` as A="1; B=2" (outside attack F4): refused as well.
        #expect(throws: DockStoreError.self) { try SysconfigFile(path: "f", text: "A=1; B=2\n") }
    }

    /// Found by the property test: a command line that ends in a backslash continues onto the
    /// next line, so what looks like an assignment there is not one to bash.
    @Test func aContinuedCommandLineHidesTheNextLine() throws {
        // systemd reads DOCKER_OPTS=x there, bash does not: refused on line 2.
        #expect(throws: DockStoreError.self) { try SysconfigFile(path: "f", text: "echo a \\\nDOCKER_OPTS=x\n") }
        let file = try SysconfigFile(path: "f", text: "B='it''s # not a comment'\n")
        #expect(file.value("DOCKER_OPTS") == nil)
        #expect(file.value("B") == "its # not a comment")
    }
}
