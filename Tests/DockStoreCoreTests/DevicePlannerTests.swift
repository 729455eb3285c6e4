import Testing
@testable import DockStoreCore

/// The safe-format decision as a table: probe outcome × device state × --force →
/// format, mount as it is, or refuse (and why).
@Suite struct DevicePlannerTests {
    static let host: Host = { (try? Host(root: "/")) ?? { fatalError("no /") }() }()
    static let uuid = "11111111-2222-4333-8444-555555555555"
    static let device = ResolvedDevice(path: "/dev/nvme1n1", name: "nvme1n1",
                                       volumeID: EBSVolumeID("vol-0abc1234def567890"), requested: "/dev/xvdf")

    static func observed(_ change: (inout DeviceObservation) -> Void = { _ in }) -> ProvisionObservation {
        var d = DeviceObservation.fixture(device: device, kind: .blockDevice, size: 100 << 30, content: .blank, newUUID: uuid)
        change(&d)
        return ProvisionObservation.fixture(mountpoint: .emptyFolder, device: d)
    }

    static func request(force: Bool = false, fs: DeviceFilesystem = .btrfs, volume: String? = nil) -> ProvisionRequest {
        // swiftlint:disable:next force_try
        (try? ProvisionRequest(device: DeviceRequest(spec: .path("/dev/xvdf"), filesystem: fs, force: force,
                                                     volumeID: volume.flatMap(EBSVolumeID.init)))) ?? { fatalError() }()
    }

    static let ext4 = BlockContent.signature(type: "ext4", uuid: "u", label: nil)
    /// What migrate-ebs --abort recorded of the target its canceled replace wrote to.
    static let canceled = CanceledReplaceTarget(filesystemUUID: "s", deviceUUID: "d", volumeID: "vol-0abc1234def567890",
                                                device: "/dev/nvme1n1", ends: "0123456789abcdef")
    static func canceledTarget(_ change: @escaping (inout DeviceObservation) -> Void = { _ in }) -> ProvisionObservation {
        observed { $0.content = .unrecognizedData; $0.canceledReplaceTarget = canceled; change(&$0) }
    }
    static let format = ["format-device", "mount", "fstab", "drop-in", "sysconfig"]

