import DockStoreCore
import Foundation
import Testing

/// Attack 31 Q D3: `dockstore` without a command, and `dockstore help nosuch`, printed the
/// whole help and exited 0; dockstore(8) says a bad option or value is 64. Both are refused on
/// one line naming the commands; help itself still exits 0.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MissingCommandTests {
    @Test func noCommandAndHelpForNoCommandAreRefused() throws {
        try withTestRoot { root in
            let commands = "provision, status, backend, check, grow, migrate-ebs, reclaim, teardown"
            for arguments in [[], ["--root", root.path], ["--root=\(root.path)"]] {
                let run = try root.run(TestRoot.binary, arguments)
                #expect(run.status == 64 && run.stdout.isEmpty
                        && run.stderr == "dockstore: no command given: give one of \(commands); see dockstore --help\n",
                        "\(arguments): exit \(run.status): \(run.stdout)\(run.stderr)")
            }
            let unknown = try root.run(TestRoot.binary, ["help", "nosuch"])
            #expect(unknown.status == 64 && unknown.stdout.isEmpty
                    && unknown.stderr == "dockstore: there is no command 'nosuch' to show help for: the commands are \(commands); see dockstore --help\n",
                    "exit \(unknown.status): \(unknown.stdout)\(unknown.stderr)")
            for arguments in [["help"], ["help", "provision"], ["--help"], ["provision", "--help"], ["--version"]] {
                let help = try root.run(TestRoot.binary, arguments)
                #expect(help.status == 0 && !help.stdout.isEmpty && help.stderr.isEmpty, "\(arguments): exit \(help.status): \(help.stderr)")
            }
        }
    }
}
