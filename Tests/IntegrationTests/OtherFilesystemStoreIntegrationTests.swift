import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A store on an xfs or ext4 device (`provision --device DEV --fs xfs|ext4`) lives as a btrfs
/// device store does (attack 12 B15, B16): the boot unit's plain `provision` finds it by its
/// fstab line and mounts it, status and check call it the store, and teardown (also
/// `--wipe-device`) takes it down; a foreign filesystem at the mountpoint stays refused.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct OtherFilesystemStoreIntegrationTests {
    static let order = "x-systemd.before=dockstore-provision.service"

    /// A 512 MiB loop device with the store provision made on it, mounted; its UUID.
    func provisioned(_ root: TestRoot, _ fs: String) throws -> (disk: String, uuid: String) {
        let disk = try root.attachDisk(megabytes: 512)
        let made = try root.dockstore(["provision", "--device", disk, "--fs", fs])
        #expect(made.status == 0, "\(made.stderr)")
        let uuid = try root.sh("blkid -p -s UUID -o value \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(root.fstabAfterCreatedMark == "UUID=\(uuid) /var/lib/docker \(fs) nofail,\(Self.order) 0 \(fs == "ext4" ? 2 : 0)\n")
        return (disk, uuid)
    }

    func expectStoreInPlace(_ root: TestRoot, _ disk: String, _ fs: String, _ context: String,
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        let status = try root.dockstore(["status"])
        #expect(status.status == 0, "\(context): \(status.stdout) \(status.stderr)", sourceLocation: sourceLocation)
        #expect(status.stdout.contains("mounted:     yes, \(disk) at \(root.mountpoint)"), "\(context): \(status.stdout)", sourceLocation: sourceLocation)
        #expect(status.stdout.contains("state:       in place"), "\(context): \(status.stdout)", sourceLocation: sourceLocation)
        let check = try root.dockstore(["check"])
        #expect(check.status == 0 && check.stdout.hasPrefix("DOCKSTORE OK - data"), "\(context): \(check.stdout) \(check.stderr)", sourceLocation: sourceLocation)
        let mount = root.mounts().first
        #expect(root.mounts().count == 1 && mount?.source == disk && mount?.fstype == fs, "\(context): \(root.mounts())", sourceLocation: sourceLocation)
    }

    @Test(arguments: [("xfs", false), ("ext4", false), ("xfs", true), ("ext4", true)])
    func plainProvisionStatusCheckAndTeardownKnowTheStore(_ fs: String, _ wipe: Bool) throws {
        try withTestRoot { root in
            let (disk, uuid) = try provisioned(root, fs)
            try root.sh("echo layer > '\(root.mountpoint)/kept'")
            let fstab = root.read(root.fstab)

            // Mounted: the boot unit's run has nothing to do.
            let before = root.snapshot()
            let again = try root.dockstore(["provision"])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout.contains("in place: UUID=\(uuid) mounted at \(root.mountpoint); nothing to do"), "\(again.stdout)")
            #expect(root.changes(since: before) == [])
            try expectStoreInPlace(root, disk, fs, "mounted")

            // Not mounted (a boot before the mount, a container): status and check say so, the
            // boot unit's run mounts it as it is.
            try root.sh("umount '\(root.mountpoint)'")
            let down = try root.dockstore(["status"])
            #expect(down.status == ExitStatus.problems.rawValue, "\(down.stdout) \(down.stderr)")
            #expect(down.stdout.contains("store:       device UUID=\(uuid) (\(disk))") && down.stdout.contains("not mounted: mount \(disk) (\(fs))"), "\(down.stdout)")
            let unknown = try root.dockstore(["check"])
            #expect(unknown.status == 3 && unknown.stdout.contains("nothing is mounted at \(root.mountpoint)"), "\(unknown.stdout)")
            let up = try root.dockstore(["provision"])
            #expect(up.status == 0, "\(up.stderr)")
            #expect(up.stdout.contains("[mount] mount \(disk) (\(fs)) at \(root.mountpoint)") && up.stdout.contains("ready"), "\(up.stdout)")
            #expect(root.read(root.fstab) == fstab, "its line kept as it is")
            #expect(root.read(root.mountpoint + "/kept") == "layer\n", "the same filesystem, not a new format")
            #expect(try root.sh("blkid -p -s UUID -o value \(disk)") == uuid + "\n")
            try expectStoreInPlace(root, disk, fs, "mounted again")

            // Teardown takes it down, by its own identity.
            let down2 = try root.dockstore(["teardown"] + (wipe ? ["--wipe-device"] : []))
            #expect(down2.status == 0, "\(down2.stdout) \(down2.stderr)")
            #expect(down2.stdout.contains("[unmount] unmount \(root.mountpoint)"), "\(down2.stdout)")
            #expect(root.mounts().isEmpty)
            #expect(root.read(root.fstab) == nil, "the fstab dockstore created is gone")
            if wipe {
                #expect(BlockProbe.probe(disk) == .unrecognizedData, "wiped: no signature left")
            } else {
                #expect(try root.sh("blkid -p -s UUID -o value \(disk)") == uuid + "\n", "kept: the store's data is still on the device")
            }
        }
    }

    /// A foreign ext4 (labelled docker, but not the UUID dockstore's line names) mounted at the
    /// mountpoint in place of the store: provision and teardown refuse it and change nothing.
    @Test(arguments: ["xfs", "ext4"])
    func aForeignFilesystemAtTheMountpointIsStillRefused(_ fs: String) throws {
        try withTestRoot { root in
            let (disk, uuid) = try provisioned(root, fs)
            try root.sh("umount '\(root.mountpoint)'")
            let other = try root.attachDisk(megabytes: 300)
            try root.sh("mkfs.ext4 -q -L docker \(other) && mount \(other) '\(root.mountpoint)' && echo app > '\(root.mountpoint)/app'")
            let before = root.snapshot()
            let provision = try root.dockstore(["provision"])
            #expect(provision.status == ExitStatus.refused.rawValue && provision.stderrLines.count == 1, "\(provision.stderr)")
            #expect(provision.stderr.contains("already has \(other) (ext4) mounted on it, not UUID=\(uuid)"), "\(provision.stderr)")
            let teardown = try root.dockstore(["teardown"])
            #expect(teardown.status == ExitStatus.refused.rawValue && teardown.stderrLines.count == 1, "\(teardown.stderr)")
            #expect(teardown.stderr.contains("has \(other) mounted, which dockstore cannot prove is the store"), "\(teardown.stderr)")
            #expect(root.changes(since: before) == [])
            #expect(root.mounts().map(\.source) == [other])
            #expect(try root.sh("blkid -p -s UUID -o value \(disk)") == uuid + "\n")
        }
    }

    /// The unmount's re-check at the moment it acts: the store taken down and another ext4 put
    /// there while teardown was stopped — one with the store's very UUID on another device, and
    /// one of its own — is refused, left mounted, and the next teardown still refuses it.
    @Test(arguments: [("xfs", true), ("ext4", true), ("ext4", false)])
    func teardownRefusesAnotherFilesystemMountedBeforeItsUnmount(_ fs: String, _ sameUUID: Bool) throws {
        try withTestRoot { root in
            let (_, uuid) = try provisioned(root, fs)
            let other = try root.attachDisk(megabytes: 300)
            let result = try root.runStopped(["teardown"], before: "unmount") {
                try root.sh("umount '\(root.mountpoint)' && mkfs.ext4 -q -L docker \(sameUUID ? "-U \(uuid)" : "") \(other) && mount \(other) '\(root.mountpoint)'")
            }
            let otherUUID = try root.sh("blkid -p -s UUID -o value \(other)").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(result.status == ExitStatus.refused.rawValue && result.stderrLines.count == 1, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("refusing to unmount \(root.mountpoint): the ext4 \(otherUUID) on device"), "\(result.stderr)")
            #expect(result.stderr.contains("not the \(fs) \(uuid) on device") && result.stderr.contains("nothing was unmounted"), "\(result.stderr)")
            #expect(root.mounts().map(\.source) == [other], "the other filesystem stays mounted")
        }
    }

    /// A teardown --wipe-device killed at its steps is finished by the next run: once the
    /// device is wiped, fstab's xfs or ext4 line names a UUID no device holds, and it goes as
    /// dockstore's own.
    @Test(arguments: ["xfs", "ext4"])
    func aKilledTeardownWipeDeviceIsFinished(_ fs: String) throws {
        for point in ["unmount", "wipe-device", "fstab"] {
            try withTestRoot { root in
                let (disk, _) = try provisioned(root, fs)
                let crashed = try root.dockstore(["teardown", "--wipe-device"], environment: ["DOCKSTORE_FAILPOINT": point])
                #expect(crashed.signal == SIGKILL, "\(point): \(crashed.status) \(crashed.stderr)")
                let rerun = try root.dockstore(["teardown", "--wipe-device"])
                #expect(rerun.status == 0, "\(point): \(rerun.stdout) \(rerun.stderr)")
                #expect(BlockProbe.probe(disk) == .unrecognizedData, "\(point): wiped")
                #expect(root.mounts().isEmpty && root.read(root.fstab) == nil, "\(point): \(root.read(root.fstab) ?? "")")
            }
        }
    }
}
