import Testing
@testable import DockStoreCore

/// Every state a store can be in, judged by the pure evaluator: the verdict, the figure it
/// is about, and a message that says what to do in that state.
@Suite struct StoreConditionTests {
    static func figures(_ change: (inout CapacityFigures) -> Void = { _ in }) -> CapacityFigures {
        var f = CapacityTests.figures()
        change(&f)
        return f
    }

    static let states: [(String, CapacityFigures, CheckState, String?)] = [
        ("healthy", figures(), .ok, nil),
        ("a device missing, mounted degraded", figures { $0.condition.missingDevices = [2] }, .critical, "device_missing"),
        ("mounted read-only by option", figures { $0.condition.readOnly = .byOption }, .critical, "read_only"),
        ("forced read-only by btrfs", figures { $0.condition.readOnly = .forced }, .critical, "read_only"),
        ("image deleted while mounted", figures { $0.condition.image = .init(path: "/var/lib/docker-storage.btrfs", loop: "/dev/loop0", link: .deleted) }, .critical, "image_deleted"),
        ("image replaced while mounted", figures { $0.condition.image = .init(path: "/var/lib/docker-storage.btrfs", loop: "/dev/loop0", link: .replaced) }, .critical, "image_replaced"),
        ("attack 12 A8/B11: the top level as mounted, writable", figures { $0.condition.root = BtrfsRootState() }, .ok, nil),
        ("attack 12 A8/B11: the subvolume at the mountpoint flagged read-only", figures { $0.condition.root = BtrfsRootState(subvolumeReadOnly: true) }, .critical, "subvolume_read_only"),
        ("attack 12 B12: the data root immutable", figures { $0.condition.root = BtrfsRootState(immutable: true) }, .critical, "data_root_attribute"),
        ("attack 12 B12: the data root append-only", figures { $0.condition.root = BtrfsRootState(appendOnly: true) }, .critical, "data_root_attribute"),
        ("attack 12 A2: another subvolume than the top level mounted", figures { $0.condition.root = BtrfsRootState(subvolumeID: 256) }, .critical, "subvolume_not_top_level"),
        ("image in place", figures { $0.condition.image = .init(path: "/var/lib/docker-storage.btrfs", loop: "/dev/loop0", link: .present) }, .ok, nil),
        ("F5: a second loop device over the image, mounted: a second instance", figures {
            $0.condition.image = .init(path: "/var/lib/docker-storage.btrfs", loop: "/dev/loop0", link: .present)
            $0.condition.secondLoops = [SiblingLoop(loop: "/dev/loop5", mounted: true)]
        }, .critical, "image_second_instance"),
        ("F5: a second loop device over the image, not mounted", figures {
            $0.condition.image = .init(path: "/var/lib/docker-storage.btrfs", loop: "/dev/loop0", link: .present)
            $0.condition.secondLoops = [SiblingLoop(loop: "/dev/loop5", mounted: false)]
        }, .warning, "image_second_loop"),
        ("attack 9: a loop device stacked on the image's loop device, mounted", figures {
            $0.condition.imageStackedLoops = [StackedLoop(loop: "/dev/loop6", over: "/dev/loop0", mounted: true)]
        }, .critical, "image_second_instance"),
        ("attack 9: a loop device stacked on the image's loop device, not mounted", figures {
            $0.condition.imageStackedLoops = [StackedLoop(loop: "/dev/loop6", over: "/dev/loop0", mounted: false)]
        }, .warning, "image_second_loop"),
        ("attack 9: a loop device stacked on the store's device, mounted", figures {
            $0.condition.deviceStackedLoops = [StackedLoop(loop: "/dev/loop6", over: "/dev/nvme1n1", mounted: true)]
        }, .critical, "device_second_instance"),
        ("attack 9: a loop device stacked on the store's device, not mounted", figures {
            $0.condition.deviceStackedLoops = [StackedLoop(loop: "/dev/loop6", over: "/dev/nvme1n1", mounted: false)]
        }, .warning, "device_second_loop"),
        ("a balance running", figures { $0.condition.exclusiveOperation = "balance" }, .warning, "exclusive_operation"),
        ("a balance paused", figures { $0.condition.exclusiveOperation = "balance paused" }, .warning, "exclusive_operation"),
        ("a device remove running", figures { $0.condition.exclusiveOperation = "device remove" }, .warning, "exclusive_operation"),
        ("attack 54 X: a loop member over a file in memory, said instead of not attached at boot", figures {
            $0.condition.volatileMembers = [VolatileLoopMember(devid: 1, loop: "/dev/loop3", inMemory: "/dev/shm/store on a tmpfs", alone: true, isImage: false)]
            $0.condition.unbootedMembers = [UnbootedLoopMember(devid: 1, loop: "/dev/loop3", file: "/dev/shm/store", besideVolume: true)]
        }, .critical, "device_in_memory"),
        ("attack 52 V: a migration open (killed after its replace)", figures {
            $0.condition.openMigration = "a migration of the store by replace is open (phase: replaced) onto /dev/nvme1n1: dockstore migrate-ebs /dev/nvme1n1 finishes it"
        }, .warning, "migration_open"),
        ("a part unreadable, the rest OK", figures { $0.condition.unreadable = ["cannot read the image /i: Permission denied"]; $0.condition.user = "uid 65534 (nobody)" }, .unknown, "unreadable"),
        ("a part unreadable, data critical: CRITICAL wins", figures { $0.dataFree = 1 << 30; $0.condition.unreadable = ["cannot read x: Permission denied"] }, .critical, "data_free"),
        ("a part unreadable, a balance: WARNING wins over UNKNOWN", figures { $0.condition.exclusiveOperation = "balance"; $0.condition.unreadable = ["cannot read x: Permission denied"] }, .warning, "exclusive_operation"),
        ("errors first seen", figures { $0.devices[0].errors = ["corruption_errs": 2] }, .critical, "device_errors"),
        ("errors as recorded last time", figures {
            $0.devices[0].errors = ["corruption_errs": 2, "write_errs": 0]
            $0.condition.errorBaseline = .recorded(["u/1": ["corruption_errs": 2, "write_errs": 0]])
        }, .warning, "device_errors"),
        ("errors rose since the record", figures {
            $0.devices[0].errors = ["corruption_errs": 3, "write_errs": 0]
            $0.condition.errorBaseline = .recorded(["u/1": ["corruption_errs": 2, "write_errs": 0]])
        }, .critical, "device_errors"),
        ("errors reset below the record, then new ones", figures {
            $0.devices[0].errors = ["write_errs": 1]
            $0.condition.errorBaseline = .recorded(["u/1": ["write_errs": 5]])
        }, .critical, "device_errors"),
        ("errors, record unreadable: WARNING and UNKNOWN", figures {
            $0.devices[0].errors = ["read_errs": 1]
            $0.condition.errorBaseline = .unreadable("cannot read /var/lib/dockstore/device-errors: Permission denied")
        }, .warning, "device_errors"),
        ("full: data", figures { $0.dataFree = 2 << 30; $0.dataUsed = 98 << 30 }, .critical, "data_free"),
        ("full: metadata with no chunk left", figures { $0.metadataUsed = 1010 << 20; $0.unallocated = 0 }, .critical, "metadata_free"),
        ("full: unallocated, metadata has room", figures { $0.unallocated = 1 << 20 }, .warning, "unallocated"),
        ("full: the host under the image", figures { $0.host = HostBacking(image: "/i", apparentBytes: 100 << 30, allocatedBytes: 10 << 30, hostAvailableBytes: 1 << 30) }, .critical, "host_free"),
    ]

