import DockStoreCore
import Foundation
import Testing

/// Attack 13 X12: a device store on a loop device (standing in for an EBS volume, as the README
/// allows) whose device grew. grow called it "the image", asked for --to (exit 64) and then
/// refused the file as outside --root; status called it a device. Now grow grows it to the
/// device, as any volume.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct GrowLoopVolumeIntegrationTests {
    @Test func aDeviceStoreOnALoopDeviceThatGrewIsGrownToTheDevice() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 1024)
            defer { _ = try? root.sh("umount '\(root.mountpoint)' 2>/dev/null; btrfs device scan --forget \(disk) 2>/dev/null") }
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            let file = try root.sh("losetup -n -O BACK-FILE \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
            try root.sh("truncate -s 2048M '\(file)' && losetup -c \(disk)")
            let grown = try root.dockstore(["grow"])
            #expect(grown.status == 0 && grown.stdout.contains("[resize]") && !grown.stdout.contains("image"), "\(grown.stdout) \(grown.stderr)")
            let size = try #require(try CapacityProbe.read(mountpoint: root.mountpoint).devices.first).size
            #expect(size == 2048 << 20, "btrfs spans the grown device: \(size)")
            root.forgetBtrfs([disk])
        }
    }

    /// Attack 31 R 1e: check's remedy for that store, full, was "grow the image (dockstore grow
    /// --to SIZE …)", which grow refuses for a device (exit 64). It names the loop device's file
    /// to enlarge and grow, the way that works.
    @Test func checksRemedyForAFullLoopVolumeStoreIsOneGrowTakes() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 400)
            defer { _ = try? root.sh("umount '\(root.mountpoint)' 2>/dev/null; btrfs device scan --forget \(disk) 2>/dev/null") }
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            let file = try root.sh("losetup -n -O BACK-FILE \(disk)").trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try root.sh("i=0; while dd if=/dev/zero of='\(root.mountpoint)'/fill$i bs=1M count=16 2>/dev/null; do i=$((i+1)); done; sync")
            let check = try root.dockstore(["check"])
            #expect(check.status == 2, "\(check.stdout)")
            #expect(check.stdout.contains("enlarge the loop device's file (truncate -s SIZE \(file); losetup -c \(disk)), then dockstore grow --root \(root.path) --mountpoint /var/lib/docker"),
                    "\(check.stdout)")
            #expect(!check.stdout.contains("grow --to") && !check.stdout.contains("grow the image"), "\(check.stdout)")
            // Following it works.
            try root.sh("truncate -s 1024M '\(file)' && losetup -c \(disk)")
            let grown = try root.dockstore(["grow"])
            #expect(grown.status == 0 && grown.stdout.contains("[resize]"), "\(grown.stdout)\(grown.stderr)")
            root.forgetBtrfs([disk])
        }
    }

    /// Attack 32 S rem2: the same store on a loop device attached with --sizelimit: the remedy
    /// said to enlarge the file, which is already larger; the limit is what caps the device.
    @Test func aSizeLimitedLoopVolumesRemedyNamesTheLimit() throws {
        try withTestRoot { root in
            let file = root.path + "/limited.img"
            let disk = try root.sh("truncate -s 800M '\(file)' && losetup -f --show --sizelimit 314572800 '\(file)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("umount '\(root.mountpoint)' 2>/dev/null; btrfs device scan --forget \(disk) 2>/dev/null") }
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            _ = try root.sh("i=0; while dd if=/dev/zero of='\(root.mountpoint)'/fill$i bs=1M count=16 2>/dev/null; do i=$((i+1)); done; sync")
            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.contains("\(disk) is attached with a size limit of 300 MiB, which caps it however large \(file) grows"),
                    "\(check.stdout)")
            #expect(!check.stdout.contains("truncate -s SIZE"), "\(check.stdout)")
            root.forgetBtrfs([disk])
        }
    }
}
