import Testing
import Foundation
@testable import DockStoreCore

/// The store observation → each command's input, as tables: what teardown and grow derive
/// from one observation, and that a fact the observer could not read stops the derivation
/// with the reason instead of counting as "absent".
@Suite struct StoreObservationTests {
    static let mountpoint = "/var/lib/docker"
    static let image = "/var/lib/docker-storage.btrfs"
    static let loop = LoopDevice(path: "/dev/loop0", backingDevice: 1, backingInode: 2, backingName: image, autoclear: false)
    static let loopMount = MountEntry(source: "/dev/loop0", target: mountpoint, fstype: "btrfs", options: "rw", device: 40)
    static let deviceMount = MountEntry(source: "/dev/nvme1n1", target: mountpoint, fstype: "btrfs", options: "rw", device: 41)
    static let ext4Mount = MountEntry(source: "/dev/nvme2n1", target: mountpoint, fstype: "ext4", options: "rw", device: 42)
    static let elsewhere = MountEntry(source: "/dev/loop0", target: "/mnt/copy", fstype: "btrfs", options: "rw", device: 40)
    static let imageLine = "\(image) \(mountpoint) btrfs nofail,loop 0 0\n"
    static let cannotReadMounts = DockStoreError.system("cannot read the mount table", "/proc/self/mountinfo", errno: 13)
    static let cannotReadFstab = DockStoreError.system("cannot read", "/etc/fstab", errno: 5)
    static let unreadableBtrfs = DockStoreError.system("cannot read the btrfs filesystem info of", mountpoint, errno: 5)

    static func member(_ devid: UInt64, _ path: String, size: UInt64 = 100 << 30) -> BtrfsReading.Device {
        var device = BtrfsReading.Device(devid: devid, path: path, size: size)
        device.deviceUUID = "00000000-0000-0000-0000-00000000000\(devid)"
        return device
    }

    static func btrfs(_ members: [BtrfsReading.Device]) -> StoreObservation.Btrfs {
        StoreObservation.Btrfs(reading: BtrfsReading(uuid: "u", spaces: [], devices: members),
                               kernelMembers: .read(members.map { String($0.path.dropFirst("/dev/".count)) }))
    }

    /// A test-only builder: an image store, mounted and in place; `change` alters it.
    static func store(_ change: (inout StoreObservation) -> Void = { _ in }) -> StoreObservation {
        var store = StoreObservation(
            imagePath: image, mountpoint: mountpoint, mounts: .read([loopMount]), mountedType: .read("btrfs"),
            btrfs: .read(btrfs([member(1, "/dev/loop0")])),
            mountedSource: .read(.init(content: .signature(type: "btrfs", uuid: "u", label: "docker"), loopBackingFile: image)),
            image: .read(.file(size: 100 << 30, allocated: 1 << 30, content: .signature(type: "btrfs", uuid: "u", label: "docker"),
                               loops: [loop])),
            settings: .read(ProvisionSettings()),
            fstab: .read(Array(imageLine.utf8)), migrationJournal: .read(nil), reclaimOpen: .read(false),
            bootDisabled: .read(false), systemdRunning: .read(true))
        change(&store)
        return store
    }

    static func deviceStore(_ change: (inout StoreObservation) -> Void = { _ in }) -> StoreObservation {
        store {
            $0.mounts = .read([deviceMount])
            $0.btrfs = .read(btrfs([member(1, "/dev/nvme1n1")]))
            $0.mountedSource = .read(.init(content: .signature(type: "btrfs", uuid: "u", label: "docker"), loopBackingFile: nil))
            $0.image = .read(.missing)
            $0.fstab = .read(Array("UUID=u \(mountpoint) btrfs nofail 0 0\n".utf8))
            change(&$0)
        }
    }

    // MARK: teardown

