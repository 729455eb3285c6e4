import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attack 12, A1, A9/B12 and B14 on real loop devices: the limits below btrfs's own free
/// estimate that refuse writes while df shows space — a device smaller than the btrfs on it,
/// a qgroup limit, and the inodes of an ext4 store — are CRITICAL with their reason, never OK.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct CheckLimitsIntegrationTests {
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func prometheusReason(_ root: TestRoot, _ mountpoint: String = "/var/lib/docker") throws -> String? {
        let prom = try root.dockstore(["check", "--mountpoint", mountpoint, "--format", "prometheus", "--state-file", "/errors"])
        return prom.stdout.split(separator: "\n").first { $0.hasPrefix("dockstore_status{") }.map(String.init)
    }

    /// A1: the image truncated under the mounted store and the loop device told (losetup -c).
    @Test func imageShrunkUnderTheStoreIsCriticalUntilGrownBack() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            let loop = try #require(root.loopDevices().first)
            try root.sh("truncate -s 600M \(root.image) && losetup -c \(loop)")
            let check = try root.dockstore(["check", "--state-file", "/errors"])
            #expect(check.status == 2, "\(check.stdout)")
            #expect(check.stdout.hasPrefix("DOCKSTORE CRITICAL - the btrfs at \(root.mountpoint) claims 1 GiB on \(loop) (devid 1), but the device holds only 600 MiB: writes past its end fail and are lost, and the next mount fails (device total_bytes should be at most 629145600); grow the image back to the filesystem's size before anything is written: dockstore grow --to 1024M --root \(root.path) --mountpoint /var/lib/docker"), "\(check.stdout)")
            #expect(try prometheusReason(root) == "dockstore_status{mountpoint=\"\(root.mountpoint)\",reason=\"device_smaller_than_filesystem\"} 2")
            let json = try Self.json(try root.dockstore(["check", "--format", "json", "--state-file", "/errors"]).stdout)
            let figures = try #require(json["figures"] as? [String: Any])
            let devices = try #require(figures["devices"] as? [[String: Any]])
            #expect((devices.first?["deviceBytes"] as? NSNumber)?.uint64Value == 600 << 20, "\(devices)")
            #expect((devices.first?["size"] as? NSNumber)?.uint64Value == 1 << 30, "\(devices)")
            let status = try root.dockstore(["status"])
            #expect(status.status != 0 && status.stdout.contains("  - the btrfs at \(root.mountpoint) claims 1 GiB on \(loop)"), "\(status.stdout)")
            #expect(status.stdout.contains("(limited by a device smaller than the filesystem)"), "\(status.stdout)")
            let provision = try root.dockstore(["provision"])
            #expect(provision.status == 0 && provision.stderr.contains("warning: the btrfs at \(root.mountpoint) claims 1 GiB on \(loop)"), "\(provision.stdout) \(provision.stderr)")
            let dry = try root.dockstore(["grow", "--dry-run"])
            #expect(dry.stderr.contains("(600 MiB), but its btrfs claims 1 GiB on \(loop): the image shrank under the filesystem; grow it back with --to 1024M (or more)"), "\(dry.stderr)")
            let short = try root.dockstore(["grow", "--to", "800M"])
            #expect(short.status == 2 && short.stderr.contains("claims 1 GiB, more than --to 800 MiB"), "\(short.stderr)")
            let grow = try root.dockstore(["grow", "--to", "1024M"])
            #expect(grow.status == 0, "\(grow.stdout) \(grow.stderr)")
            let after = try root.dockstore(["check", "--state-file", "/errors"])
            #expect(after.status == 0 && after.stdout.hasPrefix("DOCKSTORE OK - "), "\(after.stdout)")
        }
    }

    /// A1 for a device store: the file under its loop device shrank. The remedy is the device's.
    @Test func deviceShrunkUnderTheStoreIsCritical() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try root.sh("mkfs.btrfs -q -f \(disk) && mkdir -p \(root.path)/m && mount \(disk) \(root.path)/m")
            try Self.dockerdUses("/m", root)
            let file = try root.sh("losetup -nO BACK-FILE \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try root.dockstore(["check", "--mountpoint", "/m", "--state-file", "/errors"]).status == 0)
            try root.sh("truncate -s 400M '\(file)' && losetup -c \(disk)")
            let check = try root.dockstore(["check", "--mountpoint", "/m", "--state-file", "/errors"])
            #expect(check.status == 2, "\(check.stdout)")
            #expect(check.stdout.contains("claims 512 MiB on \(disk) (devid 1), but the device holds only 400 MiB"), "\(check.stdout)")
            #expect(try prometheusReason(root, "/m") == "dockstore_status{mountpoint=\"\(root.path)/m\",reason=\"device_smaller_than_filesystem\"} 2")
            try root.sh("truncate -s 512M '\(file)' && losetup -c \(disk)")
            #expect(try root.dockstore(["check", "--mountpoint", "/m", "--state-file", "/errors"]).status == 0)
        }
    }

    /// A9/B12: a qgroup limit on the store's top level (0/5), then one on a qgroup above it.
    @Test func qgroupLimitReachedIsCritical() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            let m = root.mountpoint
            try root.sh("btrfs quota enable \(m) && btrfs qgroup limit 20M 0/5 \(m)")
            let dd = try root.run("/bin/sh", ["-c", "dd if=/dev/urandom of=\(m)/f bs=1M count=40 status=none; sync"])
            #expect(dd.stderr.contains("Disk quota exceeded"), "\(dd.stderr)")
            let check = try root.dockstore(["check", "--state-file", "/errors"])
            #expect(check.status == 2, "\(check.stdout)")
            #expect(check.stdout.contains("qgroup 0/5 limits referenced bytes to 20 MiB and "), "\(check.stdout)")
            #expect(check.stdout.contains("btrfs qgroup limit none 0/5 \(m)"), "\(check.stdout)")
            #expect(check.stdout.contains("'qgroup_free'="), "\(check.stdout)")
            #expect(try prometheusReason(root) == "dockstore_status{mountpoint=\"\(m)\",reason=\"qgroup_limit\"} 2")
            // A user who may not search the quota tree sees the same while no qgroup above 0/5 exists.
            try root.sh("chmod 755 \(root.path)")
            let user = try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary, "check", "--root", root.path])
            #expect(user.status == 2 && user.stdout.contains("qgroup 0/5 limits referenced bytes to 20 MiB and "), "\(user.stdout)")
            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains("(limited by qgroup 0/5)") && status.stdout.contains("  - qgroup 0/5 limits referenced bytes"), "\(status.stdout)")
            // The limit lifted: OK again, the qgroup figures still said.
            try root.sh("btrfs qgroup limit none 0/5 \(m) && rm -f \(m)/f && sync")
            let lifted = try root.dockstore(["check", "--state-file", "/errors"])
            #expect(lifted.status == 0, "\(lifted.stdout)")
            // A limit on a qgroup above 0/5 caps the same writes; check finds it through the quota tree.
            try root.sh("btrfs qgroup create 1/100 \(m) && btrfs qgroup assign 0/5 1/100 \(m); btrfs qgroup limit 8M 1/100 \(m)")
            _ = try root.run("/bin/sh", ["-c", "dd if=/dev/urandom of=\(m)/g bs=1M count=20 status=none; sync"])
            let parent = try root.dockstore(["check", "--state-file", "/errors"])
            #expect(parent.status == 2 && parent.stdout.contains("qgroup 1/100 limits referenced bytes to 8 MiB"), "\(parent.stdout)")
            // Now a user who may not search the quota tree cannot tell: UNKNOWN, never OK.
            let nobody = try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary, "check", "--root", root.path])
            #expect(nobody.status == 3, "\(nobody.stdout)")
            #expect(nobody.stdout.contains("btrfs quotas are enabled on \(m), and dockstore cannot tell how much their limits let Docker write"), "\(nobody.stdout)")
        }
    }

    /// B14: an ext4 store out of inodes (made with 128): every create fails with ENOSPC while
    /// most of its space is free.
    @Test func ext4OutOfInodesIsCritical() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 64)
            try root.sh("mkfs.ext4 -q -F -N 128 \(disk) && mkdir -p \(root.path)/m && mount \(disk) \(root.path)/m")
            try Self.dockerdUses("/m", root)
            let fresh = try root.dockstore(["check", "--mountpoint", "/m", "--state-file", "/errors"])
            #expect(fresh.status == 0 && fresh.stdout.contains(", inodes "), "\(fresh.stdout)")
            #expect(fresh.stdout.contains("'inodes_free'="), "\(fresh.stdout)")
            let fill = try root.run("/bin/sh", ["-c", "cd \(root.path)/m && i=0; while touch f$i 2>/dev/null; do i=$((i+1)); done; echo $i"])
            #expect(Int(fill.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 > 100, "\(fill.stdout)")
            let check = try root.dockstore(["check", "--mountpoint", "/m", "--state-file", "/errors"])
            #expect(check.status == 2, "\(check.stdout)")
            #expect(check.stdout.hasPrefix("DOCKSTORE CRITICAL - ext4 at \(root.path)/m has 0 of "), "\(check.stdout)")
            #expect(check.stdout.contains("every file create fails with ENOSPC although df shows space"), "\(check.stdout)")
            #expect(check.stdout.contains("'inodes_free'=0;"), "\(check.stdout)")
            #expect(try prometheusReason(root, "/m") == "dockstore_status{mountpoint=\"\(root.path)/m\",reason=\"inodes_free\"} 2")
            let prom = try root.dockstore(["check", "--mountpoint", "/m", "--format", "prometheus", "--state-file", "/errors"])
            #expect(prom.stdout.contains("dockstore_inodes_free{mountpoint=\"\(root.path)/m\"} 0\n"), "\(prom.stdout)")
            let json = try Self.json(try root.dockstore(["check", "--mountpoint", "/m", "--format", "json", "--state-file", "/errors"]).stdout)
            let inodes = try #require((json["figures"] as? [String: Any])?["inodes"] as? [String: Any])
            #expect((inodes["free"] as? NSNumber)?.intValue == 0, "\(inodes)")
            try root.sh("rm -f \(root.path)/m/f*")
            #expect(try root.dockstore(["check", "--mountpoint", "/m", "--state-file", "/errors"]).status == 0)
        }
    }

    /// btrfs has no fixed inode count (statfs f_files 0): no inode figure, no division by zero.
    @Test func btrfsHasNoInodeFigure() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            let check = try root.dockstore(["check", "--state-file", "/errors"])
            #expect(check.status == 0 && !check.stdout.contains("inodes"), "\(check.stdout)")
            let prom = try root.dockstore(["check", "--format", "prometheus", "--state-file", "/errors"])
            #expect(prom.stdout.contains("dockstore_inodes_free{mountpoint=\"\(root.mountpoint)\"} NaN\n"), "\(prom.stdout)")
        }
    }

    /// dockerd told to use `mountpoint` as its data root, as provision tells it: check judges a
    /// store dockerd does not use as a warning (`data_root_elsewhere`).
    static func dockerdUses(_ mountpoint: String, _ root: TestRoot) throws {
        try root.write(root.sysconfig, "DOCKER_OPTS=\"--data-root=\(mountpoint)\"\n")
    }
}
