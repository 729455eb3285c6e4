import DockStoreCore
import Foundation
import Testing

/// `status` shows a fact it cannot read as unreadable with the reason, never as absent or as
/// the next file's answer. The failure is real: a daemon.json dockerd itself would refuse,
/// next to a DOCKER_OPTS that names a driver (the old reading skipped the broken file and
/// showed DOCKER_OPTS' driver as the one Docker starts with).
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct StatusUnreadableIntegrationTests {
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func statusShowsADriverItCannotReadAsUnreadable() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.sh("mkdir -p \(root.path)/etc/sysconfig \(root.path)/etc/docker && echo 'DOCKER_OPTS=\"-s btrfs\"' > \(root.path)/etc/sysconfig/docker")
            let clean = try Self.json(try root.dockstore(["status", "--json"]).stdout)
            #expect(clean["dockerStorageDriver"] as? String == "btrfs", "\(clean)")
            #expect((clean["unreadable"] as? [String] ?? []).isEmpty, "\(clean)")
            #expect(clean["capacity"] != nil, "the capacity figures come from the store observation")

            try root.sh("printf '{\"storage-driver\": \"overlay2\",' > \(root.path)/etc/docker/daemon.json")
            let result = try root.dockstore(["status", "--json"])
            let report = try Self.json(result.stdout)
            #expect(report["dockerStorageDriver"] == nil, "not DOCKER_OPTS' driver: \(report)")
            let unreadable = try #require(report["unreadable"] as? [String], "\(result.stdout) \(result.stderr)")
            #expect(unreadable.contains { $0.hasPrefix("the storage driver Docker is set to: \(root.path)/etc/docker/daemon.json is not valid JSON") },
                    "\(unreadable)")
            let text = try root.dockstore(["status"]).stdout
            #expect(text.contains("unreadable: the storage driver Docker is set to: "), "\(text)")
            #expect(text.contains("driver:      unreadable"), "\(text)")
        }
    }
}
