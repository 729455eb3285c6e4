import DockStoreCore
import Foundation
import Testing

/// migrate-ebs' progress on a terminal (issue 18, point 2): run through a real
/// pseudo-terminal (python3's pty module), the bar is redrawn in place, shows no time left
/// before the first progress, and the output ends with a newline.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MigrationProgressTerminalIntegrationTests {
    static let spawn = """
        import os, pty, sys
        sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))
        """

    @Test func theBarIsRedrawnInPlaceOnATerminal() throws {
        try withTestRoot { root in
            let base = MigrationIntegrationTests()
            _ = try base.layeredStore(root, megabytes: 512, snapshots: 3)
            let disk = try MigrationReplaceIntegrationTests().slowDisk(root)
            let result = try root.run("/usr/bin/python3", ["-c", Self.spawn, TestRoot.binary, "migrate-ebs", disk, "--yes", "--root", root.path])
            #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
            // The terminal turns every newline into CR LF.
            let shown = result.stdout.replacingOccurrences(of: "\r\n", with: "\n")
            let erase = "\r\u{1B}[K"
            let bars = shown.components(separatedBy: erase).dropFirst().filter { $0.hasPrefix("[#") || $0.hasPrefix("[.") }
            #expect(!bars.isEmpty, "a bar on the terminal: \(shown.debugDescription)")
            for bar in bars {
                let drawn = bar.prefix { $0 != "\r" }
                #expect(drawn.hasPrefix("[") && drawn.contains("] replacing: ") && !drawn.contains("\n"),
                        "each bar is redrawn in place, never a new line: \(drawn.debugDescription)")
            }
            #expect(bars.first.map { !$0.contains("about") } == true, "no time left before the first progress: \(bars.first ?? "")")
            #expect(bars.contains { $0.hasPrefix("[" + String(repeating: "#", count: 30) + "] replacing: 100.0% copied") },
                    "the bar reaches 100%: \(bars.suffix(2))")
            let afterLastBar = shown.components(separatedBy: erase).last ?? ""
            #expect(!afterLastBar.hasPrefix("[#") && !afterLastBar.hasPrefix("[."), "the last bar is erased by the next line: \(afterLastBar.debugDescription)")
            #expect(shown.hasSuffix("\n"), "the output ends with a newline: \(shown.suffix(80).debugDescription)")
            #expect(shown.contains("Docker's storage is on "), "\(shown)")
        }
    }
}
