import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Outside attack 14, X4: a btrfs labelled `docker` made by hand and mounted at the mountpoint
/// by an admin's own `UUID=` fstab line (no `x-systemd.before=dockstore-provision.service`)
/// was taken for dockstore's store, and `teardown --wipe-device` wiped it. Only a line dockstore
/// wrote, a migration journal or provision's format record proves a volume is the store.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct AdminVolumeTeardownIntegrationTests {
    @Test(arguments: [["--wipe-device"], []])
    func anAdminsOwnUUIDLineDoesNotMakeAVolumeTheStore(_ options: [String]) throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 1024)
            try root.sh("mkfs.btrfs -q -L docker \(disk) && mkdir -p \(root.mountpoint) && mount \(disk) \(root.mountpoint) && echo data > \(root.mountpoint)/datafile")
            let uuid = try root.sh("blkid -p -o value -s UUID \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
            let fstab = "# admin\nUUID=\(uuid) /var/lib/docker btrfs defaults 0 0\n"
            try root.write(root.fstab, fstab)
            let edges = try root.ends(disk)

            let result = try root.dockstore(["teardown"] + options)
            #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.contains("which dockstore cannot prove is the store it set up (neither an fstab line dockstore wrote for /var/lib/docker (with x-systemd.before=dockstore-provision.service)"), "\(result.stderr)")
            #expect(root.read(root.fstab) == fstab)
            #expect(!FileManager.default.fileExists(atPath: root.path + "/etc/dockstore.disabled"))
            #expect(root.read(root.mountpoint + "/datafile") == "data\n", "still mounted, the file there")
            #expect(try root.ends(disk) == edges, "DATA: the volume's first and last MiB are unchanged")
        }
    }
}