    /// (name, observation, --force, expected step ids or nil for a refusal, text the refusal must hold)
    static let table: [(String, ProvisionObservation, Bool, [String]?, String)] = [
        ("blank", observed(), false, format, ""),
        ("blank, forced", observed(), true, format, ""),
        ("docker btrfs: mounted as it is", observed { $0.content = .signature(type: "btrfs", uuid: "x", label: "docker") }, false,
         ["mount", "fstab", "drop-in", "sysconfig"], ""),
        ("btrfs with another label", observed { $0.content = .signature(type: "btrfs", uuid: "x", label: "data") }, false, nil, "holds a btrfs signature"),
        ("btrfs with another label, forced", observed { $0.content = .signature(type: "btrfs", uuid: "x", label: "data") }, true, format, ""),
        ("ext4", observed { $0.content = ext4 }, false, nil, "never formats a device that holds data"),
        ("ext4, forced", observed { $0.content = ext4 }, true, format, ""),
        ("gpt", observed { $0.content = .partitionTable("gpt") }, false, nil, "holds a gpt partition table"),
        ("gpt, forced", observed { $0.content = .partitionTable("gpt") }, true, format, ""),
        ("LVM PV", observed { $0.content = .signature(type: "LVM2_member", uuid: nil, label: nil) }, false, nil, "LVM2_member"),
        ("swap signature", observed { $0.content = .signature(type: "swap", uuid: nil, label: nil) }, false, nil, "swap signature"),
        ("RAID member", observed { $0.content = .signature(type: "linux_raid_member", uuid: nil, label: nil) }, false, nil, "linux_raid_member"),
        ("unknown data", observed { $0.content = .unrecognizedData }, false, nil, "no known signature"),
        ("unknown data, forced", observed { $0.content = .unrecognizedData }, true, format, ""),
        // The partial copy a canceled replace left, still exactly as migrate-ebs --abort recorded it
        // (ProvisionObserver looks only at data no signature describes, and only without --force).
        ("a canceled replace's target as the abort left it", canceledTarget(), false, format, ""),
        ("a canceled replace's target, too small", canceledTarget { $0.size = 100 << 20 }, false, nil, "too small for btrfs"),
        ("a canceled replace's target, mounted elsewhere", canceledTarget { $0.mountedAt = ["/mnt"] }, false, nil, "is mounted at /mnt"),
        ("a canceled replace's target, held by dm", canceledTarget { $0.holders = ["dm-0"] }, false, nil, "in use by dm-0"),
        ("a canceled replace's target, read-only", canceledTarget { $0.readOnly = true }, false, nil, "read-only"),
        ("ambivalent", observed { $0.content = .ambivalent }, false, nil, "more than one signature"),
        ("ambivalent, forced", observed { $0.content = .ambivalent }, true, nil, "more than one signature"),
        ("unreadable", observed { $0.content = .unreadable("EIO") }, false, nil, "unreadable"),
        ("unreadable, forced", observed { $0.content = .unreadable("EIO") }, true, nil, "unreadable"),
        ("too small", observed { $0.size = 100 << 20 }, false, nil, "too small for btrfs"),
        ("mounted elsewhere, forced", observed { $0.mountedAt = ["/mnt"] }, true, nil, "is mounted at /mnt"),
        ("swap in use, forced", observed { $0.swap = true }, true, nil, "in use as swap"),
        ("held by dm, forced", observed { $0.holders = ["dm-0"] }, true, nil, "in use by dm-0"),
        ("root disk, forced", observed { $0.rootDisk = "nvme0n1" }, true, nil, "the root filesystem lives on"),
        ("read-only, forced", observed { $0.readOnly = true }, true, nil, "read-only"),
        ("character device", observed { $0.kind = .characterDevice }, true, nil, "not a block device"),
    ]

    @Test(arguments: table)
    func decides(_ name: String, _ observed: ProvisionObservation, _ force: Bool, _ expected: [String]?, _ fragment: String) {
        do {
            let plan = try ProvisionPlanner.plan(observed, Self.request(force: force), Self.host)
            #expect(expected == plan.steps.map(\.id), "\(name)")
            if let first = plan.steps.first, case .formatDevice(_, _, let wipe, _) = first {
                #expect(wipe == (observed.device?.content != .blank), "\(name): only a forced format wipes")
            }
        } catch let error as DockStoreError {
            #expect(expected == nil, "\(name): refused unexpectedly: \(error.message)")
            #expect(error.kind == .refused, "\(name)")
            #expect(error.message.contains(fragment), "\(name): \(error.message)")
            #expect(!error.message.contains("\n"))
        } catch {
            Issue.record("\(name): \(error)")
        }
    }

    @Test func fstabNamesTheDeviceByUUID() throws {
        let plan = try ProvisionPlanner.plan(Self.observed(), Self.request(), Self.host)
        guard case .writeFstab(let fstabBytes, _, _) = plan.steps[2] else { Issue.record("no fstab step"); return }
        let text = fstabBytes.utf8Text
        #expect(text == "UUID=\(Self.uuid) /var/lib/docker btrfs nofail,x-systemd.before=dockstore-provision.service 0 0\n")
        guard case .mount(let source, let fstype, _) = plan.steps[1] else { Issue.record("no mount step"); return }
        #expect(source == "/dev/nvme1n1")
        #expect(fstype == "btrfs")
    }

