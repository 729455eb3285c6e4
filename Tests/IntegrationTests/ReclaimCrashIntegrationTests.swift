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
                              "balance", "room-shrink", "room-truncate", "reclaim-finish", "record"]
    static let devicePoints = ["room-journal", "room-file", "room-add", "room-record", "balance-round", "balance", "room-remove",
                               "room-delete", "reclaim-finish", "record"]

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
            switch point {
            case "balance":
                // After the last round, before giving back: the journal and the room stay.
                #expect(try journalRoom(root)?["kind"] as? String == "image", "\(point): the journal records the lent room")
                #expect(try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize > size, "\(point): btrfs still has the room")
                #expect((root.status(root.image)?.st_size ?? 0) > (imageSize ?? 0), "\(point): the image is still grown")
            case "record":
                try expectGivenBackAndRecorded(root, point) { () throws in
                    #expect(try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize == size, "\(point): btrfs its old size")
                    #expect(root.status(root.image)?.st_size == imageSize, "\(point): the image its old size")
                }
            default: break
            }
            let again = try root.dockstore(["reclaim"])
            #expect(again.status == 0, "\(point): \(again.stdout) \(again.stderr)")
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize == size, "\(point): btrfs its old size")
            #expect(root.status(root.image)?.st_size == imageSize, "\(point): the image its old size")
            #expect(root.status(root.reclaimJournal) == nil, "\(point)")
            #expect(try root.dockstore(["check"]).status == 0, "\(point)")
            try expectMetricsShowTheLastRun(root, point)
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
            switch point {
            case "balance":
                #expect(try journalRoom(root)?["kind"] as? String == "device", "\(point): the journal records the lent room")
                #expect(try CapacityProbe.read(mountpoint: root.mountpoint).devices.count == 2, "\(point): the temporary member stays")
                #expect(root.status(root.roomFile) != nil, "\(point): its file stays")
            case "record":
                try expectGivenBackAndRecorded(root, point) { () throws in
                    #expect(try CapacityProbe.read(mountpoint: root.mountpoint).devices.map(\.path) == [disk], "\(point): the temporary member is gone")
                    #expect(root.status(root.roomFile) == nil, "\(point): its file is deleted")
                }
            default: break
            }
            let again = try root.dockstore(["reclaim"])
            #expect(again.status == 0, "\(point): \(again.stdout) \(again.stderr)")
            let f = try CapacityProbe.read(mountpoint: root.mountpoint)
            #expect(f.devices.map(\.path) == [disk], "\(point): the temporary member is gone")
            #expect(f.deviceSize == size, "\(point)")
            #expect(root.status(root.roomFile) == nil, "\(point): its file is deleted")
            #expect(root.status(root.reclaimJournal) == nil, "\(point)")
            #expect(try root.dockstore(["check"]).status == 0, "\(point)")
            try expectMetricsShowTheLastRun(root, point)
            #expect(try root.checksums() == sums, "DATA: \(point): every file as it was")
        }
    }

    /// The room the journal records, when there is a journal.
    func journalRoom(_ root: TestRoot) throws -> [String: Any]? {
        guard let text = root.read(root.reclaimJournal) else { return nil }
        let journal = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        return journal?["room"] as? [String: Any]
    }

    /// A kill at `record` comes after the journal is removed, the room given back and
    /// last-reclaim.json written (the failpoint follows the step's action): the record of the
    /// killed run is there, and the next run, with nothing to do, writes its own.
    func expectGivenBackAndRecorded(_ root: TestRoot, _ point: String, givenBack: () throws -> Void) throws {
        #expect(root.status(root.reclaimJournal) == nil, "\(point): no journal")
        try givenBack()
        let killed = try root.lastReclaim()
        #expect(killed["outcome"] as? String == "healthy", "\(point): \(killed)")
        #expect((killed["chunksRelocated"] as? Int ?? 0) > 0, "\(point): \(killed)")
        let again = try root.dockstore(["reclaim", "--json"])
        #expect(again.status == 0, "\(point): \(again.stdout) \(again.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any]
        #expect(json?["outcome"] as? String == "nothing-to-do", "\(point): \(again.stdout)")
        let next = try root.lastReclaim()
        #expect(next["outcome"] as? String == "nothing-to-do", "\(point): the next run writes last-reclaim.json: \(next)")
        #expect((next["finished"] as? Int ?? 0) >= (killed["finished"] as? Int ?? .max), "\(point)")
    }

    /// check's metrics show the last reclaim as last-reclaim.json records it, not failed.
    func expectMetricsShowTheLastRun(_ root: TestRoot, _ point: String) throws {
        let record = try root.lastReclaim()
        let finished = try #require(record["finished"] as? Int, "\(point): \(record)")
        let metrics = try root.dockstore(["check", "--format", "prometheus"]).stdout
        let label = "{mountpoint=\"\(root.mountpoint)\"}"
        #expect(metrics.contains("dockstore_last_reclaim_timestamp_seconds\(label) \(finished)\n"), "\(point): \(metrics)")
        #expect(metrics.contains("dockstore_last_reclaim_failed\(label) 0\n"), "\(point): \(metrics)")
    }
}
