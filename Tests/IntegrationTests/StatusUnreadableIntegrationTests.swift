import DockStoreCore
import Foundation
import Testing

/// `status` shows a fact it cannot read as unreadable with the reason, never as absent or
/// zero. The read fails for real: the store's top folder is made 0700 and status runs as
/// nobody, so opening it for the btrfs ioctls fails with EACCES.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct StatusUnreadableIntegrationTests {
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func statusShowsCapacityItCannotReadAsUnreadable() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.sh("chmod 755 \(root.path) && chmod 700 \(root.mountpoint)")
            let asRoot = try Self.json(try root.dockstore(["status", "--json"]).stdout)
            #expect(asRoot["capacity"] != nil, "root reads the figures")
            #expect((asRoot["unreadable"] as? [String] ?? []).isEmpty, "\(asRoot)")

            func asNobody(_ extra: [String]) throws -> RunResult {
                try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary,
                                                  "status", "--root", root.path] + extra)
            }
            let json = try asNobody(["--json"])
            let report = try Self.json(json.stdout)
            #expect(report["capacity"] == nil)
            let unreadable = try #require(report["unreadable"] as? [String], "\(json.stdout) \(json.stderr)")
            #expect(unreadable.contains { $0.hasPrefix("the capacity figures of \(root.mountpoint): ") && $0.contains("Permission denied") },
                    "\(unreadable)")
            let text = try asNobody([])
            #expect(text.stdout.contains("unreadable: the capacity figures of \(root.mountpoint): "), "\(text.stdout) \(text.stderr)")
        }
    }
}
