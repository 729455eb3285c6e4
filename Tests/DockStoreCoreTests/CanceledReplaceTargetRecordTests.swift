@testable import DockStoreCore
import Foundation
import Testing

/// canceled-replace-targets.json under a `--root`: a new record of a volume replaces every
/// earlier one of it (a retried replace wrote a new partial btrfs there), other volumes' and
/// other stores' records stay, and `forget` drops exactly one store's.
@Suite struct CanceledReplaceTargetRecordTests {
    func withRoot(_ body: (DockStoreCore.Host) throws -> Void) throws {
        // Under the run's own folder when scripts/test runs us (its sweep removes it).
        let parent = ProcessInfo.processInfo.environment["DOCKSTORE_TEST_TMPDIR"] ?? FileManager.default.temporaryDirectory.path
        let root = parent + "/dockstore-canceled-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try body(try DockStoreCore.Host(root: root))
    }

    static func target(_ store: String, _ deviceUUID: String, _ volumeID: String?, _ device: String) -> CanceledReplaceTarget {
        CanceledReplaceTarget(filesystemUUID: store, deviceUUID: deviceUUID, volumeID: volumeID, device: device, ends: "0")
    }

    @Test func aNewRecordOfAVolumeReplacesItsEarlierOnes() throws {
        try withRoot { host in
            let first = Self.target("u", "d1", nil, "/dev/loop2")
            let other = Self.target("u", "d2", "vol-0bbbbbbbbbbbbbbbb", "/dev/nvme2n1")
            let elsewhere = Self.target("w", "d3", "vol-0cccccccccccccccc", "/dev/nvme3n1")
            for record in [first, other, elsewhere] { try CanceledReplaceTarget.record(record, host: host) }
            // The failed start retried onto /dev/loop2: a new device UUID there.
            let retried = Self.target("u", "d4", nil, "/dev/loop2")
            try CanceledReplaceTarget.record(retried, host: host)
            #expect(try CanceledReplaceTarget.read(host: host) == [other, elsewhere, retried])
            // The same volume under a new name (after a reboot) is the same volume.
            let renamed = Self.target("u", "d5", "vol-0bbbbbbbbbbbbbbbb", "/dev/nvme4n1")
            try CanceledReplaceTarget.record(renamed, host: host)
            #expect(try CanceledReplaceTarget.read(host: host) == [elsewhere, retried, renamed])
            try CanceledReplaceTarget.forget(filesystemUUID: "u", host: host)
            #expect(try CanceledReplaceTarget.read(host: host) == [elsewhere], "only the moved store's records go")
            try CanceledReplaceTarget.forget(filesystemUUID: "w", host: host)
            #expect(try FileStatus.of(host.real(CanceledReplaceTarget.path)) == nil, "no records, no file")
        }
    }

    /// A replace's target carries devid 0; the device an add + remove abort removed keeps its
    /// own devid (attack 13 X10): a record matches only the devid it was made for.
    @Test(arguments: [(nil as UInt64?, UInt64(0), true), (nil, 2, false), (2, 2, true), (2, 0, false), (2, 3, false)])
    func describesOnlyTheDevidItRecorded(_ recorded: UInt64?, _ onDisk: UInt64, _ matches: Bool) {
        let record = CanceledReplaceTarget(filesystemUUID: "u", deviceUUID: "d", volumeID: nil, device: "/dev/loop2", ends: "e", devid: recorded)
        let scratched = BtrfsSuperblock(fsid: "u", devid: onDisk, deviceUUID: "d")
        #expect(record.describes(scratched: scratched, content: .unrecognizedData, ends: "e", volumeID: nil, storeUUID: "u") == matches)
    }
}
