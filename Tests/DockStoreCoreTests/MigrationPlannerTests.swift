import Testing
@testable import DockStoreCore

/// migrate-ebs's planner as a table: every journal state × observed devices (present, renamed,
/// missing, extra; the image's own loop; a file inside the store) × image (present, gone) →
/// the exact steps or the refusal. Device identities, never names, decide.
@Suite struct MigrationPlannerTests {
    static let host: Host = { (try? Host(root: "/")) ?? { fatalError("no /") }() }()
    static let image = HostPaths.defaultImage
    static let mountpoint = HostPaths.defaultMountpoint
    static let loop = BtrfsReading.Device(devid: 1, path: "/dev/loop0", size: 100 << 30, used: 2 << 30)
    static let a = BtrfsReading.Device(devid: 2, path: "/dev/nvme1n1", size: 200 << 30, used: 0)
    static let aMoved = BtrfsReading.Device(devid: 2, path: "/dev/nvme1n1", size: 200 << 30, used: 2 << 30)
    static let target = DeviceObservation.fixture(device: ResolvedDevice(path: "/dev/nvme1n1", name: "nvme1n1",
                                                                 volumeID: EBSVolumeID("vol-0aaaaaaaaaaaaaaaa"), requested: "/dev/nvme1n1"),
                                          kind: .blockDevice, size: 200 << 30, content: .blank, newUUID: "t")
    static let other = DeviceObservation.fixture(device: ResolvedDevice(path: "/dev/nvme2n1", name: "nvme2n1",
                                                                volumeID: EBSVolumeID("vol-0bbbbbbbbbbbbbbbb"), requested: "/dev/nvme2n1"),
                                         kind: .blockDevice, size: 200 << 30, content: .blank, newUUID: "o")
    static let journal = MigrationJournal(image: image.string, device: "/dev/nvme1n1", filesystemUUID: "u",
                                          volumeID: "vol-0aaaaaaaaaaaaaaaa", keepImage: false)
    /// A loop device (no volume id) and a journal that knows its device by name only.
    static let unnamed = DeviceObservation.fixture(device: ResolvedDevice(path: "/dev/loop7", name: "loop7", volumeID: nil, requested: "/dev/loop7"),
                                           kind: .blockDevice, size: 200 << 30, content: .blank, newUUID: "l")
    static let journalByName = MigrationJournal(image: image.string, device: "/dev/loop3", filesystemUUID: "u", volumeID: nil,
                                                keepImage: false, method: .addRemove)
    static let imageLine = "/var/lib/docker-storage.btrfs /var/lib/docker btrfs nofail,loop 0 0\n"
    static let uuidLine = "UUID=u /var/lib/docker btrfs nofail,x-systemd.before=dockstore-provision.service 0 0\n"

    static func o(_ change: (inout MigrationObservation) -> Void) -> MigrationObservation {
        var o = MigrationObservation.fixture(mountpoint: "/var/lib/docker", mounted: true, fstype: "btrfs", uuid: "u", members: [loop], loopMember: loop, target: target,
                                     targetPath: "/dev/nvme1n1", targetSize: 200 << 30, fstab: imageLine,
                                     targetVolumeID: "vol-0aaaaaaaaaaaaaaaa")
        change(&o)
        return o
    }

    /// A move's steps where the store has no canceled replace target recorded.
    static let all = MigrationMethod.addRemove.failpoints.filter { $0 != "forget-canceled" }