    @Test(arguments: states)
    func judges(_ name: String, _ f: CapacityFigures, _ state: CheckState, _ figure: String?) throws {
        let report = CapacityReport(figures: f, policy: try CapacityPolicy(), timestamp: 0)
        #expect(report.state == state, "\(name): \(report.reasons)")
        #expect(report.reasons.first?.figure == figure, "\(name): \(report.reasons)")
        for reason in report.reasons {
            #expect(!reason.message.contains("\n"), "\(name): one line")
            #expect(reason.message.contains(":"), "\(name): says what to do after a colon: \(reason.message)")
        }
    }

    @Test func maxStateAltOrder() {
        #expect([CheckState.ok, .unknown].max() == .unknown)
        #expect([CheckState.unknown, .warning].max() == .warning)
        #expect([CheckState.critical, .unknown].max() == .critical)
        var report = CapacityReport(figures: Self.figures { $0.dataFree = 1 << 30 }, policy: try! CapacityPolicy(), timestamp: 0)
        report.add(CapacityReason(state: .unknown, figure: "textfile", message: "cannot write the textfile /x/dockstore.prom: Permission denied"))
        #expect(report.state == .critical, "a textfile failure never hides a CRITICAL store")
        var ok = CapacityReport(figures: Self.figures(), policy: try! CapacityPolicy(), timestamp: 0)
        ok.add(CapacityReason(state: .unknown, figure: "textfile", message: "cannot write"))
        #expect(ok.state == .unknown, "an OK store whose textfile cannot be written is UNKNOWN")
        #expect(ok.nagios(policy: try! CapacityPolicy()).hasPrefix("DOCKSTORE UNKNOWN - cannot write |"))
    }

