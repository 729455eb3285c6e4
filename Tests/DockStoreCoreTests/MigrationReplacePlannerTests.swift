import Testing
@testable import DockStoreCore

/// migrate-ebs by device replace, as tables without root: which method the planner chooses
/// and why, the steps of each replace phase (a kill, a reboot, a power cut), the refusals,
/// `--abort` of a replace, and the progress estimate.
@Suite struct MigrationReplacePlannerTests {
    typealias T = MigrationPlannerTests
    static let replaceJournal = MigrationJournal(image: T.image.string, device: "/dev/nvme1n1", filesystemUUID: "u",
                                                 volumeID: "vol-0aaaaaaaaaaaaaaaa", keepImage: false, method: .replace)
    /// The target after the replace: devid 1, the size the image's device had (shrunk to the target's).
    static let replaced = BtrfsReading.Device(devid: 1, path: "/dev/nvme1n1", size: 100 << 30, used: 2 << 30)
    static let replaceTarget = BtrfsReading.Device(devid: 0, path: "/dev/nvme1n1", size: 200 << 30, used: 0)
    static let running = BtrfsDeviceReplace.Status(state: .started, progress1000: 420)
    static let canceled = CanceledReplaceTarget(filesystemUUID: "u", deviceUUID: "d", volumeID: "vol-0aaaaaaaaaaaaaaaa",
                                                device: "/dev/nvme1n1", ends: "00000000000000aa")
    /// A move's steps where the store has no canceled replace target recorded.
    static let all = MigrationMethod.replace.failpoints.filter { $0 != "forget-canceled" }
    static let allAddRemove = MigrationMethod.addRemove.failpoints.filter { $0 != "forget-canceled" }
    /// The attacker's healthy store: a 4 GiB image with 25 × 100 MiB of files, 648 MiB unallocated
    /// (the kernel refused START with ENOSPC); with 24 files, 1064 MiB unallocated, it started.
    static func fourGiB(unallocatedMiB: UInt64) -> (inout MigrationObservation) -> Void {
        fourGiB(unallocatedBytes: unallocatedMiB << 20)
    }
    static func fourGiB(unallocatedBytes: UInt64) -> (inout MigrationObservation) -> Void {
        { o in
            o.members = [BtrfsReading.Device(devid: 1, path: "/dev/loop0", size: 4 << 30, used: (4 << 30) - unallocatedBytes)]
            o.loopMember = o.members.first; o.targetSize = 8 << 30; o.target?.size = 8 << 30
        }
    }
    /// The attacker's stuck store: a full 1 GiB image onto a 2 GiB volume.
    static func full(_ o: inout MigrationObservation) {
        o.members = [BtrfsReading.Device(devid: 1, path: "/dev/loop0", size: 1 << 30, used: 1 << 30)]
        o.loopMember = o.members.first; o.targetSize = 2 << 30; o.target?.size = 2 << 30
    }