    static let teardownCases: [(String, StoreObservation, TeardownObservation?, DockStoreError?)] = [
        ("image store, mounted", store(), {
            var o = TeardownObservation.fixture(mounted: loopMount, imageLoops: ["/dev/loop0"], imageExists: true, fstab: imageLine,
                                        storeUUID: "u", dropIn: .dockstore, systemdRunning: true)
            o.deviceLabel = "docker"
            o.imageFile = nil // read by Teardowner.observe inside --root, not from the store observation
            o.imageContent = nil
            o.storeMembers = ["/dev/loop0"]
            return o
        }(), nil),
        ("device store mid-migration: the journal's UUID, a reclaim lent room, boot disabled", deviceStore {
            $0.migrationJournal = .read(MigrationJournal(image: image, device: "/dev/nvme1n1", filesystemUUID: "u", volumeID: nil,
                                                         keepImage: false))
            $0.reclaimOpen = .read(true)
            $0.bootDisabled = .read(true)
            $0.systemdRunning = .read(false)
        }, {
            var o = TeardownObservation.fixture(mounted: deviceMount, device: "/dev/nvme1n1", fstab: "UUID=u \(mountpoint) btrfs nofail 0 0\n",
                                        storeUUID: "u", dropIn: .dockstore)
            o.deviceLabel = "docker"
            o.storeMembers = ["/dev/nvme1n1"]
            o.journalUUID = "u"
            o.migrationOpen = true
            o.reclaimOpen = true
            o.bootDisabled = true
            return o
        }(), nil),
        ("an ext4 labelled appdata at the mountpoint", store {
            $0.mounts = .read([ext4Mount])
            $0.mountedType = .read("ext4")
            $0.btrfs = .read(nil)
            $0.mountedSource = .read(.init(content: .signature(type: "ext4", uuid: "e", label: "appdata"), loopBackingFile: nil))
            $0.image = .read(.missing)
            $0.fstab = .read(nil)
        }, {
            var o = TeardownObservation.fixture(mounted: ext4Mount, device: "/dev/nvme2n1", storeUUID: "e", dropIn: .dockstore,
                                        systemdRunning: true)
            o.deviceLabel = "appdata"
            return o
        }(), nil),
        ("nothing mounted, image a folder", store {
            $0.mounts = .read([elsewhere])
            $0.mountedType = .read(nil)
            $0.btrfs = .read(nil)
            $0.mountedSource = .read(nil)
            $0.image = .read(.notRegular(.directory))
        }, TeardownObservation.fixture(fstab: imageLine, dropIn: .dockstore, systemdRunning: true), nil),
        ("mount table unreadable: refused, not 'nothing mounted'", store { $0.mounts = .unreadable(cannotReadMounts) },
         nil, cannotReadMounts),
        ("fstab unreadable: refused, not 'no line'", store { $0.fstab = .unreadable(cannotReadFstab) }, nil, cannotReadFstab),
        ("image unreadable: refused, not 'no loop device'", store {
            $0.image = .unreadable(DockStoreError.system("cannot look at", image, errno: 13))
        }, nil, DockStoreError.system("cannot look at", image, errno: 13)),
        ("journal unreadable: refused", store {
            $0.migrationJournal = .unreadable(.refused("migration.json is not a migration journal dockstore can read"))
        }, nil, .refused("migration.json is not a migration journal dockstore can read")),
    ]

    @Test(arguments: teardownCases.indices)
    func teardownInputFromTheStore(_ index: Int) throws {
        let (name, store, expected, refusal) = Self.teardownCases[index]
        do {
            let derived = try TeardownObservation(store: store, dockerdPID: nil, dropIn: .dockstore, sysconfig: nil)
            #expect(refusal == nil, "\(name): derived \(derived)")
            #expect(derived == expected, "\(name)")
        } catch let error as DockStoreError {
            #expect(error == refusal, "\(name)")
        }
    }

    // MARK: grow

