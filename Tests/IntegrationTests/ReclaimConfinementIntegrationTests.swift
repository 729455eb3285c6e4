import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The second outside attack on issue 15, turned on reclaim's room steps: while reclaim is
/// stopped at a step that lends or gives back room (`DOCKSTORE_PAUSE=step:stop`), the folder
/// holding the image, the store and the journal is swapped for a link that leaves --root by
/// `..`, or another btrfs is mounted where the store was. Nothing outside --root changes, the
/// other btrfs keeps its size and members, reclaim refuses with one line, and once the tree is
/// put back a re-run gives the room back and ends with the store the size it was.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ReclaimConfinementIntegrationTests {
    static let imageSteps = ["room-extend", "room-loop", "room-resize", "room-shrink", "room-truncate"]
    static let deviceSteps = ["room-journal", "room-file", "room-add", "room-record", "room-remove", "room-delete"]

    /// Every entry below `folder` with its type, size and link target, as find shows them.
    func tree(_ root: TestRoot, _ folder: String) throws -> String {
        try root.sh("cd '\(folder)' && find . -printf '%p|%y|%s|%l\\n' | LC_ALL=C sort")
    }

    /// Beside the root: a file where the image would be, a folder where the journal would go,
    /// and another btrfs mounted where the store would be, all reached by `var/lib` swapped
    /// for `../../<outside>`.
    func outside(_ root: TestRoot) throws -> (path: String, btrfs: String, size: UInt64) {
        let outside = root.path + ".outside"
        let other = try root.attachDisk(megabytes: 400)
        try root.sh("mkdir -p '\(outside)/docker' '\(outside)/dockstore' && truncate -s 1M '\(outside)/docker-storage.btrfs' && mkfs.btrfs -q -b 300M \(other) && mount \(other) '\(outside)/docker'")
        return (outside, other, try CapacityProbe.read(mountpoint: outside + "/docker").deviceSize)
    }

    func swapLib(_ root: TestRoot, to outside: String) throws {
        try root.sh("cd '\(root.path)/var' && mv lib lib.moved && ln -s ../../\(URL(fileURLWithPath: outside).lastPathComponent) lib")
    }

    func restoreLib(_ root: TestRoot) throws {
        try root.sh("cd '\(root.path)/var' && if [ -L lib ] && [ -d lib.moved ]; then rm lib && mv lib.moved lib; fi")
    }

    func attackAt(_ step: String, device: Bool) throws {
        try withTestRoot { root in
            var disk: String? = nil
            if device {
                disk = try root.attachDisk(megabytes: 512)
                try #require(try root.dockstore(["provision", "--device", disk ?? ""]).status == 0)
            } else {
                try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            }
            try root.exhaustMetadata(keepEvery: 4)
            let sums = try root.checksums()
            let size = try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize
            let imageSize = root.status(root.image)?.st_size
            let (outsidePath, _, otherSize) = try outside(root)
            defer { _ = try? root.sh("umount '\(outsidePath)/docker'; rm -rf '\(outsidePath)'") }
            let before = try tree(root, outsidePath)
            let result = try SecondAttackIntegrationTests().runStopped(root, ["reclaim"], before: step) {
                try swapLib(root, to: outsidePath)
            }
            try restoreLib(root)
            #expect(result.status == ExitStatus.refused.rawValue, "\(step): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(step): one line: \(result.stderr)")
            #expect(try tree(root, outsidePath) == before, "\(step): nothing outside --root changed")
            let other = try CapacityProbe.read(mountpoint: outsidePath + "/docker")
            #expect(other.deviceSize == otherSize && other.devices.count == 1, "\(step): the btrfs outside --root is untouched")
            try converges(root, step, size: size, imageSize: imageSize, disk: disk, sums: sums)
        }
    }

    /// A re-run finishes: the room given back, the journal gone, every file as it was.
    func converges(_ root: TestRoot, _ step: String, size: UInt64, imageSize: Int?, disk: String?, sums: String) throws {
        let again = try root.dockstore(["reclaim"])
        #expect(again.status == 0, "\(step): a re-run finishes: \(again.stdout) \(again.stderr)")
        let f = try CapacityProbe.read(mountpoint: root.mountpoint)
        #expect(f.deviceSize == size, "\(step): btrfs its old size")
        if let disk { #expect(f.devices.map(\.path) == [disk], "\(step): the temporary member is gone") }
        #expect(root.status(root.image)?.st_size == imageSize, "\(step): the image its old size")
        #expect(root.status(root.roomFile) == nil && root.status(root.reclaimJournal) == nil, "\(step)")
        #expect(try root.checksums() == sums, "DATA: \(step): every file as it was")
    }

    @Test(arguments: imageSteps)
    func anImageStoreNeverChangesAnythingOutsideTheRootAt(_ step: String) throws {
        try attackAt(step, device: false)
    }

    @Test(arguments: deviceSteps)
    func aDeviceStoreNeverChangesAnythingOutsideTheRootAt(_ step: String) throws {
        try attackAt(step, device: true)
    }

    /// The fourth outside attack (scripts/attacks/issue17-18-2026-11-30-fourth, case
    /// reclaim_swap_folder_during_pause): `var/lib` swapped for an absolute link to a folder
    /// outside --root that holds a `docker-storage.btrfs` and a `dockstore` folder but no
    /// `docker`. Each room step and the balance refuses with one line naming the link, that
    /// the step changed nothing, and ls/findmnt (exit 2, not a failure to open the folder);
    /// nothing outside changes and a re-run gives the room back.
    @Test(arguments: imageSteps + ["balance"])
    func anAbsoluteLinkOutOfTheRootIsRefusedAt(_ step: String) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            try root.exhaustMetadata(keepEvery: 4)
            let sums = try root.checksums()
            let size = try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize
            let imageSize = root.status(root.image)?.st_size
            let outside = root.path + ".outside"
            try root.sh("mkdir -p '\(outside)/dockstore' && truncate -s 10M '\(outside)/docker-storage.btrfs'")
            defer { _ = try? root.sh("rm -rf '\(outside)'") }
            let before = try tree(root, outside)
            let result = try SecondAttackIntegrationTests().runStopped(root, ["reclaim"], before: step) {
                try root.sh("cd '\(root.path)/var' && mv lib lib.moved && ln -s '\(outside)' lib")
            }
            try restoreLib(root)
            #expect(result.status == ExitStatus.refused.rawValue, "\(step): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(step): one line: \(result.stderr)")
            #expect(result.stderr.contains("\(root.path)/var/lib is a symbolic link to \(outside)"), "\(step): names what was found: \(result.stderr)")
            #expect(result.stderr.contains("nothing was changed by [\(step)]") || result.stderr.contains("no balance was started"), "\(step): \(result.stderr)")
            #expect(result.stderr.contains("findmnt"), "\(step): \(result.stderr)")
            #expect(try tree(root, outside) == before, "\(step): nothing outside --root changed")
            try converges(root, step, size: size, imageSize: imageSize, disk: nil, sums: sums)
        }
    }

    /// Another btrfs mounted over the store's mountpoint while reclaim waits at a room step:
    /// refused, that btrfs keeps its size and gets no member.
    @Test(arguments: ["room-resize", "room-shrink"])
    func anotherBtrfsAtTheMountpointIsNeverResized(_ step: String) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            try root.exhaustMetadata(keepEvery: 4)
            let sums = try root.checksums()
            let size = try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize
            let imageSize = root.status(root.image)?.st_size
            let other = try root.attachDisk(megabytes: 400)
            try root.sh("mkfs.btrfs -q -b 300M \(other)")
            var stacked = false
            defer { if stacked { _ = try? root.sh("umount \(other)") } }
            let result = try SecondAttackIntegrationTests().runStopped(root, ["reclaim"], before: step) {
                try root.sh("mount \(other) '\(root.mountpoint)'")
                stacked = true
            }
            let otherFigures = try CapacityProbe.read(mountpoint: root.mountpoint)
            try root.sh("umount \(other)")
            stacked = false
            #expect(result.status == ExitStatus.refused.rawValue, "\(step): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(step): one line: \(result.stderr)")
            #expect(result.stderr.contains("is mounted there now, not"), "\(step): \(result.stderr)")
            #expect(otherFigures.deviceSize == 300 << 20 && otherFigures.devices.count == 1, "\(step): the other btrfs is untouched")
            try converges(root, step, size: size, imageSize: imageSize, disk: nil, sums: sums)
        }
    }
}
