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
}
