import DockStoreCore
import Foundation
import Testing

/// A link given as teardown's mountpoint (attack 9 defect 9): `--mountpoint /srv/link`, a link
/// to /var/lib/docker where the store is mounted, was refused with "a link or a file took its
/// place after dockstore looked … put the folder back", though the link was there before the
/// run. Now one line says it is a link, where it leads inside --root and which --mountpoint to
/// give; nothing changes, and teardown with that folder then takes the store down.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct TeardownLinkedMountpointIntegrationTests {
    @Test func aLinkAtTheMountpointIsRefusedWithTheFolderToGive() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            try root.sh("mkdir -p '\(root.path)/srv' && ln -s /var/lib/docker '\(root.path)/srv/link' && ln -s /nowhere '\(root.path)/srv/dangling'")
            let before = root.snapshot()
            let linked = try root.dockstore(["teardown", "--mountpoint", "/srv/link", "--delete-image"])
            #expect(linked.status == 2)
            #expect(linked.stderr == "dockstore: \(root.path)/srv/link is a symbolic link to \(root.path)/var/lib/docker, not a folder: teardown unmounts the store only at its folder, never through a link; nothing was changed: give the folder it leads to: --mountpoint /var/lib/docker\n", "\(linked.stderr)")
            #expect(linked.stdout.isEmpty, "\(linked.stdout)")
            let dangling = try root.dockstore(["teardown", "--mountpoint", "/srv/dangling"])
            #expect(dangling.status == 2)
            #expect(dangling.stderr == "dockstore: \(root.path)/srv/dangling is a symbolic link to \(root.path)/nowhere, not a folder: teardown unmounts the store only at its folder, never through a link; nothing was changed: it leads to no folder: give the folder the store is mounted on as --mountpoint\n", "\(dangling.stderr)")
            let dryRun = try root.dockstore(["teardown", "--mountpoint", "/srv/link", "--dry-run"])
            #expect(dryRun.status == 2 && dryRun.stderr == linked.stderr, "\(dryRun.stderr)")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
            let advised = try root.dockstore(["teardown", "--mountpoint", "/var/lib/docker", "--delete-image"])
            #expect(advised.status == 0, "\(advised.stderr)")
            #expect(root.mounts().isEmpty && root.loopDevices().isEmpty)
            #expect(root.status(root.image) == nil)
        }
    }

    /// A file on the way to the mountpoint is no link: on a tree without a store, nothing to do,
    /// as before (the look for a link does not turn ENOTDIR into a failure).
    @Test func aFileOnTheWayIsNoLink() throws {
        try withTestRoot { root in
            try root.write(root.fstab, "")
            let throughFile = try root.dockstore(["teardown", "--mountpoint", "/etc/fstab/x"])
            #expect(throughFile.status == 0 && throughFile.stderr.isEmpty, "\(throughFile.stdout) \(throughFile.stderr)")
            #expect(throughFile.stdout.hasPrefix("Nothing of Docker's storage is set up at \(root.path)/etc/fstab/x"), "\(throughFile.stdout)")
        }
    }

    /// A mountpoint that reaches the store's folder by another path than its fstab line writes
    /// (through a linked folder; or the real folder when the line goes through the link): the
    /// teardown unmounted the store and kept the line that mounts it again at boot, with a kept
    /// line naming one path twice. Now refused with the path to give, nothing changed; with that
    /// path the store goes. Also once the fstab line is gone (a teardown killed after it), the
    /// drop-in's path is the one to give.
    @Test func anotherSpellingOfTheStoresFolderIsRefusedWithTheOneToGive() throws {
        try withTestRoot { root in
            try root.sh("mkdir -p '\(root.path)/srv/real' && ln -s real '\(root.path)/srv/link'")
            let image = "/srv/real/docker.btrfs"
            try #require(try root.dockstore(["provision", "--size", "256M", "--mountpoint", "/srv/real/docker", "--image", image]).status == 0)
            var before = root.snapshot()
            let throughLink = try root.dockstore(["teardown", "--mountpoint", "/srv/link/docker", "--image", image, "--delete-image"])
            #expect(throughLink.status == 2 && throughLink.stdout.isEmpty, "\(throughLink.stdout)")
            #expect(throughLink.stderr == "dockstore: --mountpoint /srv/link/docker reaches the store's folder \(root.path)/srv/real/docker by another path than /srv/real/docker, the one its fstab line and configuration write (a symbolic link is on the way), and teardown finds those by the path as written; nothing was changed: give --mountpoint /srv/real/docker\n", "\(throughLink.stderr)")
            let dryRun = try root.dockstore(["teardown", "--mountpoint", "/srv/link/docker", "--image", image, "--dry-run"])
            #expect(dryRun.status == 2 && dryRun.stderr == throughLink.stderr, "\(dryRun.stderr)")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
            #expect(root.mounts().map(\.target) == ["\(root.path)/srv/real/docker"], "\(root.mounts())")
            #expect(try root.dockstore(["teardown", "--mountpoint", "/srv/real/docker", "--image", image, "--delete-image"]).status == 0)
            #expect(root.mounts().isEmpty && root.loopDevices().isEmpty && root.status(root.path + image) == nil)

            // Provisioned through the link: the real folder is the other spelling now.
            try #require(try root.dockstore(["provision", "--size", "256M", "--mountpoint", "/srv/link/docker", "--image", image]).status == 0)
            before = root.snapshot()
            let real = try root.dockstore(["teardown", "--mountpoint", "/srv/real/docker", "--image", image])
            #expect(real.status == 2 && real.stderr.hasSuffix("nothing was changed: give --mountpoint /srv/link/docker\n"), "\(real.stderr)")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")

            // The fstab line gone (as a teardown killed after that step leaves it): the drop-in's path.
            try root.sh("umount '\(root.path)/srv/real/docker' && losetup -j '\(root.path)\(image)' -O NAME -n | xargs -r -n1 losetup -d")
            try root.write(root.fstab, "")
            before = root.snapshot()
            let afterKill = try root.dockstore(["teardown", "--mountpoint", "/srv/real/docker", "--image", image])
            #expect(afterKill.status == 2 && afterKill.stderr.hasSuffix("nothing was changed: give --mountpoint /srv/link/docker\n"), "\(afterKill.stderr)")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
            let finished = try root.dockstore(["teardown", "--mountpoint", "/srv/link/docker", "--image", image, "--delete-image"])
            #expect(finished.status == 0, "\(finished.stderr)")
            #expect(root.status(root.path + "/etc/systemd/system/docker.service.d/dockstore.conf") == nil && root.status(root.path + image) == nil)
        }
    }
}