    @Test func deletedImageSaysHowToCopyTheDataOutAndNeverToUnmount() throws {
        let f = Self.figures { $0.condition.image = .init(path: "/var/lib/docker-storage.btrfs", loop: "/dev/loop3", link: .deleted) }
        let message = try #require(CapacityEvaluator.evaluate(f, try CapacityPolicy(), now: 0).first?.message)
        #expect(message.contains("do not unmount, detach /dev/loop3 or reboot"))
        #expect(message.contains("dd if=/dev/loop3 of=/var/lib/docker-storage.btrfs.recovered"))
        #expect(!message.contains("umount"), "\(message)")
    }

    /// The names the advice moves and writes files to are the ones observed free; a file that
    /// replaced the image is moved aside by a command, not by words alone.
    @Test func theAdviceUsesTheObservedFreeNames() throws {
        let image = "/var/lib/docker-storage.btrfs"
        let names = AsideNames(aside: image + ".aside.2", old: image + ".old.3", short: image + ".short.2", recovered: image + ".recovered.4")
        func said(_ link: StoreCondition.ImageLink, _ copy: StoreCondition.Image.Generations?) throws -> String {
            var condition = StoreCondition.Image(path: image, loop: "/dev/loop3", link: link, copy: copy)
            condition.asideNames = names
            return try #require(condition.verdict(mountpoint: "/var/lib/docker"))
        }
        let other = try said(.replaced, nil)
        #expect(other.contains("move the new file aside (mv -n \(image) \(image).aside.2)"), "\(other)")
        #expect(other.contains("of=\(image).recovered.4 ") && other.contains("(mv -n \(image).recovered.4 \(image))"), "\(other)")
        var short = StoreCondition.Image.Generations(copy: 5, store: 5)
        (short.copyBytes, short.deviceBytes) = (10, 20)
        #expect(try said(.replaced, short).contains("(mv -n \(image) \(image).short.2)"))
        #expect(try said(.replaced, StoreCondition.Image.Generations(copy: 4, store: 5)).contains("(mv -n \(image) \(image).old.3)"))
        #expect(try said(.deleted, nil).contains("of=\(image).recovered.4 "))
    }

    /// Attack 22 G3: a loop device matched by its backing file's name only (check without root)
    /// may be another root's file of that name: the message says so and to confirm as root before
    /// detaching; one matched by device and inode says to detach it.
    @Test func aSecondLoopMatchedByNameOnlySaysToConfirmAsRoot() throws {
        for (byName, mounted) in [(true, false), (true, true), (nil, false)] as [(Bool?, Bool)] {
            let f = Self.figures {
                $0.condition.image = .init(path: "/var/lib/docker-storage.btrfs", loop: "/dev/loop0", link: .present)
                $0.condition.secondLoops = [SiblingLoop(loop: "/dev/loop5", mounted: mounted, byName: byName)]
            }
            let message = try #require(CapacityEvaluator.evaluate(f, try CapacityPolicy(), now: 0).first?.message)
            let caution = "/var/lib/docker-storage.btrfs is also attached to /dev/loop5, by the kernel's name of its backing file only (check as root tells this image from another root's file of that name)"
            #expect(message.hasPrefix(caution) == (byName == true), "\(message)")
            #expect(message.contains("if check as root confirms it, ") == (byName == true), "\(message)")
            #expect(message.hasSuffix(mounted ? "and losetup -d /dev/loop5" : "detach it (losetup -d /dev/loop5)"), "\(message)")
        }
    }

