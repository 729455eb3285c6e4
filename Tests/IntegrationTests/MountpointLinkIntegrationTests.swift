import DockStoreCore
import Foundation
import Testing

/// A mountpoint in the tree that is a link (absolute, or relative with `..` past the root) is
/// read inside --root: `check` and `backend` see what is mounted at the tree's folder the link
/// names, never the host's folder of the same name (issue 15 item 4). Both directions: the
/// btrfs at the host's folder only, then at the tree's folder only. `status` and `grow` too
/// (they and every command built on `StoreObserver` read the mountpoint the same way).
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MountpointLinkIntegrationTests {
    /// The link's name and its target for the folder `path`.
    static func link(_ relative: Bool, _ path: String) -> (String, String) {
        relative ? ("relative with `..` past the root", String(repeating: "../", count: 30) + path.dropFirst())
                 : ("absolute", path)
    }

    @Test(arguments: [false, true], [false, true])
    func checkAndBackendReadTheTreesFolder(_ relative: Bool, _ btrfsInTree: Bool) throws {
        try withTestRoot { root in
            let tree = root.path + "/tree"
            let hostFolder = root.path + "/host/mp"
            let treeFolder = tree + hostFolder
            try root.sh("mkdir -p '\(tree)/etc/sysconfig' '\(tree)/var/lib' '\(tree)/run' '\(hostFolder)' '\(treeFolder)'"
                        + " && touch '\(tree)/etc/fstab'"
                        + " && ln -s '\(Self.link(relative, hostFolder).1)' '\(tree)/var/lib/docker'")
            let btrfs = try root.attachDisk(megabytes: 300) { try root.sh("mkfs.btrfs -q '\($0)'") }
            let ext4 = try root.attachDisk(megabytes: 64) { try root.sh("mkfs.ext4 -q -F '\($0)'") }
            let (btrfsAt, ext4At) = btrfsInTree ? (treeFolder, hostFolder) : (hostFolder, treeFolder)
            let name = "\(Self.link(relative, hostFolder).0) link, btrfs at the \(btrfsInTree ? "tree's" : "host's") folder"

            try root.sh("mount '\(btrfs)' '\(btrfsAt)'")
            let check = try root.dockstore(["check", "--root", tree], root: false)
            #expect(check.status == (btrfsInTree ? 0 : 3), "\(name): \(check.stdout) \(check.stderr)")
            #expect(check.stdout.hasPrefix(btrfsInTree ? "DOCKSTORE OK" : "DOCKSTORE UNKNOWN"), "\(name): \(check.stdout)")
            let viaOption = try root.dockstore(["check", "--root", tree, "--mountpoint", "/var/lib/docker"], root: false)
            #expect(viaOption.status == check.status, "\(name), --mountpoint: \(viaOption.stdout)")

            try root.sh("mount '\(ext4)' '\(ext4At)'")
            let report = try root.dockstore(["backend", "--root", tree], root: false)
            let line = report.stdout.split(separator: "\n").first { $0.hasPrefix("filesystem:") }
            let shown = line.map { $0.dropFirst("filesystem:".count).trimmingCharacters(in: .whitespaces) }
            #expect(shown == (btrfsInTree ? "btrfs" : "ext4"), "\(name): \(report.stdout) \(report.stderr)")
            let write = try root.dockstore(["backend", "btrfs", "--root", tree], root: false)
            #expect(write.status == (btrfsInTree ? 0 : 2), "\(name): \(write.stdout) \(write.stderr)")
            if !btrfsInTree { #expect(write.stderr.contains("is on ext4"), "\(name): \(write.stderr)") }
            try root.sh("umount '\(ext4At)' && umount '\(btrfsAt)'")
        }
    }

    @Test(arguments: [false, true], [false, true])
    func statusAndGrowReadTheTreesFolder(_ relative: Bool, _ btrfsInTree: Bool) throws {
        try withTestRoot { root in
            let tree = root.path + "/tree"
            let hostFolder = root.path + "/host/mp"
            let treeFolder = tree + hostFolder
            try root.sh("mkdir -p '\(tree)/etc/sysconfig' '\(tree)/var/lib' '\(tree)/run' '\(hostFolder)' '\(treeFolder)'"
                        + " && touch '\(tree)/etc/fstab'"
                        + " && ln -s '\(Self.link(relative, hostFolder).1)' '\(tree)/var/lib/docker'")
            var disk = ""
            let btrfs = try root.attachDisk(megabytes: 300) { disk = $0; try root.sh("mkfs.btrfs -q '\($0)'") }
            let uuid = ProvisionElsewhereIntegrationTests.uuid(btrfs)
            let btrfsAt = btrfsInTree ? treeFolder : hostFolder
            let name = "\(Self.link(relative, hostFolder).0) link, btrfs at the \(btrfsInTree ? "tree's" : "host's") folder"
            try root.sh("mount '\(btrfs)' '\(btrfsAt)'")

            // status: the link stays a problem (provision refuses it); what is mounted at the
            // tree's folder is shown, the host's folder never.
            let status = try root.dockstore(["status", "--root", tree], root: false)
            #expect(status.status == 4, "\(name): \(status.stdout) \(status.stderr)")
            // The btrfs at the tree's folder is a device status detects (not the image): it is
            // that store, mounted; at the host's folder only, nothing is mounted for the tree.
            let mountedLine = btrfsInTree ? "mounted:     yes, \(btrfs) at \(treeFolder)" : "mounted:     no (\(treeFolder))"
            #expect(status.stdout.contains(mountedLine), "\(name): \(status.stdout)")
            #expect(status.stdout.contains("  - \(tree)/var/lib/docker is a symbolic link, not a folder"), "\(name): \(status.stdout)")
            let shown = status.stdout.split(separator: "\n").first { $0.hasPrefix("filesystem:") }
            if btrfsInTree {
                #expect(shown?.hasPrefix("filesystem:  btrfs \(uuid),") == true, "\(name): \(status.stdout)")
            } else {
                #expect(shown == nil, "\(name): \(status.stdout)")
            }

            // grow: the btrfs at the tree's folder is the store it grows (without --to: the image
            // needs a size, exit 64); at the host's folder only, nothing is mounted for it (exit 2).
            let grow = try root.dockstore(["grow", "--root", tree, "--dry-run"], root: false)
            if btrfsInTree {
                #expect(grow.status == 64, "\(name): \(grow.stdout) \(grow.stderr)")
                #expect(grow.stderr == "dockstore: the store is the image \(disk) (300 MiB), and its btrfs uses all of it: no grow is unfinished; give the new size with --to SIZE\n", "\(name): \(grow.stderr)")
            } else {
                #expect(grow.status == 2, "\(name): \(grow.stdout) \(grow.stderr)")
                #expect(grow.stderr == "dockstore: nothing is mounted at \(treeFolder); run dockstore provision first\n", "\(name): \(grow.stderr)")
            }
            try root.sh("umount '\(btrfsAt)'")
        }
    }

    /// Attack 8 F10: the image's store mounted at the tree's folder the link names (its own
    /// loop device there) is the store mounted: `mounted: yes` with that folder, in text and
    /// JSON, as the filesystem line beside it says; the link stays provision's problem.
    @Test(arguments: [false, true])
    func theImagesStoreAtTheLinkedFolderIsMounted(_ relative: Bool) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            let hostFolder = root.path + "/host/mp"
            let treeFolder = root.path + hostFolder
            let name = "\(Self.link(relative, hostFolder).0) link"
            try root.sh("umount '\(root.mountpoint)' && rmdir '\(root.mountpoint)' && mkdir -p '\(treeFolder)' '\(hostFolder)'"
                        + " && ln -s '\(Self.link(relative, hostFolder).1)' '\(root.mountpoint)'")
            let loop = try root.sh("losetup -f --show '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            try root.sh("mount '\(loop)' '\(treeFolder)'")
            let uuid = ProvisionElsewhereIntegrationTests.uuid(loop)

            let status = try root.dockstore(["status"], root: true)
            #expect(status.status == 4, "\(name): \(status.stdout) \(status.stderr)")
            #expect(status.stdout.contains("\nmounted:     yes, \(loop) at \(treeFolder)\n"), "\(name): \(status.stdout)")
            #expect(status.stdout.contains("\nfilesystem:  btrfs \(uuid) label 'docker',"), "\(name): \(status.stdout)")
            #expect(status.stdout.contains("  - \(root.mountpoint) is a symbolic link, not a folder"), "\(name): \(status.stdout)")
            let json = try root.dockstore(["status", "--json"], root: true)
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(object?["mounted"] as? Bool == true, "\(name): \(json.stdout)")
            #expect(object?["mountedFrom"] as? String == loop, "\(name): \(json.stdout)")
            #expect(object?["mountpoint"] as? String == treeFolder, "\(name): \(json.stdout)")
            try root.sh("umount '\(treeFolder)'")
        }
    }
}