    static let plans: [(String, MigrationObservation, Bool, [String])] = [
        ("fresh move", o { _ in }, false, all),
        ("fresh move, --keep-image", o { _ in }, true, all.filter { $0 != "delete-image" }),
        ("killed after add-device", o { $0.members = [loop, a]; $0.targetDevid = 2; $0.target = nil; $0.journal = journal },
         false, ["remove-loop", "fstab", "detach-loop", "delete-image", "finish"]),
        ("killed after add-device onto a volume grown since", o {
            $0.members = [loop, a]; $0.targetDevid = 2; $0.target = nil; $0.journal = journal; $0.targetSize = 300 << 30
        }, false, ["remove-loop", "resize", "fstab", "detach-loop", "delete-image", "finish"]),
        ("killed after remove-loop", o { $0.members = [aMoved]; $0.loopMember = nil; $0.targetDevid = 2; $0.target = nil; $0.journal = journal },
         false, ["fstab", "delete-image", "finish"]),
        ("killed after remove-loop with a canceled replace target recorded for the store: its record goes", o {
            $0.members = [aMoved]; $0.loopMember = nil; $0.targetDevid = 2; $0.target = nil; $0.journal = journal
            $0.canceledRecords = [CanceledReplaceTarget(filesystemUUID: "u", deviceUUID: "d", volumeID: nil, device: "/dev/nvme1n1", ends: "0")]
        }, false, ["forget-canceled", "fstab", "delete-image", "finish"]),
        ("killed after remove-loop, the journal said keep", o {
            $0.members = [aMoved]; $0.loopMember = nil; $0.targetDevid = 2; $0.target = nil
            $0.journal = MigrationJournal(image: image.string, device: "/dev/nvme1n1", filesystemUUID: "u", volumeID: nil, keepImage: true)
        }, false, ["fstab", "finish"]),
        ("renamed at reboot: the journal's name is another device now, the volume is a member", o {
            $0.members = [loop, BtrfsReading.Device(devid: 2, path: "/dev/nvme3n1", size: 200 << 30)]; $0.targetDevid = 2
            $0.targetPath = "/dev/nvme3n1"; $0.target = nil; $0.journal = journal
        }, false, ["remove-loop", "fstab", "detach-loop", "delete-image", "finish"]),
        ("killed after delete-image", o {
            $0.members = [a]; $0.loopMember = nil; $0.targetDevid = 2; $0.target = nil; $0.journal = journal
            $0.imageExists = false; $0.fstab = Array((uuidLine).utf8)
        }, false, ["finish"]),
        ("finished", o { $0.members = [a]; $0.loopMember = nil; $0.targetDevid = 2; $0.target = nil; $0.imageExists = false; $0.fstab = Array((uuidLine).utf8) },
         false, []),
        ("finished with --keep-image, run again without it: the kept image stays", o {
            $0.members = [a]; $0.loopMember = nil; $0.targetDevid = 2; $0.target = nil; $0.imageExists = true; $0.fstab = Array((uuidLine).utf8)
        }, false, []),
        ("journal open, nothing added yet (killed after journal), same volume", o { $0.journal = journal },
         false, ["add-device", "remove-loop", "resize", "fstab", "detach-loop", "delete-image", "finish"]),
    ]

    /// The add + remove table: forced for a new migration (DOCKSTORE_MIGRATE_METHOD), and what
    /// a journal from before replace (no method recorded) continues with.
    @Test(arguments: Self.plans)
    func plansTheSteps(_ name: String, _ observed: MigrationObservation, _ keepImage: Bool, _ expected: [String]) throws {
        let steps = try MigrationPlanner.plan(observed, keepImage: keepImage, imageHostPath: Self.image,
                                              mountpoint: Self.mountpoint, host: Self.host, method: .addRemove)
        #expect(steps.map(\.id) == expected, "\(name)")
    }

    /// The image's mount unit drop-in (attack 18, B-F2) goes with the fstab step of a move, also
    /// when a kill left fstab switched and the drop-in in place; an edited one is refused.
    @Test func theFstabStepRemovesTheImagesMountDropIn() throws {
        let ours = Array(MountDropIn.render(image: Self.image).utf8)
        func fstabStep(_ observed: MigrationObservation) throws -> MigrationStep? {
            try MigrationPlanner.plan(observed, keepImage: false, imageHostPath: Self.image, mountpoint: Self.mountpoint,
                                      host: Self.host, method: .addRemove).first { $0.id == "fstab" }
        }
        let removal = MountDropInRemoval(path: MountDropIn.path(unitPath: Self.mountpoint),
                                         shown: "/etc/systemd/system/var-lib-docker.mount.d/dockstore.conf", basis: FileBasis(ours))
        guard case .writeFstab(_, _, _, let dropIn)? = try fstabStep(Self.o { $0.mountDropIn = ours }) else { Issue.record("no fstab step"); return }
        #expect(dropIn == removal)
        // Killed after the fstab write: fstab says UUID=, the drop-in is still there.
        let switched = Self.o { $0.members = [Self.aMoved]; $0.loopMember = nil; $0.targetDevid = 2; $0.target = nil
            $0.journal = Self.journal; $0.fstab = Array(Self.uuidLine.utf8); $0.mountDropIn = ours }
        guard case .writeFstab(_, _, _, let again)? = try fstabStep(switched) else { Issue.record("no fstab step after the kill"); return }
        #expect(again == removal)
        // One an admin edited: refused before any step (the volume's boots would refuse it).
        #expect(throws: DockStoreError.self) { try fstabStep(Self.o { $0.mountDropIn = ours + Array("ConditionPathExists=/etc/x\n".utf8) }) }
    }

