import Foundation
import Testing
@testable import DockStoreCore

/// A path in a printed remedy as one shell word (attack 11 B06): bash (and sh) read the quoted
/// text back as exactly the path, one word, whatever it holds; a plain path stays as it is.
struct ShellWordTests {
    static let words = ["/var/lib/docker", "/var/lib/do\"ck\\er|x", "/a b", "/it's", "/'", "''", "/$HOME/`id`", "/a;b&c>d<e",
                        "/a*b?[c]", "~/x", "/a\tb", "/a\nb", "!x", "/ü é", "/x)(y", "/a{b,c}", "/#x", ""]

    /// bash and sh, as oracles: `printf '%s\0' QUOTED` prints the word and one NUL, so it was one word.
    @Test(arguments: words)
    func theShellReadsTheQuotedWordBackAsThatOneWord(_ word: String) throws {
        for shell in ["/bin/bash", "/bin/sh"] where FileManager.default.isExecutableFile(atPath: shell) {
            let (status, output) = try OracleProcess.run(shell, ["-c", "printf '%s\\0' \(ShellWord.quote(word))"], environment: [:], in: "/")
            #expect(status == 0, "\(shell): \(word)")
            #expect(output == Data(word.utf8) + Data([0]), "\(shell): \(ShellWord.quote(word)) read back as \(String(decoding: output, as: UTF8.self))")
        }
    }

    @Test func plainPathsStayAsTheyAreAndOthersAreSingleQuoted() {
        #expect(ShellWord.quote("/var/lib/docker-storage.btrfs") == "/var/lib/docker-storage.btrfs")
        #expect(ShellWord.quote("/tmp/dockstore-test.AbC123/var/lib/docker") == "/tmp/dockstore-test.AbC123/var/lib/docker")
        #expect(ShellWord.quote("/a b") == "'/a b'")
        #expect(ShellWord.quote("/it's") == "'/it'\\''s'")
        #expect(ShellWord.quote("/do\"ck\\er|x") == "'/do\"ck\\er|x'")
        #expect(ShellWord.quote("") == "''")
    }

    /// Quoting first, then the display escape: printable text passes the escape unchanged, so
    /// the shown remedy is the pasteable one; a control character shows escaped inside the quotes.
    @Test func theDisplayEscapeLeavesAQuotedPrintablePathAsItIs() {
        let quoted = ShellWord.quote("/var/lib/do\"ck\\er|x$y'z")
        #expect(ShownBytes.text(quoted) == quoted)
        #expect(ShownBytes.text(ShellWord.quote("/a\nb")) == "'/a\\nb'")
    }
}
