import DockStoreCore
import Foundation
import Testing

/// Outside attack 14, Y-TD-1: teardown removed the /etc/sysconfig/docker provision created but
/// kept its `docker.dockstore.bak` (made by a later rewrite), and so the folder provision
/// created. A file dockstore created goes with its backup; the tree is as before provision.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct TeardownBackupIntegrationTests {
    @Test func aCreatedFileGoesWithItsBackup() throws {
        try withTestRoot { root in
            let before = root.snapshot()
            try #require(try root.dockstore(["provision", "--size", "200M"]).status == 0)
            let backend = try root.dockstore(["backend", "btrfs", "--storage-opt", "btrfs.min_space=1G"])
            try #require(backend.status == 0, "\(backend.stderr)")
            try #require(root.status(root.sysconfig + ".dockstore.bak") != nil, "the rewrite kept a backup")
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stdout) \(down.stderr)")
            #expect(root.status(root.sysconfig + ".dockstore.bak") == nil)
            #expect(root.status(root.path + "/etc/sysconfig") == nil, "the folder provision made is gone too")
            let left = root.changes(since: before).filter { !$0.hasPrefix("etc/dockstore.disabled") }
            #expect(left.isEmpty, "the tree is as before provision but the disabled mark: \(left)")
        }
    }
}
