import DockStoreCore
import Foundation
import Testing

/// Attack 29 I1–I5: an empty file named by `--image` was taken for a blank image and formatted
/// in place: the root's `/etc/fstab` (then every command refused on it), `/etc/sysconfig/docker`,
/// `/etc/machine-id` (mounted, exit 0), dockstore's own lock on /run (lost at reboot), and
/// `/etc/dockstore.disabled`, whose removal by the same run's `[enable-boot]` deleted the
/// mounted image. An image inside a system folder or dockstore's records is refused before
/// anything is read or written, also when the folder is reached through a symbolic link.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct SystemFileImageIntegrationTests {
    @Test(arguments: ["/etc/fstab", "/etc/sysconfig/docker", "/etc/machine-id", "/run/dockstore.lock",
                      "/etc/dockstore.disabled", "/var/lib/dockstore/provision-folders"])
    func anEmptySystemFileIsNoImage(_ path: String) throws {
        try withTestRoot { root in
            try root.sh("mkdir -p \(root.path)/etc/sysconfig \(root.path)/run \(root.path)/var/lib/dockstore && : > '\(root.path)\(path)'")
            let before = root.snapshot()
            for arguments in [["provision", "--size", "1G", "--image", path], ["provision", "--dry-run", "--image", path]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 64 && run.stderrLines.count == 1 && run.stderr.contains("--image \(path) is inside"),
                        "\(arguments): exit \(run.status): \(run.stdout)\(run.stderr)")
                #expect(root.changes(since: before) == [], "\(arguments): \(root.changes(since: before))")
            }
            #expect(root.mounts().isEmpty && root.loopDevices().isEmpty)
            // The settings file's value: refused naming its line.
            try root.write(root.path + "/etc/sysconfig/dockstore", "DOCKSTORE_IMAGE=\"\(path)\"\n")
            let settled = root.snapshot()
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 64 && boot.stderr.contains("/etc/sysconfig/dockstore line 1: DOCKSTORE_IMAGE \(path) is inside"), "\(boot.stderr)")
            #expect(root.changes(since: settled) == [], "\(root.changes(since: settled))")
        }
    }

    /// The same through a folder that is a symbolic link (absolute, as image trees have them,
    /// and relative): `/srv/conf` → `/etc`, an image tree's `var/lib/run` → `../../run`.
    @Test(arguments: [("/etc", "/srv/conf", "fstab"), ("../../run", "/var/lib/run", "dockstore.lock")])
    func aSymbolicLinkToASystemFolderIsRefusedToo(_ target: String, _ link: String, _ name: String) throws {
        try withTestRoot { root in
            try root.sh("mkdir -p \(root.path)/srv \(root.path)/run \(root.path)/var/lib && ln -s '\(target)' '\(root.path)\(link)'")
            let resolved = target.hasPrefix("/") ? target : "/run"
            try root.sh(": > '\(root.path)\(resolved)/\(name)'")
            let before = root.snapshot()
            let image = "\(link)/\(name)"
            let run = try root.dockstore(["provision", "--size", "1G", "--image", image])
            #expect(run.status == 2 && run.stderrLines.count == 1
                    && run.stderr.contains("--image \(image) (through a symbolic link: \(resolved)/\(name)) is inside \(resolved), a system folder")
                    && run.stderr.hasSuffix("nothing was changed\n"), "exit \(run.status): \(run.stdout)\(run.stderr)")
            #expect(root.changes(since: before) == [], "\(root.changes(since: before))")
            let mountpoint = try root.dockstore(["provision", "--size", "1G", "--mountpoint", "\(link)/docker"])
            #expect(mountpoint.status == 2 && mountpoint.stderr.contains("--mountpoint \(link)/docker (through a symbolic link: \(resolved)/docker) is inside \(resolved), a system folder"),
                    "exit \(mountpoint.status): \(mountpoint.stdout)\(mountpoint.stderr)")
            #expect(root.changes(since: before) == [], "\(root.changes(since: before))")
            #expect(root.mounts().isEmpty && root.loopDevices().isEmpty)
        }
    }

    /// A bind mount of the root's /etc elsewhere: the folder is /etc by device and inode.
    @Test func aBindMountOfASystemFolderIsRefusedToo() throws {
        try withTestRoot { root in
            try root.sh("mkdir -p \(root.path)/etc \(root.path)/srv/bound && : > '\(root.path)/etc/machine-id' && mount --bind '\(root.path)/etc' '\(root.path)/srv/bound'")
            let before = root.snapshot()
            let run = try root.dockstore(["provision", "--size", "1G", "--image", "/srv/bound/machine-id"])
            #expect(run.status == 2 && run.stderrLines.count == 1
                    && run.stderr.contains("--image /srv/bound/machine-id (through a bind mount) is inside /etc, a system folder"),
                    "exit \(run.status): \(run.stdout)\(run.stderr)")
            #expect(root.changes(since: before) == [], "\(root.changes(since: before))")
            #expect(root.loopDevices().isEmpty)
        }
    }

    /// Attack 30 1a/1b: the image a hard link to an empty system file, in a folder of its own:
    /// the blank file was sized to the image before the format's re-check refused its second
    /// name, leaving /etc/fstab 1 GiB of zeros. A blank file with another name is refused at
    /// the plan, before anything is written.
    @Test(arguments: ["/etc/fstab", "/etc/machine-id"])
    func aHardLinkToASystemFileIsNoBlankImage(_ system: String) throws {
        try withTestRoot { root in
            try root.sh("mkdir -p \(root.path)/srv && : > '\(root.path)\(system)' && ln '\(root.path)\(system)' '\(root.path)/srv/store.img'")
            let before = root.snapshot()
            let run = try root.dockstore(["provision", "--size", "1G", "--image", "/srv/store.img"])
            #expect(run.status == 2 && run.stderrLines.count == 1 && run.stderr.contains("/srv/store.img has 2 names (hard links)")
                    && run.stderr.contains("nothing was changed"), "exit \(run.status): \(run.stdout)\(run.stderr)")
            #expect(root.changes(since: before) == [], "\(root.changes(since: before))")
            #expect(root.status(root.path + system)?.st_size == 0, "\(system) was written to")
            #expect(root.status(root.path + "/run/dockstore.lock") == nil)
        }
    }
}