    static let choices: [(String, MigrationObservation, MigrationMethod?, MigrationMethod, String)] = [
        ("a fresh move of the image alone", T.o { _ in }, nil, .replace, "does not grow with the layers"),
        ("forced add + remove, for tests and benchmarks", T.o { _ in }, .addRemove, .addRemove, "DOCKSTORE_MIGRATE_METHOD=add-remove"),
        ("forced replace is the default", T.o { _ in }, .replace, .replace, "does not grow with the layers"),
        ("an open journal from an older dockstore (no method)", T.o { $0.journal = T.journal }, nil, .addRemove, "older dockstore"),
        ("an older journal wins over a forced replace", T.o { $0.journal = T.journal }, .replace, .addRemove, "older dockstore"),
        ("a replace journal wins over a forced add + remove", T.o { $0.journal = replaceJournal }, .addRemove, .replace, "journal records it"),
        ("the store spans several devices", T.o { $0.members = [T.loop, T.a] }, nil, .addRemove, "spans 2 devices"),
        ("the target is a member already (an older dockstore added it)", T.o {
            $0.members = [T.loop, T.a]; $0.targetDevid = 2; $0.target = nil
        }, nil, .addRemove, "member of the store already"),
        ("the kernel refuses replace", T.o { $0.replace = nil; $0.replaceRefused = "Inappropriate ioctl for device" }, nil, .addRemove,
         "refuses device replace here (Inappropriate ioctl for device)"),
        ("a 4 GiB image with 648 MiB unallocated: the system chunk cannot go read-only", T.o(fourGiB(unallocatedMiB: 648)), nil, .addRemove,
         "the kernel's replace could not start: the store has 648 MiB unallocated of 4 GiB"),
        ("a 4 GiB image with 1064 MiB unallocated starts", T.o(fourGiB(unallocatedMiB: 1064)), nil, .replace, "does not grow with the layers"),
        ("just below the need: two data chunks of a tenth of 4 GiB and twice the global reserve, DUP", T.o(fourGiB(unallocatedBytes: 882_062_131)),
         nil, .addRemove, "takes more than 841.2 MiB unallocated"),
        ("at the need", T.o(fourGiB(unallocatedBytes: 882_062_132)), nil, .replace, "does not grow with the layers"),
        // System single (ReplaceStartRoom's measurements): one data chunk and twice the reserve.
        ("just below the need, system single: one data chunk of a tenth of 4 GiB and twice the global reserve", T.o {
            fourGiB(unallocatedBytes: 441_031_065)(&$0); $0.replaceStartRoom = ReplaceStartRoom(systemRatio: 1, globalReserve: 5_767_168)
        }, nil, .addRemove, "takes more than 420.6 MiB unallocated (a data chunk of 409.6 MiB and twice the global reserve, at the system profile's one copy)"),
        ("at the need, system single", T.o {
            fourGiB(unallocatedBytes: 441_031_066)(&$0); $0.replaceStartRoom = ReplaceStartRoom(systemRatio: 1, globalReserve: 5_767_168)
        }, nil, .replace, "does not grow with the layers"),
        ("648 MiB unallocated starts with system single (it fails with DUP)", T.o {
            fourGiB(unallocatedMiB: 648)(&$0); $0.replaceStartRoom = ReplaceStartRoom(systemRatio: 1, globalReserve: 5_767_168)
        }, nil, .replace, "does not grow with the layers"),
        ("a full 1 GiB image", T.o(full), nil, .addRemove, "the store has 0 B unallocated"),
        ("a full image, forced replace (tests reach the kernel's refusal)", T.o(full), .replace, .replace, "does not grow with the layers"),
        ("the 100 GiB image shrunk onto a volume just above its chunks leaves too little room", T.o {
            $0.targetSize = (2 << 30) + (512 << 20); $0.target?.size = (2 << 30) + (512 << 20)
        }, nil, .addRemove, "512 MiB unallocated of 2.5 GiB"),
        ("the store's space figures were not read", T.o { $0.replaceStartRoom = nil }, nil, .addRemove, "space figures were not read"),
        ("a replace runs (a killed dockstore's, or resumed at mount)", T.o {
            $0.replace = running; $0.replaceTarget = replaceTarget; $0.targetIsReplaceTarget = true; $0.target = nil
        }, .addRemove, .replace, "under way"),
    ]

    @Test(arguments: Self.choices)
    func choosesTheMethod(_ name: String, _ observed: MigrationObservation, _ forced: MigrationMethod?,
                          _ expected: MigrationMethod, _ reason: String) {
        let choice = MigrationPlanner.chooseMethod(observed, forced: forced)
        #expect(choice.method == expected, "\(name)")
        #expect(choice.reason.contains(reason), "\(name): \(choice.reason)")
    }