    static let growCases: [(String, StoreObservation, GrowObservation?, DockStoreError?)] = [
        ("image store", store(), GrowObservation(mountpoint: "/given", fstype: "btrfs", uuid: "u", devices: [
            .init(devid: 1, path: "/dev/loop0", btrfsSize: 100 << 30, blockSize: 200 << 30,
                  image: HostBacking(image: image, apparentBytes: 200 << 30, allocatedBytes: 1 << 30, hostAvailableBytes: 50 << 30)),
        ]), nil),
        ("mid-migration: both members by devid", store {
            $0.btrfs = .read(btrfs([member(1, "/dev/loop0"), member(2, "/dev/nvme1n1", size: 300 << 30)]))
        }, GrowObservation(mountpoint: "/given", fstype: "btrfs", uuid: "u", devices: [
            .init(devid: 1, path: "/dev/loop0", btrfsSize: 100 << 30, blockSize: 200 << 30,
                  image: HostBacking(image: image, apparentBytes: 200 << 30, allocatedBytes: 1 << 30, hostAvailableBytes: 50 << 30)),
            .init(devid: 2, path: "/dev/nvme1n1", btrfsSize: 300 << 30, blockSize: 400 << 30, image: nil),
        ]), nil),
        ("ext4 at the mountpoint", store { $0.mounts = .read([ext4Mount]); $0.mountedType = .read("ext4"); $0.btrfs = .read(nil) },
         GrowObservation(mountpoint: "/given", fstype: "ext4", uuid: nil, devices: []), nil),
        ("nothing mounted", store { $0.mounts = .read([elsewhere]); $0.mountedType = .read(nil); $0.btrfs = .read(nil) }, nil,
         .refused("nothing is mounted at /given; run dockstore provision first")),
        ("mount table unreadable", store { $0.mounts = .unreadable(cannotReadMounts); $0.btrfs = .unreadable(cannotReadMounts) },
         nil, cannotReadMounts),
        ("btrfs unreadable: refused, not 'no members'", store { $0.btrfs = .unreadable(unreadableBtrfs) }, nil, unreadableBtrfs),
    ]

    @Test(arguments: growCases.indices)
    func growInputFromTheStore(_ index: Int) throws {
        let (name, store, expected, refusal) = Self.growCases[index]
        do {
            let derived = try GrowObservation(store: store, mountpoint: "/given", blockSize: { $0.path == "/dev/loop0" ? 200 << 30 : 400 << 30 },
                                              backing: { member, uuid in
                #expect(uuid == "u")
                return member.path == "/dev/loop0"
                    ? HostBacking(image: Self.image, apparentBytes: 200 << 30, allocatedBytes: 1 << 30, hostAvailableBytes: 50 << 30) : nil
            })
            #expect(refusal == nil, "\(name): derived \(derived)")
            #expect(derived == expected, "\(name)")
        } catch let error as DockStoreError {
            #expect(error == refusal, "\(name)")
        }
    }

    // MARK: shared derivations

    @Test func theMountAtTheMountpointIsTheLastOneThere() throws {
        let over = MountEntry(source: "tmpfs", target: Self.mountpoint, fstype: "tmpfs", options: "rw", device: 9)
        #expect(try Self.store { $0.mounts = .read([Self.loopMount, over]) }.mount() == over)
        #expect(try Self.store { $0.mounts = .read([Self.elsewhere]) }.mount() == nil)
    }

    @Test func theImageIsMountedWhereverOneOfItsLoopDevicesIs() throws {
        #expect(try Self.store { $0.mounts = .read([Self.loopMount, Self.elsewhere]) }.imageMountedAt() == [Self.mountpoint, "/mnt/copy"])
        #expect(try Self.deviceStore().imageMountedAt() == [])
        #expect(throws: Self.cannotReadMounts) { try Self.store { $0.mounts = .unreadable(Self.cannotReadMounts) }.imageMountedAt() }
    }

    /// The mount table names the device; the kernel's member list shows the image's loop device too.
    @Test func aStoreMidMigrationSpansTheImage() throws {
        let spanning = Self.store {
            $0.mounts = .read([Self.deviceMount])
            $0.btrfs = .read(Self.btrfs([Self.member(1, "/dev/loop0"), Self.member(2, "/dev/nvme1n1")]))
        }
        #expect(try spanning.btrfsSpansImage())
        #expect(try !Self.deviceStore().btrfsSpansImage())
        #expect(throws: Self.unreadableBtrfs) { try Self.store { $0.btrfs = .unreadable(Self.unreadableBtrfs) }.btrfsSpansImage() }
    }

