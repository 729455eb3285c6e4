import DockStoreCore
import Foundation
import Testing

/// The tenth outside attack's cases (no loop device, no mount: hand-made trees), each failing on
/// 87e19bc: --delete-image deleting any regular file --image names; paths that are canonically
/// equivalent but not the same bytes (`/srv/café` with U+00E9 and with e + U+0301: two folders
/// to the kernel and systemd, one to Swift's `==`) taken for one; a mountpoint through a linked
/// folder half torn down; a foreign temporary folder's refusal leaving the lock file.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct TenthAttackIntegrationTests {
    static let nfc = "/srv/caf\u{E9}"
    static let nfd = "/srv/cafe\u{301}"
    static let header = "# Written by dockstore provision; a re-run rewrites it.\n# Docker must never start on the bare folder underneath its storage.\n[Unit]\nRequiresMountsFor="

    /// A tree whose store is at `mountpoint` (its drop-in, its fstab line, the settings naming
    /// it), nothing mounted.
    static func tree(_ root: TestRoot, mountpoint: String) throws {
        try root.sh("mkdir -p '\(root.path)/etc/systemd/system/docker.service.d' '\(root.path)/etc/sysconfig' '\(root.path)\(nfc)' '\(root.path)\(nfd)' '\(root.path)/var/lib/docker'")
        try root.write(root.dropIn, header + mountpoint + "\n")
        try root.write(root.fstab, "/dev/vda1 / ext4 defaults 0 1\n/var/lib/docker-storage.btrfs \(mountpoint) btrfs nofail,loop,x-systemd.before=dockstore-provision.service 0 0\n")
        try root.write(root.path + "/etc/sysconfig/dockstore", "DOCKSTORE_MOUNTPOINT=\(mountpoint)\n")
    }

    @Test(arguments: ["/etc/fstab", "/home/u/thesis.tex"])
    func deleteImageKeepsAFileThatIsNoStoreImage(_ image: String) throws {
        try withTestRoot { root in
            try root.sh("mkdir -p '\(root.path)/etc' '\(root.path)/home/u'")
            try root.write(root.fstab, "/dev/vda1 / ext4 defaults 0 1\n")
            try root.write(root.path + "/home/u/thesis.tex", "\\documentclass{article}\n")
            let before = root.snapshot()
            for run in [["teardown", "--image", image, "--delete-image"], ["teardown", "--image", image, "--delete-image", "--dry-run"]] {
                let refused = try root.dockstore(run)
                #expect(refused.status == 2 && refused.stdout.isEmpty, "\(run): \(refused.stdout) \(refused.stderr)")
                #expect(refused.stderrLines.count == 1 && refused.stderr.hasPrefix("dockstore: refusing to delete \(root.path)\(image): it holds ")
                        && refused.stderr.contains("not a btrfs labelled docker as the image dockstore makes; nothing was changed"), "\(run): \(refused.stderr)")
                #expect(root.changes(since: before) == [], "DATA: \(run) changed the tree")
            }
        }
    }

    @Test func teardownOfTheOtherSpellingKeepsTheStoresLineAndDropIn() throws {
        try withTestRoot { root in
            try Self.tree(root, mountpoint: Self.nfd)
            let before = root.snapshot()
            let torn = try root.dockstore(["teardown", "--mountpoint", Self.nfc])
            #expect(torn.status == 0, "\(torn.stdout) \(torn.stderr)")
            #expect(!torn.stdout.contains("[fstab]") && !torn.stdout.contains("[drop-in]") && !torn.stdout.contains("[disable-boot]"), "\(torn.stdout)")
            #expect(torn.stdout.contains("kept Docker's configuration") && torn.stdout.contains("it serves the store at \(root.path)\(Self.nfd), not the one at \(root.path)\(Self.nfc)"), "\(torn.stdout)")
            #expect(root.changes(since: before) == [], "the other folder's store was touched")
            // Its own spelling takes it down.
            let own = try root.dockstore(["teardown", "--mountpoint", Self.nfd])
            #expect(own.status == 0 && own.stdout.contains("[fstab]") && own.stdout.contains("[drop-in]"), "\(own.stdout) \(own.stderr)")
        }
    }

    @Test func provisionOfTheOtherSpellingIsASecondStore() throws {
        try withTestRoot { root in
            try Self.tree(root, mountpoint: Self.nfd)
            let before = root.snapshot()
            let refused = try root.dockstore(["provision", "--dry-run", "--mountpoint", Self.nfc, "--size", "256M"])
            #expect(refused.status == 2 && refused.stderr.contains("dockstore keeps one store per root"), "\(refused.stdout) \(refused.stderr)")
            #expect(root.changes(since: before) == [])
        }
    }

    /// Half torn down on 87e19bc (drop-in gone, fstab line kept); then both kept with a "kept"
    /// line; now refused up front with the path the line and the drop-in write.
    @Test func aMountpointThroughALinkedFolderIsRefusedWithThePathToGive() throws {
        try withTestRoot { root in
            try Self.tree(root, mountpoint: "/var/lib/docker")
            try root.sh("ln -s /var/lib '\(root.path)/srv/link'")
            let before = root.snapshot()
            let torn = try root.dockstore(["teardown", "--mountpoint", "/srv/link/docker"])
            #expect(torn.status == 2 && torn.stdout.isEmpty, "\(torn.stdout) \(torn.stderr)")
            #expect(torn.stderr.hasSuffix("nothing was changed: give --mountpoint /var/lib/docker\n"), "\(torn.stderr)")
            #expect(root.changes(since: before) == [])
        }
    }

    @Test func aForeignTemporaryFolderRefusesWithoutMakingTheLockFile() throws {
        try withTestRoot { root in
            try root.sh("mkdir -p '\(root.path)/etc/sysconfig' '\(root.path)/var/lib/.dockstore.dockstore-new' '\(root.path)/run'")
            try root.write(root.path + "/var/lib/.dockstore.dockstore-new/notes", "mine\n")
            try root.write(root.sysconfig, "DOCKER_OPTS=\"--storage-driver=overlay2\"\n")
            let before = root.snapshot()
            let refused = try root.dockstore(["backend", "btrfs", "--force"])
            #expect(refused.status == 2 && refused.stderr.contains("nothing was changed"), "\(refused.stdout) \(refused.stderr)")
            #expect(root.status(root.path + "/run/dockstore.lock") == nil, "the refusal made the lock file")
            #expect(root.changes(since: before) == [])
        }
    }
}