    static let plans: [(String, MigrationObservation, Bool, [String])] = [
        ("fresh move onto a volume larger than the image: no shrink", T.o { $0.targetSize = 200 << 30 }, false,
         all.filter { $0 != "shrink" }),
        ("fresh move onto a volume smaller than the image: shrink first", T.o {
            $0.targetSize = 50 << 30; $0.target?.size = 50 << 30
        }, false, all),
        ("fresh move, --keep-image", T.o { $0.targetSize = 50 << 30; $0.target?.size = 50 << 30 }, true, all.filter { $0 != "delete-image" }),
        ("killed after journal", T.o { $0.journal = replaceJournal; $0.targetSize = 50 << 30; $0.target?.size = 50 << 30 }, false,
         ["shrink", "replace", "resize", "fstab", "detach-loop", "delete-image", "finish"]),
        ("killed after shrink (the image's device is the target's size now)", T.o {
            $0.journal = replaceJournal; $0.targetSize = 50 << 30; $0.target?.size = 50 << 30
            $0.members = [BtrfsReading.Device(devid: 1, path: "/dev/loop0", size: 50 << 30, used: 2 << 30)]
            $0.loopMember = $0.members.first
        }, false, ["replace", "resize", "fstab", "detach-loop", "delete-image", "finish"]),
        ("killed during the replace: it runs on, the re-run waits for it", T.o {
            $0.journal = replaceJournal; $0.replace = running; $0.replaceTarget = replaceTarget
            $0.targetIsReplaceTarget = true; $0.target = nil; $0.exclusiveOperation = "device replace"
        }, false, ["replace", "resize", "fstab", "detach-loop", "delete-image", "finish"]),
        ("killed during the replace, the target renamed: the kernel's devid 0 is the target", T.o {
            $0.journal = replaceJournal; $0.replace = running; $0.targetPath = "/dev/nvme4n1"; $0.targetVolumeID = nil
            $0.replaceTarget = BtrfsReading.Device(devid: 0, path: "/dev/nvme4n1", size: 200 << 30)
            $0.targetIsReplaceTarget = true; $0.target = nil
        }, false, ["replace", "resize", "fstab", "detach-loop", "delete-image", "finish"]),
        ("rebooted mid-replace and canceled at boot: the volume with this store's devid-0 superblock, under a new name", T.o {
            $0.journal = replaceJournal; $0.replace = BtrfsDeviceReplace.Status(state: .canceled); $0.targetPath = "/dev/nvme4n1"
            $0.targetVolumeID = nil; $0.target?.content = .signature(type: "btrfs", uuid: "u", label: "docker")
            $0.targetIsStaleReplaceTarget = true
        }, false, ["replace", "resize", "fstab", "detach-loop", "delete-image", "finish"]),
        ("after --abort canceled a replace: the volume still carries exactly what it left (recorded then); the record goes once the store moved", T.o {
            $0.replace = BtrfsDeviceReplace.Status(state: .canceled); $0.target?.content = .unrecognizedData
            $0.canceledReplaceTarget = canceled; $0.canceledRecords = [canceled]
        }, false, MigrationMethod.replace.failpoints.filter { $0 != "shrink" }),
        ("a store too full for replace moves by add + remove", T.o(fourGiB(unallocatedMiB: 648)), false, allAddRemove),
        ("too full for replace, after --abort of a replace the kernel failed to start (forced): add + remove onto its recorded target, whose record goes once the store moved", T.o {
            fourGiB(unallocatedMiB: 648)(&$0)
            $0.replace = BtrfsDeviceReplace.Status(state: .canceled); $0.target?.content = .unrecognizedData
            $0.canceledReplaceTarget = canceled; $0.canceledRecords = [canceled]
        }, false, MigrationMethod.addRemove.failpoints),
        ("a blank volume while another volume's canceled replace is recorded for the store: that record goes too", T.o {
            $0.targetSize = 200 << 30; $0.canceledRecords = [canceled]
        }, false, MigrationMethod.replace.failpoints.filter { $0 != "shrink" }),
        ("killed after replace with a canceled replace target still recorded: its record goes", T.o {
            $0.journal = replaceJournal; $0.replace = BtrfsDeviceReplace.Status(state: .finished, progress1000: 1000)
            $0.members = [replaced]; $0.loopMember = nil; $0.targetDevid = 1; $0.target = nil; $0.canceledRecords = [canceled]
        }, false, ["forget-canceled", "resize", "fstab", "delete-image", "finish"]),
        ("no migration and no image in the store: a leftover record plans nothing", T.o {
            $0.members = [BtrfsReading.Device(devid: 1, path: "/dev/nvme1n1", size: 200 << 30)]
            $0.loopMember = nil; $0.targetDevid = 1; $0.target = nil; $0.fstab = Array(T.uuidLine.utf8); $0.imageExists = false
            $0.canceledRecords = [canceled]
        }, false, []),
        ("killed after replace (finished: the target is devid 1, the image's device gone)", T.o {
            $0.journal = replaceJournal; $0.replace = BtrfsDeviceReplace.Status(state: .finished, progress1000: 1000)
            $0.members = [replaced]; $0.loopMember = nil; $0.targetDevid = 1; $0.target = nil
        }, false, ["resize", "fstab", "delete-image", "finish"]),
        ("killed after resize", T.o {
            $0.journal = replaceJournal; $0.members = [BtrfsReading.Device(devid: 1, path: "/dev/nvme1n1", size: 200 << 30)]
            $0.loopMember = nil; $0.targetDevid = 1; $0.target = nil
        }, false, ["fstab", "delete-image", "finish"]),
        ("killed after fstab", T.o {
            $0.journal = replaceJournal; $0.members = [BtrfsReading.Device(devid: 1, path: "/dev/nvme1n1", size: 200 << 30)]
            $0.loopMember = nil; $0.targetDevid = 1; $0.target = nil; $0.fstab = Array(T.uuidLine.utf8)
        }, false, ["delete-image", "finish"]),
        ("finished", T.o {
            $0.members = [BtrfsReading.Device(devid: 1, path: "/dev/nvme1n1", size: 200 << 30)]
            $0.loopMember = nil; $0.targetDevid = 1; $0.target = nil; $0.fstab = Array(T.uuidLine.utf8); $0.imageExists = false
        }, false, []),
    ]

