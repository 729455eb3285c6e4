import Testing
@testable import DockStoreCore

/// teardown's planner over the format record a `provision --device` killed inside mkfs left
/// (`FormatRecordLeftover`): removed before the folders, the device left as it is.
@Suite struct TeardownFormatRecordPlannerTests {
    static let host = TeardownPlannerTests.host
    static let record = FormatRecord(identity: DeviceIdentity(loopFileDevice: 64, loopFileInode: 9, loopOffset: 0, loopSizeLimit: 0),
                                     size: 512 << 20, filesystem: "btrfs", label: "docker",
                                     uuid: "6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e", device: "/dev/loop5")
    static let found = FormatRecordLeftover(record: record, file: FileIdentity(device: 64, inode: 21), currentNames: ["/dev/loop5"])
    static let forget = TeardownStep.forgetFormatRecord(record, file: FileIdentity(device: 64, inode: 21), currentNames: ["/dev/loop5"])
    static let dockstoreFolder = HostPath.known("/var/lib/dockstore")

    /// What a provision --device killed inside mkfs leaves: no fstab line, no drop-in, nothing
    /// mounted, the boot unit not enabled; its folder record and its format record.
    static func killedInsideMkfs(_ change: (inout TeardownObservation) -> Void = { _ in }) -> TeardownObservation {
        var o = TeardownObservation.fixture(fstab: nil, dropIn: nil)
        o.provisionUnitEnabled = false
        o.folderRecord = [dockstoreFolder]
        o.formatRecord = found
        change(&o)
        return o
    }

    static let cases: [(String, TeardownObservation, TeardownRequest, [TeardownStep]?, String)] = [
        ("the record goes before the folders", killedInsideMkfs(), TeardownRequest(),
         [.disableBoot, forget, .removeFolders([dockstoreFolder], record: true)], ""),
        ("with --delete-image the same", killedInsideMkfs(), TeardownRequest(deleteImage: true),
         [.disableBoot, forget, .removeFolders([dockstoreFolder], record: true)], ""),
        ("the record alone: removed, no marker", killedInsideMkfs { $0.folderRecord = nil }, TeardownRequest(), [forget], ""),
        ("the record alone, the boot unit enabled: the marker is written", killedInsideMkfs { $0.folderRecord = nil; $0.provisionUnitEnabled = true },
         TeardownRequest(), [.disableBoot, forget], ""),
        ("--wipe-device: the half-made format is not proven the store", killedInsideMkfs(), TeardownRequest(wipeDevice: true), nil,
         "--wipe-device: nothing is mounted at /var/lib/docker and fstab names no device, so there is no store to wipe; /dev/loop5 holds only the start of a format a killed provision began (/var/lib/dockstore/format-record.json), which is not proven to be the store: nothing was changed: run dockstore provision --device /dev/loop5 to finish it, or teardown without --wipe-device and wipefs -a /dev/loop5 yourself if that is what you want"),
        ("--wipe-device, the image's store mounted (an image provision after the killed one): said so, no provision --device advised",
         TeardownPlannerTests.o { $0.formatRecord = found }, TeardownRequest(deleteImage: true, wipeDevice: true), nil,
         "--wipe-device: the store mounted at /var/lib/docker is the image /var/lib/docker-storage.btrfs (/dev/loop0), which has no device to wipe; /dev/loop5 holds only the start of a format a killed provision began (/var/lib/dockstore/format-record.json), which is not proven to be the store: nothing was changed: run teardown without --wipe-device (it takes down the image's store and removes the record), then wipefs -a /dev/loop5 yourself if that is what you want"),
        ("--wipe-device, the image there unmounted: said so", TeardownPlannerTests.o { $0.formatRecord = found; $0.mounted = nil; $0.imageLoops = [] },
         TeardownRequest(wipeDevice: true), nil,
         "--wipe-device: the store is the image /var/lib/docker-storage.btrfs, which has no device to wipe; /dev/loop5 holds only the start of a format a killed provision began (/var/lib/dockstore/format-record.json), which is not proven to be the store: nothing was changed: run teardown without --wipe-device (it takes down the image's store and removes the record), then wipefs -a /dev/loop5 yourself if that is what you want"),
        ("no record: nothing to do", killedInsideMkfs { $0.formatRecord = nil; $0.folderRecord = nil }, TeardownRequest(), [], ""),
    ]

