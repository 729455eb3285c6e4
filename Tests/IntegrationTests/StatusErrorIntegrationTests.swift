import DockStoreCore
import Foundation
import Testing

/// Outside attack 14, Y-MSG-2 and Y-MSG-3: status answered an fstab that is a named pipe with
/// exit 2 (not in its man page) and nothing on standard output for --json, and a non-root
/// caller with a bare "Permission denied". Now: exit 1, "the system could not be read", one
/// line that says what to do, and a JSON object carrying it.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct StatusErrorIntegrationTests {
    @Test func anUnreadableSystemIsExitOneWithTheReasonInTheFormatAsked() throws {
        try withTestRoot { root in
            try root.sh("mkfifo \(root.fstab)")
            let text = try root.dockstore(["status"])
            #expect(text.status == 1, "\(text.stdout) \(text.stderr)")
            #expect(text.stderrLines.count == 1 && text.stderr.contains("\(root.fstab) is a named pipe"), "\(text.stderr)")
            let json = try root.dockstore(["status", "--json"])
            #expect(json.status == 1)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)")
            #expect((object["error"] as? String)?.contains("is a named pipe, not a regular file") == true, "\(object)")
        }
    }

    @Test func aCallerWhoIsNotRootIsToldToRunItAsRoot() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            try root.sh("chmod 755 \(root.path)")
            let nobody = try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary, "status", "--root", root.path])
            #expect(nobody.status == 1, "\(nobody.stdout) \(nobody.stderr)")
            #expect(nobody.stderr.contains("Permission denied; status reads the store's devices and files that only root may read: run it as root"), "\(nobody.stderr)")
        }
    }
}