    /// A loop device given as the volume is warned of; a backing file that cannot be read makes
    /// the warning say so and refuses nothing (the plan's steps are those of any blank device).
    @Test(arguments: [
        (backing: "/srv/vol.img" as String?, unreadable: nil as String?, warned: "is a loop device over /srv/vol.img, which no boot attaches" as String?),
        (backing: nil, unreadable: "cannot read /sys/block/loop7/loop/backing_file: Input/output error", warned: "cannot be told (cannot read /sys/block/loop7/loop/backing_file: Input/output error)"),
        (backing: nil, unreadable: nil, warned: nil),
    ])
    func warnsOfALoopDeviceNoBootAttaches(backing: String?, unreadable: String?, warned: String?) throws {
        let plain = try ProvisionPlanner.plan(Self.observed(), Self.request(), Self.host)
        let plan = try ProvisionPlanner.plan(Self.observed { $0.loopBacking = backing; $0.loopBackingUnreadable = unreadable }, Self.request(), Self.host)
        #expect(plan.steps.count == plain.steps.count)
        let loopWarnings = plan.warnings.filter { !plain.warnings.contains($0) }
        if let warned {
            #expect(loopWarnings.count == 1)
            #expect(loopWarnings.first?.contains(warned) == true)
            #expect(loopWarnings.first?.contains("dockstore-provision.service") == true)
        } else {
            #expect(loopWarnings.isEmpty)
        }
    }

    @Test func reusesTheExistingUUID() throws {
        let existing = Self.observed { $0.content = .signature(type: "btrfs", uuid: "abcd", label: "docker") }
        let plan = try ProvisionPlanner.plan(existing, Self.request(), Self.host)
        guard case .writeFstab(let fstabBytes, _, _) = plan.steps[1] else { Issue.record("no fstab step"); return }
        let text = fstabBytes.utf8Text
        #expect(text.hasPrefix("UUID=abcd /var/lib/docker btrfs nofail,x-systemd.before=dockstore-provision.service 0 0"))
    }

    @Test func adoptsALineThatNamesTheDeviceByPath() throws {
        var o = Self.observed { $0.content = .signature(type: "btrfs", uuid: "abcd", label: "docker") }
        o.fstab = Array(("/dev/xvdf /var/lib/docker btrfs defaults 0 0\n").utf8)
        let plan = try ProvisionPlanner.plan(o, Self.request(), Self.host)
        guard case .writeFstab(let fstabBytes, let change, _) = plan.steps[1] else { Issue.record("no fstab step"); return }
        let text = fstabBytes.utf8Text
        #expect(text == "UUID=abcd /var/lib/docker btrfs nofail,x-systemd.before=dockstore-provision.service 0 0\n")
        #expect(change.contains("adopt line 1"))
    }

    /// The device's store mounted, fstab, the drop-in and DOCKER_OPTS in place.
    static func inPlace() -> ProvisionObservation {
        var o = Self.observed { $0.content = .signature(type: "btrfs", uuid: "abcd", label: "docker"); $0.mountedAt = ["/var/lib/docker"] }
        o.mountpoint = .mounted(MountEntry(source: "/dev/nvme1n1", target: "/var/lib/docker", fstype: "btrfs", options: "", device: 1),
                                ofImage: false, ofDevice: true)
        o.fstab = Array(("UUID=abcd /var/lib/docker btrfs nofail,x-systemd.before=dockstore-provision.service 0 0\n").utf8)
        o.dropIn = Array(DockerDropIn.render(mountpoint: HostPaths.defaultMountpoint, unit: MountUnitName.of(HostPaths.defaultMountpoint)).utf8)
        o.sysconfig = Array(("DOCKER_OPTS=\"-s btrfs\"\n").utf8)
        return o
    }

    @Test func alreadyMountedIsANoOp() throws {
        #expect(try ProvisionPlanner.plan(Self.inPlace(), Self.request(), Self.host).steps.isEmpty)
    }

