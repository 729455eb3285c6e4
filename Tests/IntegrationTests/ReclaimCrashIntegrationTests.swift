import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A crash at each step of lending and giving back room converges: the next run finishes,
/// the store ends the size it was, and every file is as it was.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ReclaimCrashIntegrationTests {
    static let imagePoints = ["reclaim-begin", "room-journal", "room-extend", "room-loop", "room-resize", "balance-round",
                              "room-shrink", "room-truncate", "reclaim-finish"]
    static let devicePoints = ["room-journal", "room-file", "room-add", "room-record", "balance-round", "room-remove",
                               "room-delete", "reclaim-finish"]

    /// The two matrices together run every failpoint the catalog derives for reclaim but
    /// those `FailpointCoverage` explains, and the command lists them all.
    @Test func everyFailpointIsListedAndRun() throws {
        try withTestRoot { root in
            let listed = try root.dockstore(["reclaim", "--list-failpoints"]).stdout.split(separator: "\n").map(String.init)
            #expect(listed == StepCatalog.failpoints("reclaim"))
            #expect(Set(Self.imagePoints + Self.devicePoints) == Set(FailpointCoverage.reachable("reclaim")))
        }
    }

    @Test(arguments: imagePoints)
    func anImageStoreConvergesAfterACrashAt(_ point: String) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            try root.exhaustMetadata(keepEvery: 4)
            let sums = try root.checksums()
            let size = try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize
            let imageSize = root.status(root.image)?.st_size
            let crashed = try root.dockstore(["reclaim"], environment: [Failpoint.variable: point])
            #expect(crashed.signal == SIGKILL, "\(point): \(crashed.stdout) \(crashed.stderr)")
            let again = try root.dockstore(["reclaim"])
            #expect(again.status == 0, "\(point): \(again.stdout) \(again.stderr)")
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize == size, "\(point): btrfs its old size")
            #expect(root.status(root.image)?.st_size == imageSize, "\(point): the image its old size")
            #expect(root.status(root.reclaimJournal) == nil, "\(point)")
            #expect(try root.dockstore(["check"]).status == 0, "\(point)")
            #expect(try root.checksums() == sums, "DATA: \(point): every file as it was")
        }
    }

    @Test(arguments: devicePoints)
    func aDeviceStoreConvergesAfterACrashAt(_ point: String) throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            try root.exhaustMetadata(keepEvery: 4)
            let sums = try root.checksums()
            let size = try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize
            let crashed = try root.dockstore(["reclaim"], environment: [Failpoint.variable: point])
            #expect(crashed.signal == SIGKILL, "\(point): \(crashed.stdout) \(crashed.stderr)")
            let again = try root.dockstore(["reclaim"])
            #expect(again.status == 0, "\(point): \(again.stdout) \(again.stderr)")
            let f = try CapacityProbe.read(mountpoint: root.mountpoint)
            #expect(f.devices.map(\.path) == [disk], "\(point): the temporary member is gone")
            #expect(f.deviceSize == size, "\(point)")
            #expect(root.status(root.roomFile) == nil, "\(point): its file is deleted")
            #expect(root.status(root.reclaimJournal) == nil, "\(point)")
            #expect(try root.dockstore(["check"]).status == 0, "\(point)")
            #expect(try root.checksums() == sums, "DATA: \(point): every file as it was")
        }
    }
}