    @Test func theJournalRecordsIdentitiesNotJustTheName() throws {
        let steps = try MigrationPlanner.plan(Self.o { _ in }, keepImage: true, imageHostPath: Self.image,
                                              mountpoint: Self.mountpoint, host: Self.host)
        guard case .begin(let journal) = steps.first else { Issue.record("no journal step first"); return }
        #expect(journal.filesystemUUID == "u")
        #expect(journal.volumeID == "vol-0aaaaaaaaaaaaaaaa")
        #expect(journal.keepImage == true)
    }

    static let refusals: [(String, MigrationObservation, String)] = [
        // Attack 33 V C7a: the name is all an older journal has; after a reboot it may be another disk.
        ("an old journal (name only), same name, nothing added yet", o {
            $0.journal = MigrationJournal(image: image.string, device: "/dev/nvme1n1", filesystemUUID: nil, volumeID: nil, keepImage: false)
            $0.targetVolumeID = nil; $0.targetIdentity = DeviceIdentity(volumeID: "vol-0aaaaaaaaaaaaaaaa")
        }, "the open migration's journal names its volume only as /dev/nvme1n1 (an older dockstore began it), and nothing was moved onto it yet: after a reboot that name may be another disk, so it is not taken by name; if /dev/nvme1n1 is the volume you meant (check its size and contents with lsblk), run dockstore migrate-ebs /dev/nvme1n1 --abort, then dockstore migrate-ebs /dev/nvme1n1"),
        // Attack 34 W C10b: the advice was "finish it with: migrate-ebs /dev/loop3", which the row above refuses.
        ("a journal by name only, another device given", o {
            $0.target = unnamed; $0.targetPath = "/dev/loop7"; $0.targetVolumeID = nil; $0.journal = journalByName
        }, "the open migration is onto /dev/loop3, not /dev/loop7; its journal names the volume only by that name, which a reboot may have given another disk: undo it with dockstore migrate-ebs /dev/loop3 --abort (it touches no device), then begin again with the volume you mean"),
        ("a journal of a device with no identity, same name, nothing added yet", o {
            $0.target = unnamed; $0.targetPath = "/dev/loop3"; $0.targetVolumeID = nil; $0.journal = journalByName
        }, "names its volume only as /dev/loop3 (the device has no EBS volume id or loop file to record)"),
        ("a reclaim journal with room lent", o { $0.reclaimOpen = true },
         "a dockstore reclaim run lent the store temporary room and has not given it back (/var/lib/dockstore/reclaim.json); run dockstore reclaim to finish it, then migrate-ebs"),
        ("another device while A is added", o {
            $0.members = [loop, a]; $0.targetDevid = nil; $0.target = other; $0.targetPath = "/dev/nvme2n1"
            $0.targetVolumeID = "vol-0bbbbbbbbbbbbbbbb"; $0.journal = journal
        }, "a migration onto /dev/nvme1n1 (devid 2) is under way"),
        ("another volume while the journal's volume was not added yet", o {
            $0.target = other; $0.targetPath = "/dev/nvme2n1"; $0.targetVolumeID = "vol-0bbbbbbbbbbbbbbbb"; $0.journal = journal
        }, "the open migration is onto vol-0aaaaaaaaaaaaaaaa"),
        ("the journal's old name now on another volume", o {
            $0.target = other; $0.targetVolumeID = "vol-0bbbbbbbbbbbbbbbb"; $0.journal = journal
        }, "the open migration is onto vol-0aaaaaaaaaaaaaaaa"),
        ("the image's own loop device", o { $0.targetDevid = 1; $0.targetPath = "/dev/loop0"; $0.target = nil },
         "the image's own loop device"),
        ("a loop device over a file inside the store", o { $0.targetBackedByStore = true }, "a file inside the store"),
        ("not mounted", o { $0.mounted = false }, "nothing is mounted"),
        ("a balance runs", o { $0.exclusiveOperation = "balance" }, "a btrfs balance is running"),
        ("the target holds data", o { $0.target?.content = .signature(type: "xfs", uuid: "x", label: nil) }, "never formats one that holds data"),
        ("the target is too small", o { $0.target?.size = 1 << 30 }, "attach a larger volume"),
        ("the target is mounted elsewhere", o { $0.target?.mountedAt = ["/srv"] }, "mounted at /srv"),
        ("the target is a member of another mounted btrfs", o { $0.target?.btrfsMemberOf = "other-fs"; $0.target?.btrfsMountedAt = ["/srv/other"] }, "member of the btrfs other-fs mounted at /srv/other"),
        // Attack 33 U: open in the kernel, mounted nowhere visible (a container's namespace in
        // another PID namespace): not "remove it from that filesystem".
        ("the target holds a btrfs the kernel has open but no visible mount shows", o { $0.target?.btrfsMemberOf = "other-fs" }, "which the kernel has open (/sys/fs/btrfs/other-fs) but which no mount this namespace shows"),
    ]

