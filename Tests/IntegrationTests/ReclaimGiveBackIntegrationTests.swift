import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 17's give-back steps, each re-checking what it acts on at that moment: while reclaim
/// is stopped before one (`DOCKSTORE_PAUSE=step:stop`), the file the lent room lives in is
/// replaced by another of the same name (the temporary member's file, or the image). The step
/// refuses or fails with one line, the file in its place keeps its size and is not deleted,
/// the journal keeps the lent room, and once the file is put back a re-run gives the room back:
/// the store its old size, every file as it was. (The folder swapped for a link, or another
/// btrfs at the mountpoint, is ReclaimConfinementIntegrationTests.)
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ReclaimGiveBackIntegrationTests {
    /// What a stopped run left, and the file that stood in for the room's.
    struct Replaced {
        var result: RunResult
        var impostorSize: Int?
    }

    /// Runs reclaim stopped before `step`, moves `file` to `file.lent` and puts a 1 MiB file of
    /// the same name in its place, then checks the one-line stop and that the stand-in is kept.
    func replaceAt(_ step: String, _ root: TestRoot, file: String) throws -> Replaced {
        let result = try root.runStopped(["reclaim"], before: step) {
            try root.sh("mv '\(file)' '\(file).lent' && truncate -s 1M '\(file)'")
        }
        #expect([ExitStatus.refused.rawValue, ExitStatus.failed.rawValue].contains(result.status), "\(step): \(result.stdout) \(result.stderr)")
        #expect(result.stderrLines.count == 1, "\(step): one line: \(result.stderr)")
        #expect(!result.stdout.contains("Healthy:"), "\(step): no success reported: \(result.stdout)")
        #expect(root.status(file)?.st_size == 1 << 20, "\(step): the file in its place is neither deleted nor resized")
        #expect(root.status(root.reclaimJournal) != nil, "\(step): the journal keeps the lent room")
        return Replaced(result: result, impostorSize: root.status(file)?.st_size)
    }

    func putBack(_ root: TestRoot, file: String) throws {
        try root.sh("rm '\(file)' && mv '\(file).lent' '\(file)'")
    }

    @Test(arguments: ["room-remove", "room-delete"])
    func aDeviceStoresTemporaryFileReplacedAt(_ step: String) throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            try root.exhaustMetadata(keepEvery: 4)
            let sums = try root.checksums()
            let size = try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize
            _ = try replaceAt(step, root, file: root.roomFile)
            let members = try CapacityProbe.read(mountpoint: root.mountpoint).devices.count
            #expect(members == (step == "room-remove" ? 2 : 1), "\(step): the temporary member stays until its file is back: \(members)")
            try putBack(root, file: root.roomFile)
            let again = try root.dockstore(["reclaim"])
            #expect(again.status == 0, "\(step): a re-run finishes: \(again.stdout) \(again.stderr)")
            let f = try CapacityProbe.read(mountpoint: root.mountpoint)
            #expect(f.devices.map(\.path) == [disk], "\(step): the temporary member is gone")
            #expect(f.deviceSize == size, "\(step): btrfs its old size")
            #expect(root.status(root.roomFile) == nil && root.status(root.roomFile + ".lent") == nil, "\(step): its file is deleted")
            #expect(root.status(root.reclaimJournal) == nil, "\(step)")
            #expect(try root.checksums() == sums, "DATA: \(step): every file as it was")
        }
    }

    /// A loop device someone else attached over the temporary member's file while reclaim
    /// waits: reclaim removes its own member but neither detaches that loop device nor deletes
    /// the file it reads; once it is detached, a re-run deletes the file.
    @Test(arguments: ["room-remove", "room-delete"])
    func anotherLoopDeviceOverTheTemporaryFileAt(_ step: String) throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            try root.exhaustMetadata(keepEvery: 4)
            let sums = try root.checksums()
            let size = try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize
            var other: String? = nil
            defer { if let other { _ = try? root.sh("losetup -d \(other)") } }
            let result = try root.runStopped(["reclaim"], before: step) {
                other = try root.sh("losetup -f --show '\(root.roomFile)'").trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let attached = try #require(other)
            #expect(result.status == ExitStatus.failed.rawValue, "\(step): \(result.stdout) \(result.stderr)")
            #expect(result.stderrLines.count == 1 && result.stderr.contains(attached), "\(step): one line naming it: \(result.stderr)")
            #expect(try LoopDevice.backingFile(of: attached) == root.roomFile, "\(step): that loop device is still attached")
            #expect(root.status(root.roomFile) != nil && root.status(root.reclaimJournal) != nil, "\(step): the file and the journal stay")
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).devices.map(\.path) == [disk], "\(step): reclaim's own member was removed")
            try root.sh("losetup -d \(attached)")
            other = nil
            let again = try root.dockstore(["reclaim"])
            #expect(again.status == 0, "\(step): a re-run finishes: \(again.stdout) \(again.stderr)")
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize == size, "\(step): btrfs its old size")
            #expect(root.status(root.roomFile) == nil && root.status(root.reclaimJournal) == nil, "\(step)")
            #expect(try root.checksums() == sums, "DATA: \(step): every file as it was")
        }
    }

    @Test(arguments: ["room-shrink", "room-truncate"])
    func anImageReplacedAt(_ step: String) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            try root.exhaustMetadata(keepEvery: 4)
            let sums = try root.checksums()
            let size = try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize
            let imageSize = root.status(root.image)?.st_size
            _ = try replaceAt(step, root, file: root.image)
            let lent = try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize
            #expect(step == "room-truncate" ? lent == size : lent > size, "\(step): btrfs shrunk only by the step before: \(lent)")
            #expect((root.status(root.image + ".lent")?.st_size ?? 0) > (imageSize ?? 0), "\(step): the image is still grown")
            try putBack(root, file: root.image)
            let again = try root.dockstore(["reclaim"])
            #expect(again.status == 0, "\(step): a re-run finishes: \(again.stdout) \(again.stderr)")
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize == size, "\(step): btrfs its old size")
            #expect(root.status(root.image)?.st_size == imageSize, "\(step): the image its old size")
            #expect(root.status(root.reclaimJournal) == nil, "\(step)")
            #expect(try root.checksums() == sums, "DATA: \(step): every file as it was")
        }
    }
}