    @Test func theFstabLinesForTheMountpoint() throws {
        #expect(try Self.store().fstabEntries(mountingAt: HostPaths.defaultMountpoint).map(\.source) == [Self.image])
        #expect(try Self.store { $0.fstab = .read(nil) }.fstabEntries(mountingAt: HostPaths.defaultMountpoint).isEmpty)
        #expect(throws: Self.cannotReadFstab) {
            try Self.store { $0.fstab = .unreadable(Self.cannotReadFstab) }.fstabEntries(mountingAt: HostPaths.defaultMountpoint)
        }
    }

    @Test func aFactHoldsItsValueOrTheReasonItCouldNotBeRead() throws {
        #expect(try StoreFact.read(3).value() == 3)
        #expect(StoreFact.read(3).known == 3)
        let fact = StoreFact<Int>.unreadable(Self.cannotReadFstab)
        #expect(fact.known == nil)
        #expect(throws: Self.cannotReadFstab) { try fact.value() }
        #expect(StoreFact<Int>.reading { throw Self.cannotReadFstab } == fact)
    }

    /// check's view: what is mounted, asked of the kernel alone; nothing else is read.
    @Test func theKernelViewReadsOnlyWhatIsMounted() throws {
        let observed = StoreObserver.kernelView(mountpoint: "/nonexistent-dockstore-test")
        #expect(try observed.mountedType.value() == nil)
        #expect(try observed.btrfs.value() == nil)
        #expect(observed.mounts.known == nil)
        #expect(observed.settings.known == nil)
        #expect(throws: DockStoreError.refused("nothing is mounted at /nonexistent-dockstore-test: Docker's storage is not there")) {
            try CapacityProbe.read(observed)
        }
    }

    /// A fact the capacity reading needs that could not be read refuses with its reason,
    /// never reads as "nothing mounted" or "not btrfs".
    @Test func capacityRefusesAnUnreadableFact() {
        var unmounted = StoreObserver.kernelView(mountpoint: "/")
        unmounted.mountedType = .unreadable(Self.cannotReadMounts)
        #expect(throws: Self.cannotReadMounts, "what is mounted unreadable") { try CapacityProbe.read(unmounted) }
        var unread = StoreObserver.kernelView(mountpoint: "/")
        unread.mountedType = .read("btrfs")
        unread.btrfs = .unreadable(Self.cannotReadFstab)
        #expect(throws: Self.cannotReadFstab, "its btrfs unreadable") { try CapacityProbe.read(unread) }
    }

    /// check reads the settings file only when no mountpoint is given, into the observation,
    /// and refuses settings it cannot trust (anyone may write this one) instead of defaulting.
    @Test func checkReadsTheSettingsOnlyWhenNoMountpointIsGiven() throws {
        let folder = NSTemporaryDirectory() + "dockstore-settings-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/etc/sysconfig", withIntermediateDirectories: true)
        let file = folder + "/etc/sysconfig/dockstore"
        try Data("DOCKSTORE_MOUNTPOINT=\"/srv/docker\"\n".utf8).write(to: URL(fileURLWithPath: file))
        try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: file)
        let host = try Host(root: folder)
        let given = try StoreObserver.checkView(host: host, mountpoint: "/var/lib/docker", sysfs: "/sys")
        #expect(given.mountpoint == host.real(HostPaths.defaultMountpoint))
        #expect(given.settings.known == nil, "not read when the mountpoint is given")
        #expect(throws: DockStoreError.self, "a settings file anyone can write is refused, not skipped") {
            try StoreObserver.checkView(host: host, mountpoint: nil, sysfs: "/sys")
        }
    }

    /// A part the command did not ask for is not read, and says so when a planner asks.
    @Test func aPartNotAskedForIsNotReadAndSaysSo() throws {
        let observed = StoreObserver(host: try Host(root: "/"), imagePath: nil, mountpointPath: "/nonexistent-dockstore-test", sysfs: "/sys",
                                     settings: StoreObserver.notAsked("the settings file"))
            .observe(.mount)
        #expect(observed.mounts.known != nil)
        #expect(try observed.mount() == nil)
        #expect(try observed.mountedType.value() == nil)
        #expect(try observed.btrfs.value() == nil)
        for fact in [observed.fstab.map(), observed.image.map(), observed.migrationJournal.map(), observed.reclaimOpen.map(),
                     observed.bootDisabled.map(), observed.systemdRunning.map()] {
            guard case .unreadable(let error) = fact else {
                Issue.record("read a part not asked for")
                continue
            }
            #expect(error.message.hasPrefix("dockstore did not read "))
            #expect(error.kind == .failed)
        }
    }
}

extension StoreFact {
    /// Whether it was read, for comparing facts of different types.
    func map() -> StoreFact<Bool> {
        switch self {
        case .read: return .read(true)
        case .unreadable(let error): return .unreadable(error)
        }
    }
}