    @Test(arguments: Self.plans)
    func plansTheReplace(_ name: String, _ observed: MigrationObservation, _ keepImage: Bool, _ expected: [String]) throws {
        let steps = try MigrationPlanner.plan(observed, keepImage: keepImage, imageHostPath: T.image,
                                              mountpoint: T.mountpoint, host: T.host)
        #expect(steps.map(\.id) == expected, "\(name)")
    }

    @Test func theShrinkGoesToTheTargetsSizeAndTheJournalRecordsTheMethod() throws {
        let steps = try MigrationPlanner.plan(T.o { $0.targetSize = 50 << 30 + 1000; $0.target?.size = 50 << 30 + 1000 }, keepImage: false,
                                              imageHostPath: T.image, mountpoint: T.mountpoint, host: T.host)
        guard case .begin(let journal) = steps.first else { Issue.record("no journal step first"); return }
        #expect(journal.method == .replace)
        #expect(journal.filesystemUUID == "u" && journal.volumeID == "vol-0aaaaaaaaaaaaaaaa")
        #expect(steps.contains(.shrink(devid: 1, path: "/dev/loop0", from: 100 << 30, to: 50 << 30, deviceUUID: nil, store: "u")), "rounded down to 4 KiB")
        #expect(steps.contains(.replace(devid: 1, source: "/dev/loop0", target: "/dev/nvme1n1", bytes: 2 << 30, deviceUUID: nil, store: "u")))
    }

    static let refusals: [(String, MigrationObservation, String)] = [
        ("a replace runs onto another device", T.o {
            $0.journal = replaceJournal; $0.replace = running; $0.replaceTarget = replaceTarget; $0.targetIsReplaceTarget = false
            $0.target = T.other; $0.targetPath = "/dev/nvme2n1"; $0.targetVolumeID = "vol-0bbbbbbbbbbbbbbbb"
        }, "a device replace onto /dev/nvme1n1 is under way"),
        ("a replace runs whose target the kernel lost", T.o {
            $0.journal = replaceJournal; $0.replace = BtrfsDeviceReplace.Status(state: .suspended); $0.replaceTarget = nil
        }, "a device replace onto a device that is missing is under way"),
        ("a device holding another filesystem's btrfs (not this store's replace target)", T.o {
            $0.target?.content = .signature(type: "btrfs", uuid: "other", label: nil)
        }, "never formats one that holds data"),
        ("a blank device under the journal's old name while the replace target has another", T.o {
            $0.journal = replaceJournal; $0.target = T.other; $0.targetVolumeID = "vol-0bbbbbbbbbbbbbbbb"
        }, "the open migration is onto vol-0aaaaaaaaaaaaaaaa"),
        ("after --abort, a volume with data but no record that dockstore wrote it (or changed since)", T.o {
            $0.replace = BtrfsDeviceReplace.Status(state: .canceled); $0.target?.content = .unrecognizedData
        }, "holds data that no known signature describes"),
        ("a recorded canceled replace target that is mounted now", T.o {
            $0.target?.content = .unrecognizedData; $0.canceledReplaceTarget = canceled
            $0.target?.mountedAt = ["/mnt"]
        }, "mounted"),
        ("another exclusive operation", T.o { $0.exclusiveOperation = "balance" }, "a btrfs balance is running"),
        ("a device replace someone else started, not ours", T.o { $0.exclusiveOperation = "device replace" }, "a btrfs device replace is running"),
        ("a target smaller than the store's chunks", T.o { $0.targetSize = 1 << 30; $0.target?.size = 1 << 30 }, "attach a larger volume"),
    ]