    @Test(arguments: cases)
    func plans(_ name: String, _ observed: TeardownObservation, _ request: TeardownRequest, _ expected: [TeardownStep]?, _ fragment: String) {
        do {
            let steps = try TeardownPlanner.plan(observed, request, Self.host)
            #expect(steps == expected, "\(name): \(steps.map(\.id))")
        } catch let error as DockStoreError {
            #expect(expected == nil, "\(name): \(error.message)")
            #expect(error.kind == .refused)
            #expect(error.message == fragment, "\(name): \(error.message)")
        } catch {
            Issue.record("\(name): \(error)")
        }
    }

    /// On a store being torn down, the record's step comes after the image's deletion and
    /// right before the folders; its failpoint is listed right before the folders' own.
    @Test func onAStoreItComesRightBeforeTheFolders() throws {
        let o = TeardownPlannerTests.o { $0.formatRecord = Self.found; $0.folderRecord = [Self.dockstoreFolder] }
        let steps = try TeardownPlanner.plan(o, TeardownRequest(deleteImage: true), Self.host)
        #expect(steps.map(\.id) == ["unmount", "detach-loop", "disable-boot", "fstab", "drop-in", "delete-image", "forget-format-record", "folders"])
        let points = TeardownStep.failpoints
        // check's caches (forget-check-caches) go between them, also before the folders.
        #expect(points.firstIndex(of: "forget-format-record").map { points[$0 + 1] } == "forget-check-caches", "\(points)")
        // Then what provision wrote to /etc/sysconfig/dockstore (boot-settings), then the folders.
        #expect(points.firstIndex(of: "forget-check-caches").map { points[$0 + 1] } == "boot-settings", "\(points)")
        #expect(points.firstIndex(of: "boot-settings").map { points[$0 + 1] } == ProvisionFolderRecord.retireFailpoint, "\(points)")
    }

    @Test func describeNamesTheRecordAndTheDevice() {
        #expect(Self.forget.describe(Self.host) == "remove /var/lib/dockstore/format-record.json (the record of a format of /dev/loop5 a killed provision began: btrfs UUID 6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e); /dev/loop5 stays as it is")
        #expect(Self.forget.id == "forget-format-record")
    }

    /// Attack 15, C13: the device named as it is found now, by its recorded identity; a name
    /// the record gave before a reboot is shown as the recorded one.
    @Test(arguments: [
        (["/dev/loop5"], "the record of a format of /dev/loop5 a killed provision began: btrfs UUID 6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e); /dev/loop5 stays as it is"),
        (["/dev/loop9"], "the record of a format of /dev/loop9 (recorded as /dev/loop5: a reboot renamed it) a killed provision began: btrfs UUID 6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e); /dev/loop9 stays as it is"),
        ([], "the record of a format of /dev/loop5 as recorded (a loop device over the file with device 64, inode 9, offset 0; not attached now) a killed provision began: btrfs UUID 6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e); that device stays as it is"),
        (["/dev/loop2", "/dev/loop3"], "the record of a format of /dev/loop2, /dev/loop3 (each is a loop device over the file with device 64, inode 9, offset 0, recorded as /dev/loop5) a killed provision began"),
    ] as [([String], String)])
    func describeNamesTheDeviceAsItIsNow(_ names: [String], _ fragment: String) {
        let step = TeardownStep.forgetFormatRecord(Self.record, file: FileIdentity(device: 64, inode: 21), currentNames: names)
        #expect(step.describe(Self.host).contains(fragment), "\(step.describe(Self.host))")
        // Not attached: the recorded name may be another device's now (attack 33 V C4d).
        #expect(Self.record.deviceArgument(names) == (names.count == 1 ? names[0] : names.isEmpty ? "ITS-DEVICE" : "/dev/loop5"))
    }
}