    @Test(arguments: Self.refusals)
    func refuses(_ name: String, _ observed: MigrationObservation, _ fragment: String) {
        do {
            let steps = try MigrationPlanner.plan(observed, keepImage: false, imageHostPath: Self.image,
                                                  mountpoint: Self.mountpoint, host: Self.host)
            Issue.record("\(name): expected a refusal, got \(steps.map(\.id))")
        } catch let error as DockStoreError {
            #expect(error.kind == .refused, "\(name)")
            #expect(error.message.contains(fragment), "\(name): \(error.message)")
        } catch {
            Issue.record("\(name): \(error)")
        }
    }

    static let aborts: [(String, MigrationObservation, [String]?, String)] = [
        ("added: remove it again", o { $0.members = [loop, a]; $0.targetDevid = 2; $0.target = nil; $0.journal = journal },
         ["remove-device", "finish"], ""),
        ("journal only", o { $0.journal = journal }, ["finish"], ""),
        ("an old journal (name only), same name: the abort touches no device", o {
            $0.journal = MigrationJournal(image: image.string, device: "/dev/nvme1n1", filesystemUUID: nil, volumeID: nil, keepImage: false)
            $0.targetVolumeID = nil
        }, ["finish"], ""),
        ("nothing under way", o { _ in }, [], ""),
        ("another device than the one added", o {
            $0.members = [loop, a]; $0.target = other; $0.targetPath = "/dev/nvme2n1"; $0.targetVolumeID = "vol-0bbbbbbbbbbbbbbbb"; $0.journal = journal
        }, nil, "abort it with: dockstore migrate-ebs /dev/nvme1n1 --abort"),
        ("another volume than the journal's", o {
            $0.target = other; $0.targetPath = "/dev/nvme2n1"; $0.targetVolumeID = "vol-0bbbbbbbbbbbbbbbb"; $0.journal = journal
        }, nil, "the open migration is onto vol-0aaaaaaaaaaaaaaaa"),
        ("the image's own loop device", o { $0.targetDevid = 1; $0.target = nil; $0.journal = journal }, nil, "the image's own loop device"),
        // A killed abort released the device; a reboot renamed it and its old name is another volume's.
        ("the device this store released, renamed, journal by name only", o {
            $0.target = unnamed; $0.targetPath = "/dev/loop7"; $0.targetVolumeID = nil; $0.targetReleasedByStore = true; $0.journal = journalByName
        }, ["finish"], ""),
        ("a renamed device that this store never released, journal by name only", o {
            $0.target = unnamed; $0.targetPath = "/dev/loop7"; $0.targetVolumeID = nil; $0.journal = journalByName
        }, nil, "abort it with: dockstore migrate-ebs /dev/loop3 --abort"),
        ("a device this store released, but another volume than the journal's", o {
            $0.target = other; $0.targetPath = "/dev/nvme2n1"; $0.targetVolumeID = "vol-0bbbbbbbbbbbbbbbb"; $0.targetReleasedByStore = true; $0.journal = journal
        }, nil, "the open migration is onto vol-0aaaaaaaaaaaaaaaa"),
        ("past the point of return", o { $0.members = [aMoved]; $0.loopMember = nil; $0.targetDevid = 2; $0.journal = journal },
         nil, "past the point of return"),
        ("the move finished, no journal: nothing to abort (attack 13 X13)", o { $0.members = [aMoved]; $0.loopMember = nil; $0.targetDevid = 2; $0.journal = nil },
         nil, "no migration is under way: the store at /var/lib/docker is not on the image (it is on /dev/nvme1n1) and no migration journal is open; --abort takes back only a move still open, never one that finished: the store stays where it is"),
    ]

    @Test(arguments: Self.aborts)
    func plansTheAbort(_ name: String, _ observed: MigrationObservation, _ expected: [String]?, _ fragment: String) {
        do {
            let steps = try MigrationPlanner.planAbort(observed)
            #expect(steps.map(\.id) == expected, "\(name)")
        } catch let error as DockStoreError {
            #expect(expected == nil, "\(name): \(error.message)")
            #expect(error.message.contains(fragment), "\(name): \(error.message)")
        } catch {
            Issue.record("\(name): \(error)")
        }
    }
}