    @Test(arguments: Self.refusals)
    func refuses(_ name: String, _ observed: MigrationObservation, _ fragment: String) {
        do {
            let steps = try MigrationPlanner.plan(observed, keepImage: false, imageHostPath: T.image, mountpoint: T.mountpoint, host: T.host)
            Issue.record("\(name): expected a refusal, got \(steps.map(\.id))")
        } catch let error as DockStoreError {
            #expect(error.kind == .refused, "\(name)")
            #expect(error.message.contains(fragment), "\(name): \(error.message)")
        } catch {
            Issue.record("\(name): \(error)")
        }
    }

    static let aborts: [(String, MigrationObservation, [String]?, String)] = [
        ("a replace runs: cancel it, grow the shrunk image's device back", T.o {
            $0.journal = replaceJournal; $0.replace = running; $0.replaceTarget = replaceTarget; $0.targetIsReplaceTarget = true
            $0.target = nil; $0.members = [BtrfsReading.Device(devid: 1, path: "/dev/loop0", size: 50 << 30, used: 2 << 30)]
            $0.loopMember = $0.members.first; $0.loopDeviceSize = 100 << 30
        }, ["cancel-replace", "grow-image", "finish"], ""),
        ("a replace runs onto a volume larger than the image: nothing to grow back", T.o {
            $0.journal = replaceJournal; $0.replace = running; $0.replaceTarget = replaceTarget; $0.targetIsReplaceTarget = true
            $0.target = nil; $0.loopDeviceSize = 100 << 30
        }, ["cancel-replace", "finish"], ""),
        ("killed after shrink", T.o {
            $0.journal = replaceJournal; $0.members = [BtrfsReading.Device(devid: 1, path: "/dev/loop0", size: 50 << 30, used: 2 << 30)]
            $0.loopMember = $0.members.first; $0.loopDeviceSize = 100 << 30
        }, ["grow-image", "finish"], ""),
        ("a replace runs onto another device", T.o {
            $0.journal = replaceJournal; $0.replace = running; $0.replaceTarget = replaceTarget; $0.targetIsReplaceTarget = false
            $0.targetPath = "/dev/nvme2n1"
        }, nil, "abort it with: dockstore migrate-ebs /dev/nvme1n1 --abort"),
        ("the replace finished: past the point of return", T.o {
            $0.journal = replaceJournal; $0.members = [replaced]; $0.loopMember = nil; $0.targetDevid = 1; $0.target = nil
        }, nil, "past the point of return"),
    ]

    @Test(arguments: Self.aborts)
    func plansTheAbort(_ name: String, _ observed: MigrationObservation, _ expected: [String]?, _ fragment: String) {
        do {
            let steps = try MigrationPlanner.planAbort(observed)
            #expect(steps.map(\.id) == expected, "\(name)")
            #expect(Set(steps.map(\.id)).isSubset(of: Set(MigrationMethod.replace.abortFailpoints)), "\(name)")
        } catch let error as DockStoreError {
            #expect(expected == nil, "\(name): \(error.message)")
            #expect(error.message.contains(fragment), "\(name): \(error.message)")
        } catch {
            Issue.record("\(name): \(error)")
        }
    }

    /// (samples of time and progress) → the seconds to go after each: none for the first
    /// sample and none while nothing moved since it; then from the rate since the first.
    static let estimates: [(String, [(Double, MoveProgress)], [Double?])] = [
        ("no ETA before progress", [(0, .thousandths(0)), (2, .thousandths(0)), (4, .thousandths(100))], [nil, nil, 36]),
        ("a resumed replace counts from where it was", [(10, .thousandths(500)), (12, .thousandths(600))], [nil, 8]),
        ("removal by bytes", [(0, .bytes(left: 100, total: 100)), (5, .bytes(left: 50, total: 100))], [nil, 5]),
        ("finished", [(0, .thousandths(900)), (1, .thousandths(1000))], [nil, 0]),
    ]