    @Test func missingDevicesAreNotUnallocatedSpace() {
        typealias Space = BtrfsReading.Space
        // As read on a two-device RAID1 store mounted -o degraded with devid 2 gone.
        let r = BtrfsReading(uuid: "u", spaces: [Space(flags: CapacityTests.dataRAID1, total: 64 << 20, used: 20 << 20),
                                                 Space(flags: CapacityTests.metaRAID1, total: 32 << 20, used: 1 << 20),
                                                 Space(flags: 2 | 16, total: 8 << 20, used: 16 << 10)],
                             devices: [.init(devid: 1, path: "/dev/loop1", size: 300 << 20, used: 104 << 20),
                                       .init(devid: 2, path: "", size: 300 << 20)])
        let f = CapacityFigures(btrfs: r, mountpoint: "/m", host: nil)
        #expect(f.condition.missingDevices == [2])
        #expect(f.deviceSize == 300 << 20)
        #expect(f.unallocated == 196 << 20)
    }

    @Test(arguments: ["10G:5G", "50%:10%", "@2G:1G", "1G:20%", "20%:1G"])
    func refusesRangesTheSameWayForBytesAndPercent(_ text: String) {
        #expect(throws: DockStoreError.self) { try NagiosRange(text, what: "-w") }
        do {
            _ = try NagiosRange(text, what: "-w")
        } catch let error as DockStoreError {
            #expect(error.message.hasPrefix("-w '\(text)' "), "names the input")
            #expect(!error.message.contains("\n"))
            #expect(error.kind == .usage)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test(arguments: [
        ("512MiB:", 0, "below 512 MiB"), ("20%:", 10 << 30, "below 20% (2 GiB)"), ("~:90%", 0, "above 90%"),
        ("1G:5G", 0, "outside 1 GiB to 5 GiB"), ("@1G:5G", 0, "inside 1 GiB to 5 GiB"), ("10G", 0, "above 10 GiB"),
        ("0:20%", 100, "above 20% (20 B)"), ("5G:10G", 0, "outside 5 GiB to 10 GiB"),
    ] as [(String, UInt64, String)])
    func printsRangesInHumanUnits(_ text: String, _ base: UInt64, _ human: String) throws {
        #expect(try NagiosRange(text, what: "-w").human(base: base) == human)
    }

    @Test func statusLinePrintsRangesInHumanUnits() throws {
        let policy = try CapacityPolicy(unallocatedCritical: "512MiB:")
        let report = CapacityReport(figures: Self.figures { $0.unallocated = 1 << 20 }, policy: policy, timestamp: 0)
        #expect(report.nagios(policy: policy).contains("unallocated 1 MiB is below 512 MiB"), "\(report.nagios(policy: policy))")
    }

    @Test func remedyWorksInTheReportedState() {
        // Half-full data chunks, no unallocated space: a bare -dusage=10 would move nothing;
        // dockstore reclaim escalates and lends the room the balance needs.
        let half = Self.figures { $0.dataSize = 8 << 30; $0.dataUsed = 4 << 30; $0.unallocated = 0; $0.metadataChunkNeed = 512 << 20 }
        let text = Remedy.unallocated(half)
        #expect(text.contains("50% full on average, so return the emptier ones: dockstore reclaim --mountpoint /var/lib/docker"), "\(text)")
        #expect(!text.contains("btrfs balance"))
        // Full data chunks: no balance helps; grow first.
        var full = Self.figures { $0.dataSize = 8 << 30; $0.dataUsed = (8 << 30) - (10 << 20); $0.unallocated = 0 }
        full.devices = [.init(devid: 1, path: "/dev/nvme1n1", size: 100 << 30, errors: [:])]
        full.remedyContext = RemedyContext(ebsMembers: [1])
        #expect(Remedy.unallocated(full).contains("too little for a balance to return one: enlarge the EBS volume"), "\(Remedy.unallocated(full))")
        #expect(Remedy.unallocated(full).hasSuffix("and then run dockstore reclaim --mountpoint /var/lib/docker"), "\(Remedy.unallocated(full))")
        var image = full
        image.host = HostBacking(image: "/i", apparentBytes: 1 << 30, allocatedBytes: 1 << 30, hostAvailableBytes: 10 << 30)
        #expect(Remedy.unallocated(image).contains("grow the image (dockstore grow --to SIZE"))
    }