    /// A store moved to a device: the image's mount unit drop-in (its condition names the image,
    /// which is gone) is removed, and only when it is dockstore's (attack 18, B-F2).
    @Test func theImagesMountDropInGoesWithADeviceStore() throws {
        var o = Self.inPlace()
        let ours = MountDropIn.render(image: HostPaths.defaultImage)
        o.mountDropIn = Array(ours.utf8)
        let steps = try ProvisionPlanner.plan(o, Self.request(), Self.host).steps
        #expect(steps == [.writeMountDropIn(path: MountDropIn.path(unitPath: HostPaths.defaultMountpoint), text: nil, change: "remove it: the store's line mounts a device by UUID=, not the image, so var-lib-docker.mount needs no condition on the image", basis: FileBasis(Array(ours.utf8)))])
        // One an admin edited is refused, as for an image store: its lines are not dockstore's to drop.
        o.mountDropIn = Array((ours + "ConditionPathExists=/etc/x\n").utf8)
        #expect(throws: DockStoreError.self) { try ProvisionPlanner.plan(o, Self.request(), Self.host) }
    }

    @Test func overlayFilesystemsSelectOverlay2() throws {
        for (fs, pass) in [(DeviceFilesystem.xfs, "0"), (.ext4, "2")] {
            let plan = try ProvisionPlanner.plan(Self.observed(), Self.request(fs: fs), Self.host)
            guard case .writeFstab(let fstabBytes, _, _) = plan.steps[2], case .writeSysconfig(let sysconfigBytes, _, _) = plan.steps[4] else {
                Issue.record("steps: \(plan.steps.map(\.id))"); continue
            }
            let text = fstabBytes.utf8Text
            let sysconfig = sysconfigBytes.utf8Text
            #expect(text == "UUID=\(Self.uuid) /var/lib/docker \(fs.rawValue) nofail,x-systemd.before=dockstore-provision.service 0 \(pass)\n")
            #expect(sysconfig.contains("DOCKER_OPTS=\"--storage-driver=overlay2\""))
            #expect(fs.mkfs(device: "/dev/x", label: "docker", uuid: "u", force: false).1.contains(fs == .xfs ? "ftype=1" : "-U"))
        }
    }

    @Test func volumeIdIsAsserted() throws {
        #expect(throws: DockStoreError.refused("refusing: /dev/nvme1n1 is vol-0abc1234def567890, not vol-0def1234abc567890")) {
            try ProvisionPlanner.plan(Self.observed(), Self.request(volume: "vol-0def1234abc567890"), Self.host)
        }
        #expect(throws: Never.self) {
            try ProvisionPlanner.plan(Self.observed(), Self.request(volume: "vol0abc1234def567890"), Self.host)
        }
        let plain = Self.observed { $0.device.volumeID = nil }
        #expect(throws: DockStoreError.self) {
            try ProvisionPlanner.plan(plain, Self.request(volume: "vol-0abc1234def567890"), Self.host)
        }
    }

    @Test func pointsToMigrateWhenTheStoreIsTheImage() {
        var mounted = Self.observed()
        mounted.mountpoint = .mounted(MountEntry(source: "/dev/loop0", target: "/var/lib/docker", fstype: "btrfs", options: "", device: 1),
                                      ofImage: true, ofDevice: false)
        var unmounted = Self.observed()
        unmounted.image = .file(size: 100 << 30, allocated: 1 << 30, content: .signature(type: "btrfs", uuid: "i", label: "docker"))
        for o in [mounted, unmounted] {
            do {
                _ = try ProvisionPlanner.plan(o, Self.request(), Self.host)
                Issue.record("expected a refusal")
            } catch let error as DockStoreError {
                #expect(error.message.contains("dockstore migrate-ebs /dev/xvdf"))
            } catch { Issue.record("\(error)") }
        }
    }

    @Test func imageOptionsDoNotGoWithADevice() {
        #expect(throws: DockStoreError.self) {
            try ProvisionRequest(size: 1 << 30, device: DeviceRequest(spec: .path("/dev/xvdf")))
        }
        #expect(throws: DockStoreError.self) { try DeviceRequest(spec: .path("/dev/xvdf"), wait: -1) }
    }
}