    @Test(arguments: Self.estimates)
    func estimatesTheTimeLeft(_ name: String, _ samples: [(Double, MoveProgress)], _ expected: [Double?]) {
        let estimate = MoveEstimate()
        let got = samples.map { estimate.secondsLeft($0.1, at: $0.0) }
        #expect(got.count == expected.count && zip(got, expected).allSatisfy { a, b in
            a == nil && b == nil || (a != nil && b != nil && abs(a! - b!) < 0.001)
        }, "\(name): \(got)")
    }

    @Test func failpointListsNameEveryStepId() {
        // Derived from the step kinds: every kind runs in some move or abort, and the lists are the ones the crash matrices run.
        #expect(Set(MigrationMethod.allCases.flatMap { $0.failpoints + $0.abortFailpoints }) == Set(MigrationStep.Kind.ids))
        #expect(MigrationMethod.replace.failpoints == ["journal", "shrink", "replace", "forget-canceled", "resize", "fstab", "detach-loop", "delete-image", "finish"])
        #expect(MigrationMethod.addRemove.failpoints == ["journal", "add-device", "remove-loop", "forget-canceled", "resize", "fstab", "detach-loop", "delete-image", "finish"])
        #expect(MigrationMethod.replace.abortFailpoints == ["cancel-replace", "grow-image", "finish"])
        #expect(MigrationMethod.addRemove.abortFailpoints == ["remove-device", "finish"])
        #expect(MigrationMethod.replace.failpoints.contains("replace") && MigrationMethod.replace.failpoints.contains("shrink"))
        #expect(MigrationMethod.addRemove.failpoints.contains("remove-loop"))
    }

    /// What `migrate-ebs --abort` recorded matches a device only while it still carries exactly
    /// what the canceled replace left there.
    static let leftovers: [(String, BtrfsSuperblock?, BlockContent, String?, String?, String, Bool)] = [
        ("as the abort left it", BtrfsSuperblock(fsid: "u", devid: 0, deviceUUID: "d"), .unrecognizedData, "00000000000000aa",
         "vol-0aaaaaaaaaaaaaaaa", "u", true),
        ("another store's", BtrfsSuperblock(fsid: "u", devid: 0, deviceUUID: "d"), .unrecognizedData, "00000000000000aa",
         "vol-0aaaaaaaaaaaaaaaa", "other", false),
        ("another partial btrfs (device UUID)", BtrfsSuperblock(fsid: "u", devid: 0, deviceUUID: "e"), .unrecognizedData,
         "00000000000000aa", "vol-0aaaaaaaaaaaaaaaa", "u", false),
        ("a member's superblock (devid 1)", BtrfsSuperblock(fsid: "u", devid: 1, deviceUUID: "d"), .unrecognizedData,
         "00000000000000aa", "vol-0aaaaaaaaaaaaaaaa", "u", false),
        ("no scratched superblock", nil, .unrecognizedData, "00000000000000aa", "vol-0aaaaaaaaaaaaaaaa", "u", false),
        ("a filesystem made on it since (mkfs.ext4)", BtrfsSuperblock(fsid: "u", devid: 0, deviceUUID: "d"),
         .signature(type: "ext4", uuid: "x", label: nil), "00000000000000aa", "vol-0aaaaaaaaaaaaaaaa", "u", false),
        ("other bytes at an end", BtrfsSuperblock(fsid: "u", devid: 0, deviceUUID: "d"), .unrecognizedData, "00000000000000ab",
         "vol-0aaaaaaaaaaaaaaaa", "u", false),
        ("another EBS volume", BtrfsSuperblock(fsid: "u", devid: 0, deviceUUID: "d"), .unrecognizedData, "00000000000000aa",
         "vol-0bbbbbbbbbbbbbbbb", "u", false),
        ("no volume id where the record has one", BtrfsSuperblock(fsid: "u", devid: 0, deviceUUID: "d"), .unrecognizedData,
         "00000000000000aa", nil, "u", false),
        ("blank now (wiped)", nil, .blank, "0000000000000000", "vol-0aaaaaaaaaaaaaaaa", "u", false),
    ]

    @Test(arguments: Self.leftovers)
    func recognisesOnlyWhatTheCanceledReplaceLeft(_ name: String, _ superblock: BtrfsSuperblock?, _ content: BlockContent,
                                                  _ ends: String?, _ volumeID: String?, _ store: String, _ expected: Bool) {
        #expect(Self.canceled.describes(scratched: superblock, content: content, ends: ends, volumeID: volumeID, storeUUID: store) == expected, "\(name)")
    }
}