    /// The metric names and label names of a textfile, in order.
    static func shape(_ text: String) -> [String] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let name = line.prefix(while: { $0 != "{" })
            let labels = line.drop(while: { $0 != "{" }).prefix(while: { $0 != "}" })
                .split(separator: ",").map { $0.prefix(while: { $0 != "=" }).filter { $0 != "{" } }
            return "\(name){\(labels.joined(separator: ","))}"
        }.filter { !$0.hasPrefix("dockstore_device_errors_total") }
    }

    @Test func metricsKeepOneShapeInEveryState() throws {
        let policy = try CapacityPolicy()
        let ok = CapacityReport(figures: Self.figures(), policy: policy, timestamp: 1)
        let shape = Self.shape(ok.prometheus())
        #expect(shape.count == 46)
        for (_, f, _, _) in Self.states {
            #expect(Self.shape(CapacityReport(figures: f, policy: policy, timestamp: 1).prometheus()) == shape)
        }
        let xfs = CapacityReport(figures: CapacityFigures(filesystem: "xfs", mountpoint: "/var/lib/docker", total: 1, available: 1, used: 0), policy: policy, timestamp: 1)
        #expect(Self.shape(xfs.prometheus()) == shape)
        let unmounted = CapacityReport(unknown: "nothing is mounted at /var/lib/docker", mountpoint: "/var/lib/docker", timestamp: 1)
        #expect(Self.shape(unmounted.prometheus()) == shape)
        #expect(unmounted.prometheus().contains("dockstore_status{mountpoint=\"/var/lib/docker\",reason=\"store\"} 3"))
        #expect(unmounted.prometheus().contains("dockstore_data_free_bytes{mountpoint=\"/var/lib/docker\"} NaN"))
    }

    @Test func ledgerRoundTripsAndWritesOnlyOnChange() {
        let record: DeviceErrorRecord = ["u/1": ["write_errs": 1, "read_errs": 0], "v/2": ["corruption_errs": 7]]
        #expect(DeviceErrorLedger.parse(DeviceErrorLedger.render(record)) == record)
        var f = Self.figures { $0.devices[0].errors = ["write_errs": 1, "read_errs": 0] }
        #expect(DeviceErrorLedger.needed(f))
        f.condition.errorBaseline = .recorded(record)
        #expect(DeviceErrorLedger.updated(f, now: 0) == nil, "same counters: nothing to write")
        f.devices[0].errors = ["write_errs": 2, "read_errs": 0]
        #expect(DeviceErrorLedger.updated(f, now: 0)?["u/1"] == ["write_errs": 2, "read_errs": 0])
        #expect(DeviceErrorLedger.updated(f, now: 0)?["v/2"] == ["corruption_errs": 7], "other filesystems are kept")
        #expect(!DeviceErrorLedger.needed(Self.figures()))
    }

    @Test func mountinfoTellsTheMountFromTheSuperblock() {
        let text = """
            52 27 0:57 / /var/lib/docker rw,relatime - btrfs /dev/loop1 ro,discard=async,space_cache=v2
            53 27 0:58 / /mnt/with\\040space ro,relatime - btrfs /dev/loop2 ro,degraded
            """
        #expect(MountInfoOptions.parse(text, at: "/var/lib/docker") == MountInfoOptions(mount: ["rw", "relatime"], superblock: ["ro", "discard=async", "space_cache=v2"]))
        #expect(MountInfoOptions.parse(text, at: "/mnt/with space")?.superblock.contains("degraded") == true)
        #expect(MountInfoOptions.parse(text, at: "/nothing") == nil)
    }

    /// Attack 12, B04: the superblock options of the filesystem holding the image, found by its
    /// device number, tell an ext4 that stopped writing after an error (emergency_ro) while
    /// statvfs still says read-write.
    /// Attack 12, A14: a running replace is looked at with `btrfs replace status`, not balance's.
    @Test(arguments: [("device replace", "btrfs replace status -1 /var/lib/docker"), ("balance", "btrfs balance status /var/lib/docker"),
                      ("device remove", "btrfs filesystem show /var/lib/docker")])
    func aRunningOperationNamesTheCommandThatShowsIt(_ operation: String, _ command: String) throws {
        var f = Self.figures()
        f.condition.exclusiveOperation = operation
        let report = CapacityReport(figures: f, policy: try CapacityPolicy(), timestamp: 0)
        let message = try #require(report.reasons.first { $0.figure == "exclusive_operation" }?.message)
        #expect(message.contains("let it finish (\(command); btrfs device usage /var/lib/docker)"), "\(message)")
    }

    /// Attack 54 X 2: a member in memory is said once, as device_in_memory, never also as a
    /// member no boot attaches (whose advice, attach it at boot, cannot help a file a reboot loses).
    @Test func aMemberInMemoryIsSaidOnce() throws {
        var f = Self.figures()
        f.condition.volatileMembers = [VolatileLoopMember(devid: 2, loop: "/dev/loop3", inMemory: "/dev/shm/room on a tmpfs", alone: false, isImage: false)]
        f.condition.unbootedMembers = [UnbootedLoopMember(devid: 2, loop: "/dev/loop3", file: "/dev/shm/room")]
        let report = CapacityReport(figures: f, policy: try CapacityPolicy(), timestamp: 0)
        #expect(report.reasons.map(\.figure) == ["device_in_memory"], "\(report.reasons)")
    }

    /// Not for another btrfs mounted there: its remedy is to unmount it, never to move it onto a
    /// volume (the full run: `OtherStoreMountedIntegrationTests` on a tmpfs).
    @Test func anotherBtrfsInMemoryIsNotTheStoreToMove() throws {
        var f = Self.figures()
        f.condition.volatileMembers = [VolatileLoopMember(devid: 1, loop: "/dev/loop3", inMemory: "/srv/shm/other.img on a tmpfs", alone: true, isImage: false)]
        f.condition.otherStoreMounted = OtherStoreMounted(image: "/var/lib/docker-storage.btrfs", imageUUID: "a", loop: "/dev/loop3",
                                                          file: "/srv/shm/other.img", mountedUUID: "b")
        let report = CapacityReport(figures: f, policy: try CapacityPolicy(), timestamp: 0)
        #expect(report.reasons.map(\.figure) == ["other_store_mounted"], "\(report.reasons)")
    }

    @Test func mountinfoGivesTheSuperblockOptionsOfADevice() {
        let text = """
            24 1 254:0 / / rw,relatime - ext4 /dev/vda rw,emergency_ro,errors=remount-ro
            25 24 7:3 / /srv/img rw,relatime - ext4 /dev/loop3 rw
            26 24 254:0 /var /mnt/var rw,relatime - ext4 /dev/vda rw,emergency_ro,errors=remount-ro
            """
        #expect(MountInfoOptions.superblock(ofDevice: makeDevice(254, 0), in: text) == ["rw", "emergency_ro", "errors=remount-ro"])
        #expect(MountInfoOptions.superblock(ofDevice: makeDevice(7, 3), in: text) == ["rw"])
        #expect(MountInfoOptions.superblock(ofDevice: makeDevice(8, 1), in: text) == nil)
    }

    @Test func aReadOnlyHostFilesystemIsCritical() throws {
        var f = Self.figures()
        f.condition.image = .init(path: "/var/lib/docker-storage.btrfs", loop: "/dev/loop0", link: .present)
        f.condition.hostReadOnly = HostReadOnly(folder: "/var/lib", how: "its superblock says emergency_ro")
        let report = CapacityReport(figures: f, policy: try CapacityPolicy(), timestamp: 0)
        #expect(report.state == .critical)
        #expect(report.reasons.first?.figure == "host_read_only")
        #expect(report.reasons.first?.message.hasPrefix("the filesystem holding the image /var/lib/docker-storage.btrfs (/var/lib) is read-only (its superblock says emergency_ro)") == true)
    }
}
