import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `dockstore provision --device` on loop devices standing in for EBS volumes.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct DeviceIntegrationTests {
    @Test func formatsAndMountsABlankDevice() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            let result = try root.dockstore(["provision", "--device", disk])
            #expect(result.status == 0, "\(result.stderr)")
            let uuid = try root.sh("blkid -s UUID -o value \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try root.sh("blkid -s LABEL -o value \(disk)") == "docker\n")
            #expect(root.read(root.fstab) == TestRoot.createdFstab("UUID=\(uuid) /var/lib/docker btrfs nofail,x-systemd.before=dockstore-provision.service 0 0\n"))
            let mount = try #require(root.mounts().first)
            #expect(mount.source == disk)
            #expect(mount.target == root.mountpoint)
            #expect(root.read(root.dropIn)?.contains("AssertPathIsMountPoint=/var/lib/docker\n") == true)
            #expect(root.read(root.sysconfig)?.contains("DOCKER_OPTS=\"--storage-driver=btrfs\"") == true)

            let before = root.snapshot()
            let again = try root.dockstore(["provision", "--device", disk])
            #expect(again.status == 0)
            #expect(again.stdout.contains("nothing to do"))
            #expect(root.changes(since: before) == [])
            let status = try root.dockstore(["status"])
            #expect(status.status == 0, "\(status.stdout)")
            #expect(status.stdout.contains("device \(disk)"))
        }
    }

    @Test func mountsADockerFilesystemAsItIs() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try root.sh("mkfs.btrfs -q -L docker \(disk) && mkdir -p \(root.path)/m && mount \(disk) \(root.path)/m && echo layer > \(root.path)/m/kept && umount \(root.path)/m")
            let uuid = try root.sh("blkid -s UUID -o value \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
            let result = try root.dockstore(["provision", "--device", disk])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stdout.contains("format"))
            #expect(root.read(root.mountpoint + "/kept") == "layer\n")
            #expect(root.read(root.fstab) == TestRoot.createdFstab("UUID=\(uuid) /var/lib/docker btrfs nofail,x-systemd.before=dockstore-provision.service 0 0\n"))
        }
    }

    @Test func xfsGetsFtypeAndOverlay2() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            let result = try root.dockstore(["provision", "--device", disk, "--fs", "xfs"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try root.sh("xfs_info \(root.mountpoint)").contains("ftype=1"))
            #expect(root.read(root.sysconfig)?.contains("--storage-driver=overlay2") == true)
            #expect(root.mounts().first?.fstype == "xfs")
        }
    }

    @Test func forceWipesAndFormats() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512) { try root.sh("mkfs.ext4 -q -F '\($0)'") }
            let result = try root.dockstore(["provision", "--device", disk, "--force"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("wipe every signature"))
            #expect(try root.sh("blkid -p -s TYPE -o value \(disk)") == "btrfs\n")
        }
    }

    /// Each refusal: exit 2, one line naming the device, and neither the device's ends nor
    /// fstab, sysconfig or the mountpoint changed.
    static let refusals: [(String, Int, Bool, String, String, Bool)] = [
        // (name, size MiB, read-only, setup shell with $F as the image file, expected text, also with --force)
        ("ext4", 512, false, "mkfs.ext4 -q -F \"$F\"", "holds a ext4 signature", false),
        ("gpt", 512, false, "printf 'label: gpt\\n,\\n' | sfdisk -q \"$F\"", "holds a gpt partition table", false),
        ("swap", 512, false, "mkswap -q \"$F\"", "holds a swap signature", false),
        ("unknown data", 512, false, "printf 'precious' | dd of=\"$F\" bs=1 seek=70000 conv=notrunc status=none", "data that no known signature describes", false),
        ("ambivalent", 512, false, "truncate -s 300M \"$F.x\" && mkfs.xfs -q \"$F.x\" && mkfs.ext4 -q -F \"$F\" && dd if=\"$F.x\" of=\"$F\" bs=512 count=1 conv=notrunc status=none", "more than one signature", true),
        ("too small", 64, false, "", "too small for btrfs", true),
        ("read-only", 512, true, "", "is read-only", true),
    ]

    @Test(arguments: refusals)
    func refuses(_ name: String, _ megabytes: Int, _ readOnly: Bool, _ setup: String, _ text: String, _ alsoForced: Bool) throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: megabytes, readOnly: readOnly) { file in
                if !setup.isEmpty { try root.sh("F='\(file)'; \(setup)") }
            }
            for force in alsoForced ? [false, true] : [false] {
                try expectDeviceRefusal(root, disk, force ? ["--force"] : [], text, name)
            }
        }
    }

    @Test func refusesAnLVMPhysicalVolume() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try root.sh("pvcreate -qq -y \(disk) </dev/null 2>/dev/null")
            try expectDeviceRefusal(root, disk, [], "LVM2_member", "lvm")
            try root.sh("pvremove -qq -y \(disk) </dev/null 2>/dev/null || true")
        }
    }

    @Test func refusesAMountedDeviceAndSwapEvenWithForce() throws {
        try withTestRoot { root in
            // No lazy inode-table or journal init, and mounted read-only: ext4 itself then
            // writes nothing to the device in the background, so any change would be dockstore's.
            let disk = try root.attachDisk(megabytes: 512) { try root.sh("mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 '\($0)'") }
            try root.sh("mkdir -p \(root.path)/elsewhere && mount -o ro \(disk) \(root.path)/elsewhere")
            try expectDeviceRefusal(root, disk, ["--force"], "is mounted at \(root.path)/elsewhere", "mounted")

            let swap = try root.attachDisk(megabytes: 256) { try root.sh("mkswap -q '\($0)'") }
            try root.sh("swapon \(swap)")
            defer { _ = try? root.sh("swapoff \(swap)") }
            try expectDeviceRefusal(root, swap, ["--force"], "in use as swap", "swap")
        }
    }

    @Test func refusesAnUnreadableDevice() throws {
        try withTestRoot { root in
            // A loop device over a file on an XFS that is then shut down: every read fails
            // with EIO, and blkid alone would call it "nothing found".
            let outer = try root.attachDisk(megabytes: 512) { try root.sh("mkfs.xfs -q '\($0)'") }
            let inner = root.path + "/outer"
            try root.sh("mkdir -p \(inner) && mount \(outer) \(inner) && truncate -s 256M \(inner)/volume.img")
            let disk = try root.sh("losetup -f --show \(inner)/volume.img").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("losetup -d \(disk)") }
            try root.sh("xfs_io -x -c shutdown \(inner) && echo 3 > /proc/sys/vm/drop_caches")
            let before = root.snapshot()
            for force in [[], ["--force"]] {
                let result = try root.dockstore(["provision", "--device", disk] + force)
                #expect(result.status == 2, "\(result.stderr)")
                #expect(result.stderr.contains("unreadable"), "\(result.stderr)")
                #expect(root.changes(since: before) == [])
            }
        }
    }

    @Test func refusesTheRootDiskWithoutWritingToIt() throws {
        try withTestRoot { root in
            let disk = try root.sh("findmnt -n -o SOURCE / | sed 's/\\[.*//'").trimmingCharacters(in: .whitespacesAndNewlines)
            try #require(disk.hasPrefix("/dev/"))
            let before = root.snapshot()
            let result = try root.dockstore(["provision", "--device", disk, "--force"])
            #expect(result.status == 2)
            #expect(result.stderr.contains("the root filesystem lives on") || result.stderr.contains("is mounted at /"), "\(result.stderr)")
            #expect(root.changes(since: before) == [])
        }
    }

    @Test func refusesBadDeviceNames() throws {
        try withTestRoot { root in
            for (device, status, text) in [("/dev/null", 2, "not a block device"), ("vol-12", 64, "not an EBS volume id"),
                                           ("/dev/xvdzz", 2, "did not appear within 0.3 s"), ("xvdf", 64, "neither a /dev path")] {
                let before = root.snapshot()
                let result = try root.dockstore(["provision", "--device", device, "--wait", "0.3"])
                #expect(result.status == Int32(status), "\(device): \(result.stderr)")
                #expect(result.stderrLines.count == 1)
                #expect(result.stderr.contains(text), "\(device): \(result.stderr)")
                #expect(root.changes(since: before) == [])
            }
        }
    }

    @Test func refusesWhileTheStoreIsTheImage() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let disk = try root.attachDisk(megabytes: 512)
            try expectDeviceRefusal(root, disk, [], "dockstore migrate-ebs \(disk)", "image store")
        }
    }

    @Test func everyDeviceCrashPointConvergesOnRerun() throws {
        let points = FailpointCoverage.reachable("provision --device")
        for point in points {
            try withTestRoot { root in
                let disk = try root.attachDisk(megabytes: 512)
                try root.write(root.path + "/etc/docker/daemon.json", CrashIntegrationTests.conflictingDaemonJSON)
                try root.write(root.path + "/etc/dockstore.disabled", "# left by teardown\n") // makes enable-boot run
                let crashed = try root.dockstore(["provision", "--device", disk], environment: ["DOCKSTORE_FAILPOINT": point])
                #expect(crashed.signal == SIGKILL, "\(point)")
                let rerun = try root.dockstore(["provision", "--device", disk])
                #expect(rerun.status == 0, "\(point): \(rerun.stderr)")
                let uuid = try root.sh("blkid -s UUID -o value \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(root.read(root.fstab) == TestRoot.createdFstab("UUID=\(uuid) /var/lib/docker btrfs nofail,x-systemd.before=dockstore-provision.service 0 0\n"), "\(point)")
                #expect(root.mounts().map(\.source) == [disk], "\(point)")
                #expect(root.read(root.path + "/etc/docker/daemon.json") == "{\n  \"log-level\": \"warn\"\n}\n", "\(point)")
                #expect(try root.dockstore(["provision", "--device", disk]).stdout.contains("nothing to do"), "\(point)")
            }
        }
        reliability("provision --device crash matrix", cases: points.count, runs: points.count * 2)
    }

    func expectDeviceRefusal(_ root: TestRoot, _ disk: String, _ extra: [String], _ text: String, _ name: String,
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = root.snapshot()
        let ends = try root.ends(disk)
        let result = try root.dockstore(["provision", "--device", disk] + extra)
        #expect(result.status == 2, "\(name): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderrLines.count == 1, "\(name): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(text), "\(name): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(disk), "\(name): names the device", sourceLocation: sourceLocation)
        #expect(root.changes(since: before) == [], "\(name): nothing changed", sourceLocation: sourceLocation)
        #expect(try root.ends(disk) == ends, "\(name): the device's first and last MiB are unchanged", sourceLocation: sourceLocation)
    }
}
