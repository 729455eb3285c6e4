import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The third outside attack on issue 15 (scripts/attacks/issue15-2026-11-30-third.sh), its
/// refusal and message cases: each refusal is exit 2 or 64 with one line naming the thing and
/// what to do, and the tree (entries, modes, times, contents; `RefusedTreeIntegrationTests.tree`)
/// is as it was, run/dockstore.lock included.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct RefusalMessageIntegrationTests {
    func tree(_ root: TestRoot) throws -> String { try RefusedTreeIntegrationTests().tree(root) }

    /// Runs `arguments` on `root`, expects `status` and one line holding every fragment, and
    /// the tree unchanged.
    func refused(_ root: TestRoot, _ arguments: [String], _ status: Int32, _ fragments: [String],
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try tree(root)
        let run = try root.dockstore(arguments)
        #expect(run.status == status, "\(arguments): \(run.status) \(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stderrLines.count == 1, "\(arguments): \(run.stderr)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(run.stderr.contains(fragment), "\(arguments): '\(fragment)' not in \(run.stderr)", sourceLocation: sourceLocation)
        }
        #expect(try tree(root) == before, "\(arguments): the tree changed", sourceLocation: sourceLocation)
        #expect(root.status(root.path + "/run/dockstore.lock") == nil, sourceLocation: sourceLocation)
    }

    /// /etc a link to nothing: teardown refuses as provision does (exit 2, the folder named),
    /// and creates nothing.
    @Test func teardownWithADanglingEtcRefusesAsProvisionDoes() throws {
        try withTestRoot { root in
            try root.sh("cd '\(root.path)' && rm -r etc && ln -s ../../../nonexistent-etc etc")
            try refused(root, ["provision", "--size", "256M"], ExitStatus.refused.rawValue, [root.path + "/etc"])
            try refused(root, ["teardown"], ExitStatus.refused.rawValue, [root.path + "/etc"])
        }
    }

    /// Nothing provisioned and dockstore-provision.service not enabled: teardown says nothing
    /// needs doing and changes nothing. Enabled in the tree, the boot switch is real work.
    @Test func teardownOfANeverProvisionedTreeDoesNothingUnlessBootWould() throws {
        try withTestRoot { root in
            try root.write(root.fstab, "")
            let before = try tree(root)
            let run = try root.dockstore(["teardown"])
            #expect(run.status == 0 && run.stdout.contains("nothing to do"), "\(run.status) \(run.stdout) \(run.stderr)")
            #expect(try tree(root) == before)
            #expect(root.status(root.path + "/run/dockstore.lock") == nil)

            try root.sh("mkdir -p '\(root.path)/etc/systemd/system/multi-user.target.wants' && ln -s /usr/lib/systemd/system/dockstore-provision.service '\(root.path)/etc/systemd/system/multi-user.target.wants/'")
            let enabled = try root.dockstore(["teardown"])
            #expect(enabled.status == 0 && enabled.stdout.contains("[disable-boot]"), "\(enabled.stdout) \(enabled.stderr)")
            #expect(root.status(root.path + "/etc/dockstore.disabled") != nil)
        }
    }

    /// daemon.json selecting another driver is refused before any write, naming the file, the
    /// driver and `dockstore backend btrfs`; one selecting btrfs is kept with no driver flag in
    /// DOCKER_OPTS, as the man page says.
    @Test func provisionRefusesAnotherDriverInDaemonJSON() throws {
        try withTestRoot { root in
            let config = root.path + "/etc/docker/daemon.json"
            try root.write(config, #"{"storage-driver":"overlay2"}"#)
            try refused(root, ["provision", "--size", "256M"], ExitStatus.refused.rawValue,
                        [config, "\"storage-driver\": \"overlay2\"", "dockstore backend btrfs"])
            try root.write(config, #"{"storage-driver": "btrfs"}"#)
            let run = try root.dockstore(["provision", "--size", "256M"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(root.read(config) == #"{"storage-driver": "btrfs"}"#)
            #expect(root.read(root.sysconfig)?.contains("storage-driver") != true, "no driver flag: \(root.read(root.sysconfig) ?? "")")
            #expect(try root.dockstore(["teardown", "--delete-image"]).status == 0)
        }
    }

    /// The settings file is refused when a folder on its way is writable by others without the
    /// sticky bit, or not root's; a sticky world-writable folder is accepted.
    @Test func settingsInAFolderOthersCanWriteAreRefused() throws {
        try withTestRoot { root in
            let folder = root.path + "/etc/sysconfig"
            try root.write(folder + "/dockstore", "DOCKSTORE_SIZE=\"300M\"\n")
            try root.sh("chmod 600 '\(folder)/dockstore' && chmod 777 '\(folder)'")
            try refused(root, ["provision", "--dry-run"], ExitStatus.refused.rawValue,
                        [folder + "/dockstore", "its folder \(folder) is writable by its group and others without the sticky bit (mode 777)", "chmod go-w \(folder)"])
            try root.sh("chmod 755 '\(folder)' && chown 1000 '\(folder)'")
            try refused(root, ["provision", "--dry-run"], ExitStatus.refused.rawValue, ["its folder \(folder) is owned by uid 1000, not root"])
            try root.sh("chown 0 '\(folder)' && chmod 1777 '\(folder)'")
            let sticky = try root.dockstore(["provision", "--dry-run"])
            #expect(sticky.status == 0 && sticky.stdout.contains("300 MiB"), "\(sticky.stdout) \(sticky.stderr)")
            try root.sh("chmod 755 '\(folder)' && chmod 775 '\(root.path)/etc'")
            try refused(root, ["status"], ExitStatus.failed.rawValue, ["its folder \(root.path)/etc is writable by its group"])
        }
    }

    /// grow --dry-run refuses an image outside --root exactly as the run does.
    @Test func growsDryRunRefusesAnImageOutsideTheRootAsTheRunDoes() throws {
        try withTestRoot { outside in
            let image = outside.path + "/outside.img"
            _ = try outside.sh("truncate -s 256M '\(image)' && mkfs.btrfs -q -L docker '\(image)'")
            try withTestRoot { root in
                try root.sh("mkdir '\(root.mountpoint)' && mount -o loop '\(image)' '\(root.mountpoint)'")
                let message = "refusing to extend \(image): it lies outside --root \(root.path); nothing was extended"
                try refused(root, ["grow", "--to", "512M", "--dry-run"], ExitStatus.refused.rawValue, [message])
                try refused(root, ["grow", "--to", "512M"], ExitStatus.refused.rawValue, [message])
                #expect(outside.status(image)?.st_size == 256 << 20)
                _ = try root.sh("umount '\(root.mountpoint)'")
            }
        }
    }

    static let unusableOptions: [(String, String)] = [
        ("ro", "mounts the store read-only"),
        ("noexec", "no container could start"),
        ("compress=zstd:1,user", "'user' implies noexec"),
        ("nosymfollow", "'nosymfollow' keeps paths on the store from following symbolic links"),
        ("offset=4096", "'offset=4096' is a loop device option"),
        ("noatime,bind", "'bind' is a mount(8) operation, not a filesystem option"),
        ("remount", "'remount' is a mount(8) operation, not a filesystem option"),
    ]

    /// Attack 12, B05: nosuid and nodev reach every container's files; provision keeps them and
    /// says so at every run, and status lists the same warnings.
    @Test func nosuidIsKeptWithAWarningAtEveryRun() throws {
        try withTestRoot { root in
            let first = try root.dockstore(["provision", "--size", "256M", "--mount-options", "nosuid"])
            #expect(first.status == 0, "\(first.stderr)")
            let warning = "dockstore: warning: mount option nosuid reaches every container's files: setuid programs in containers (su, sudo, ping, passwd) run without their privileges; leave it out unless that is meant\n"
            #expect(first.stderr == warning, "\(first.stderr)")
            #expect(root.mounts().first?.options.split(separator: ",").contains("nosuid") == true)
            let again = try root.dockstore(["provision", "--mount-options", "nosuid"])
            #expect(again.status == 0 && again.stderr == warning, "\(again.stderr)")
            #expect(try root.dockstore(["teardown", "--delete-image"]).status == 0)
        }
    }

    /// Options that leave the store unusable for Docker are refused when provision plans (64).
    @Test(arguments: unusableOptions)
    func mountOptionsDockerCannotUseAreRefused(_ options: String, _ says: String) throws {
        try withTestRoot { root in
            try refused(root, ["provision", "--size", "256M", "--mount-options", options], ExitStatus.usage.rawValue,
                        ["--mount-options", says, "leave it out"])
        }
    }

    /// A store mounted read-only is not "in place": status names it once and exits 4; provision
    /// (the boot unit) warns with the same line instead of a bare "nothing to do" (attack 11, B04),
    /// and check's remedy does not send the admin to an fstab `ro` that is not there.
    @Test func statusSaysAReadOnlyStoreIsNotInPlace() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            _ = try root.sh("mount -o remount,ro '\(root.mountpoint)'")
            let status = try root.dockstore(["status"])
            let line = "the store at \(root.mountpoint) is mounted read-only: dockerd cannot write a layer or a container there, and provision does not remount it; remount it read-write (mount -o remount,rw \(root.mountpoint)), or find why the kernel made it read-only (dmesg) if no one asked for it"
            #expect(status.status == ExitStatus.problems.rawValue, "\(status.status) \(status.stdout)")
            #expect(status.stdout.components(separatedBy: line).count == 2, "\(status.stdout)")
            let provision = try root.dockstore(["provision"])
            #expect(provision.status == 0 && provision.stderr == "dockstore: warning: \(line)\n", "\(provision.stderr)")
            #expect(provision.stdout.hasSuffix("nothing to do.\n"), "\(provision.stdout)")
            let check = try root.dockstore(["check"])
            #expect(check.stdout.contains("mount -o remount,rw \(root.mountpoint) (and take ro out of its fstab line if it is there)"), "\(check.stdout)")
            #expect(!status.stdout.split(separator: "\n").contains { $0.hasPrefix("state:") && $0.hasSuffix("in place") }, "\(status.stdout)")
            _ = try root.sh("mount -o remount,rw '\(root.mountpoint)'")
            #expect(try root.dockstore(["status"]).status == 0)
            #expect(try root.dockstore(["teardown", "--delete-image"]).status == 0)
        }
    }

    /// A mount option btrfs refuses: where the kernel's btrfs judges options at fsconfig (Linux
    /// 6.8 and later) provision asks it first and refuses as a usage error before anything is
    /// created (attack 25 K1); elsewhere the mount fails, with one line naming the options given
    /// and what to do, and the new image and the mountpoint folder made are removed again.
    @Test func aMountOptionBtrfsRefusesLeavesNothingBehind() throws {
        try withTestRoot { root in
            let before = try tree(root)
            let run = try root.dockstore(["provision", "--size", "256M", "--mount-options", "compress=bogus"])
            #expect(run.stderrLines.count == 1, "\(run.stderr)")
            if btrfsJudgesOptionsAtFsconfig {
                #expect(run.status == ExitStatus.usage.rawValue, "\(run.status) \(run.stderr)")
                #expect(run.stderr.contains("the kernel's btrfs rejects the mount option 'compress=bogus'")
                        && run.stderr.contains("DOCKSTORE_MOUNT_OPTIONS or --mount-options"), "\(run.stderr)")
            } else {
                #expect(run.status == ExitStatus.failed.rawValue, "\(run.status) \(run.stderr)")
                #expect(run.stderr.contains("the extra mount options were 'compress=bogus'") && run.stderr.contains("removed the new image"), "\(run.stderr)")
            }
            let loops = run.stderr.matches(of: /\/dev\/loop[0-9]+/).map { String($0.output) }
            #expect(Set(loops).count <= 1, "one device named: \(run.stderr)")
            #expect(root.status(root.image) == nil && root.status(root.mountpoint) == nil, "nothing left behind")
            #expect(root.mounts().isEmpty && root.loopDevices().isEmpty)
            // The lock file stays (the run changed the tree); every other entry is as it was,
            // but for the times of the folders the image and the mountpoint were made in.
            _ = try root.sh("rm -f '\(root.path)/run/dockstore.lock'")
            func entries(_ tree: String) -> [String] {
                tree.split(separator: "\n").map { line in
                    var fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                    if fields.count > 3 { fields[3] = "" }
                    return fields.joined(separator: "|")
                }
            }
            #expect(entries(try tree(root)) == entries(before))
        }
    }

    /// Attack 26 L7: an xfs device store whose mount fails after the format (`logbufs=1`, which
    /// xfs's parser takes and its mount refuses on every kernel) left the folders it made and
    /// said nothing of what the device now held. The folders go; the device keeps the format,
    /// said, and recorded so the re-run with corrected options mounts it without formatting.
    @Test func aDeviceStoresFailedMountSaysWhatTheDeviceHoldsAndRemovesTheFolders() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            let run = try root.dockstore(["provision", "--device", disk, "--fs", "xfs", "--mount-options", "logbufs=1"])
            #expect(run.status == ExitStatus.failed.rawValue && run.stderrLines.count == 1, "\(run.status) \(run.stderr)")
            let uuid = try root.sh("blkid -o value -s UUID \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(run.stderr.contains("(xfs(5) lists what xfs takes;")
                    && run.stderr.contains("; dockstore removed the folder \(root.mountpoint) it made and its record of folders \(root.path)/var/lib/dockstore/provision-folders; \(disk) keeps the xfs this run made (UUID \(uuid)), recorded in \(root.path)/var/lib/dockstore/format-record.json, so the re-run mounts it without formatting again"),
                    "\(run.stderr)")
            #expect(root.status(root.mountpoint) == nil && root.status(root.path + "/var/lib/dockstore/provision-folders") == nil)
            #expect(root.mounts().isEmpty)
            let again = try root.dockstore(["provision", "--device", disk, "--fs", "xfs"])
            #expect(again.status == 0 && !again.stdout.contains("[format-device]"), "\(again.stdout)\(again.stderr)")
            #expect(try root.sh("blkid -o value -s UUID \(disk)").trimmingCharacters(in: .whitespacesAndNewlines) == uuid, "not formatted again")
            #expect(try root.dockstore(["check"]).status == 0)
        }
    }

    /// A non-UTF-8 value is named by its option (or argument), not by its position.
    @Test func aNonUTF8ArgumentIsNamedByItsOption() throws {
        try withTestRoot { root in
            let cases = [("provision --mountpoint \"$(printf '/var/lib/d\\377')\"", "--mountpoint '/var/lib/d\\xFF' is not UTF-8"),
                         ("provision --size 256M --image=\"$(printf '/var/lib/x\\351')\"", "--image '/var/lib/x\\xE9' is not UTF-8"),
                         ("migrate-ebs \"$(printf '/dev/x\\351')\"", "the DEVICE argument '/dev/x\\xE9' is not UTF-8")]
            let before = try tree(root)
            for (arguments, says) in cases {
                let run = try root.run("/bin/sh", ["-c", "\"$0\" \(arguments) --root '\(root.path)'", TestRoot.binary])
                #expect(run.status == ExitStatus.usage.rawValue && run.stderrLines.count == 1, "\(arguments): \(run.stderr)")
                #expect(run.stderr.contains(says), "\(arguments): \(run.stderr)")
            }
            #expect(try tree(root) == before)
        }
    }

    /// A relative --root and an image path naming a folder are bad usage (64), nothing changed.
    @Test func aRelativeRootAndATrailingSlashAreRefused() throws {
        try withTestRoot { root in
            let before = try tree(root)
            let relative = try root.run("/bin/sh", ["-c", "cd '\(root.path)' && \"$0\" provision --size 256M --root .", TestRoot.binary])
            #expect(relative.status == ExitStatus.usage.rawValue && relative.stderrLines.count == 1, "\(relative.status) \(relative.stderr)")
            #expect(relative.stderr.contains("--root '.' is not an absolute path"), "\(relative.stderr)")
            #expect(try tree(root) == before)
            try refused(root, ["provision", "--size", "256M", "--image", "/var/lib/x.btrfs/"], ExitStatus.usage.rawValue,
                        ["--image '/var/lib/x.btrfs/' ends with '/'"])
        }
    }
}
