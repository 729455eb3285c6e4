import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Where the image and the mountpoint may lie (outside attack 14): never on a filesystem that a
/// boot empties or a timer cleans, never in the bare folder beneath an fstab mount that did not
/// come up, and never leaving host state (libmount's utab) behind.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ImagePlaceIntegrationTests {
    /// Y-BOOT-5: `/data` is an fstab volume (nofail) holding the image; at a boot where it did
    /// not come up, provision made a new, empty image on the root disk's bare /data and said
    /// "ready". Now it refuses with nothing changed, and once /data is back finds the store.
    @Test func anUnmountedFstabVolumeAboveTheImageOrMountpointIsRefusedWithNothingChanged() throws {
        try withTestRoot { root in
            try root.sh("""
                mkdir -p \(root.path)/etc/sysconfig \(root.path)/data && truncate -s 600M \(root.path)/data.ext4 && mkfs.ext4 -q \(root.path)/data.ext4 \
                && mount -o loop \(root.path)/data.ext4 \(root.path)/data
                """)
            try root.write(root.fstab, "/dev/disk/by-label/DATA /data ext4 defaults,nofail 0 2\n")
            try root.write(root.path + "/etc/sysconfig/dockstore", "DOCKSTORE_IMAGE=\"/data/docker.img\"\nDOCKSTORE_SIZE=\"300M\"\n")
            try #require(try root.dockstore(["provision"]).status == 0)
            try root.write(root.mountpoint + "/precious", "layer\n")
            // The image's loop device is autocleared after the unmount, a moment later: /data is busy until then.
            try root.sh("umount \(root.mountpoint) && for i in $(seq 100); do umount \(root.path)/data 2>/dev/null && exit 0; sleep 0.1; done; umount \(root.path)/data")

            let before = root.snapshot()
            let refused = try root.dockstore(["provision"])
            #expect(refused.status == 2, "\(refused.stderr)")
            #expect(refused.stderr.contains("\(root.fstab) line 1 mounts a filesystem at \(root.path)/data, which holds the image /data/docker.img, and nothing is mounted there"), "\(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count == 1)
            #expect(root.changes(since: before).isEmpty, "nothing changed: \(root.changes(since: before))")
            #expect(!FileManager.default.fileExists(atPath: root.path + "/data/docker.img"), "no image on the bare folder")

            // The mountpoint below the volume, the image elsewhere: refused the same way.
            let mountpointBelow = try root.dockstore(["provision", "--mountpoint", "/data/docker", "--image", "/var/lib/other.btrfs", "--dry-run"])
            #expect(mountpointBelow.status == 2)
            #expect(mountpointBelow.stderr.contains("which holds the mountpoint /data/docker"), "\(mountpointBelow.stderr)")

            // The volume back: the store and its file, as they were.
            try root.sh("mount -o loop \(root.path)/data.ext4 \(root.path)/data")
            let back = try root.dockstore(["provision"])
            #expect(back.status == 0, "\(back.stderr)")
            #expect(root.read(root.mountpoint + "/precious") == "layer\n")
        }
    }

    /// Y-ROOT-3: an image on a tmpfs (/run, a tmp.mount /tmp) made a new, empty store after every reboot.
    @Test func anImageFolderOnTmpfsIsRefused() throws {
        try withTestRoot { root in
            try root.sh("mkdir -p \(root.path)/srv/ram && mount -t tmpfs -o size=300m tmpfs \(root.path)/srv/ram")
            let before = root.snapshot()
            let result = try root.dockstore(["provision", "--size", "200M", "--image", "/srv/ram/store.img"])
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("the folder of the image \(root.path)/srv/ram/store.img is on a tmpfs, which every boot empties"), "\(result.stderr)")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.path + "/srv/ram").isEmpty)
        }
    }

    /// Y-ROOT-2: systemd-tmpfiles deletes files under /tmp and /var/tmp by age.
    @Test(arguments: [["--mountpoint", "/tmp"], ["--mountpoint", "/var/tmp/docker"], ["--image", "/tmp/store.btrfs"], ["--image", "/var/tmp/store.btrfs"]])
    func temporaryFoldersAreRefused(_ arguments: [String]) throws {
        try withTestRoot { root in
            try root.sh("mkdir -p \(root.path)/tmp \(root.path)/var/tmp")
            let before = root.snapshot()
            let result = try root.dockstore(["provision", "--size", "200M"] + arguments)
            #expect(result.status == 64, "\(result.stderr)")
            #expect(result.stderr.contains("\(arguments[0]) \(arguments[1]) is inside") && result.stderr.contains("systemd-tmpfiles deletes by age"), "\(result.stderr)")
            #expect(root.changes(since: before).isEmpty)
        }
    }

    /// A mountpoint whose systemd mount unit name would pass 253 bytes: docker.service could not
    /// be ordered after its mount, or its drop-in folder could not be named, so it is refused
    /// before anything is made.
    @Test func aMountpointSystemdCannotNameIsRefused() throws {
        try withTestRoot { root in
            let mountpoint = "/srv/" + String(repeating: "d-", count: 60)
            let before = root.snapshot()
            let result = try root.dockstore(["provision", "--size", "200M", "--mountpoint", mountpoint])
            #expect(result.status == 64, "\(result.stderr)")
            #expect(result.stderr.contains("--mountpoint \(mountpoint) gives a systemd mount unit name longer than 253 bytes"), "\(result.stderr)")
            #expect(root.changes(since: before).isEmpty)
        }
    }

    /// Y-ROOT-1: a mountpoint in or above /var/lib/dockstore put dockstore's records into the
    /// store or hid them under it.
    @Test(arguments: ["/var/lib/dockstore", "/var/lib/dockstore/store", "/var/lib", "/var"])
    func aMountpointInOrAboveTheRecordsFolderIsRefused(_ mountpoint: String) throws {
        try withTestRoot { root in
            let before = root.snapshot()
            let result = try root.dockstore(["provision", "--size", "200M", "--mountpoint", mountpoint])
            #expect(result.status == 64, "\(result.stderr)")
            #expect(result.stderr.contains("--mountpoint \(mountpoint) ") && result.stderr.contains("/var/lib/dockstore, where dockstore keeps its records"), "\(result.stderr)")
            #expect(root.changes(since: before).isEmpty)
        }
    }

    /// Y-PERM-1: under umask 077 the folders provision made were 0700 (/etc/sysconfig, /etc/systemd).
    @Test func foldersProvisionMakesAre0755UnderAnyUmask() throws {
        try withTestRoot { root in
            let run = try root.run("/bin/sh", ["-c", "umask 077; exec \"$0\" provision --size 200M --root \"$1\"", TestRoot.binary, root.path])
            #expect(run.status == 0, "\(run.stderr)")
            for folder in ["etc/sysconfig", "etc/systemd", "etc/systemd/system", "etc/systemd/system/docker.service.d", "var/lib/dockstore"] {
                let mode = (root.status("\(root.path)/\(folder)")?.st_mode ?? 0) & 0o7777
                #expect(mode == 0o755, "\(folder): \(String(mode, radix: 8))")
            }
        }
    }

    /// Y-UTAB-1: every mount through `/proc/self/fd/N` left a line in the host's
    /// /run/mount/utab that nothing removes. The image's folder, unique to this run, shows in
    /// the options of any such line.
    @Test func provisionAndTeardownLeaveNoUtabLine() throws {
        try withTestRoot { root in
            let folder = "/var/lib/utab-probe-\(UUID().uuidString.prefix(8))"
            try root.sh("mkdir -p \(root.path)\(folder)")
            try #require(try root.dockstore(["provision", "--size", "200M", "--image", folder + "/store.btrfs"]).status == 0)
            let utab = "/run/mount/utab"
            #expect((root.read(utab) ?? "").contains(folder) == false, "the mount left a utab line")
            let teardown = try root.dockstore(["teardown", "--delete-image", "--image", folder + "/store.btrfs"])
            try #require(teardown.status == 0, "\(teardown.stderr)")
            #expect((root.read(utab) ?? "").contains(folder) == false, "a utab line stayed after teardown")
        }
    }
}
