import Foundation
import Testing

/// Attack 50 T C2: a store put on a loop device over a file (provision --device, migrate-ebs)
/// was taken without a word, and check said OK, though no boot attaches a loop device: the
/// next boot mounted nothing. dockstore's own tests stand loop devices in for EBS volumes, so
/// they are taken, with a warning when the store or its line is made, never at a boot that
/// finds it in place.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct LoopDeviceVolumeWarningIntegrationTests {
    func backingFile(_ root: TestRoot, _ loop: String) throws -> String {
        try root.sh("losetup -n -O BACK-FILE \(loop)").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func warning(_ loop: String, _ file: String, _ root: TestRoot) -> String {
        "warning: \(loop) is a loop device over \(file), which no boot attaches unless a unit of yours runs losetup before dockstore-provision.service: without one the next boot does not mount the store at \(root.mountpoint) and Docker stays down (an EBS volume is attached by EC2)"
    }

    @Test func provisionWarnsWhenItMakesAStoreOfALoopDevice() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 1024)
            let file = try backingFile(root, disk)
            let dry = try root.dockstore(["provision", "--device", disk, "--dry-run"])
            #expect(dry.status == 0 && dry.stderr.contains(warning(disk, file, root)), "\(dry.stdout)\(dry.stderr)")
            let made = try root.dockstore(["provision", "--device", disk])
            #expect(made.status == 0 && made.stderr.contains(warning(disk, file, root)), "\(made.stdout)\(made.stderr)")
            // The boot's run that finds the store in place says nothing of it.
            let again = try root.dockstore(["provision", "--device", disk])
            #expect(again.status == 0 && !again.stderr.contains("no boot attaches"), "\(again.stdout)\(again.stderr)")
            root.forgetBtrfs([disk])
        }
    }

    @Test func migrateEBSWarnsWhenItMovesTheStoreOntoALoopDevice() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let disk = try root.attachDisk(megabytes: 1024)
            let file = try backingFile(root, disk)
            let dry = try root.dockstore(["migrate-ebs", disk, "--dry-run"])
            #expect(dry.status == 0 && dry.stderr.contains(warning(disk, file, root)), "\(dry.stdout)\(dry.stderr)")
            let moved = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(moved.status == 0 && moved.stderr.contains(warning(disk, file, root)), "\(moved.stdout)\(moved.stderr)")
            let again = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(again.status == 0 && again.stdout.contains("nothing to do") && !again.stderr.contains("no boot attaches"), "\(again.stdout)\(again.stderr)")
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0 && !boot.stderr.contains("no boot attaches"), "\(boot.stdout)\(boot.stderr)")
            root.forgetBtrfs([disk])
        }
    }
}
