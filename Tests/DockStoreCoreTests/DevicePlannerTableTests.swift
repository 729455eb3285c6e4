import Testing
@testable import DockStoreCore

/// provision --device's planner as a generated cross product: how the device was chosen (named
/// by --device or the settings, or followed after a migration) × what it holds × how it is in
/// use × what is at the mountpoint (the store on it, the store present under another name, the
/// image) × the image file × fstab's line (none, the recorded store's UUID=, the image's) ×
/// --force. Each cell against the rules (`expected`) and the invariants: --force lifts only
/// "holds signatures"; nothing is formatted that holds data, is in use, or is not the store
/// that fstab or a migration recorded.
@Suite struct DevicePlannerTableTests {
    static let host: Host = { (try? Host(root: "/")) ?? { fatalError("no /") }() }()

    struct Cell: Sendable, CustomTestStringConvertible {
        enum Content: String, Sendable, CaseIterable {
            case blank, thisStore = "the store (btrfs docker, UUID u)", otherBtrfs = "btrfs labelled data", ext4, gpt
            case unrecognized = "unrecognised data", ambivalent, unreadable
            case canceledTarget = "the partial copy of a replace migrate-ebs --abort canceled, as it recorded it"
        }
        enum Use: String, Sendable, CaseIterable {
            case free, mountedElsewhere = "mounted at /srv", btrfsMember = "member of another mounted btrfs (not in the mount table)"
            case swap, held = "held by dm-0", rootDisk = "the root disk", partition = "a partition", readOnly = "read-only"
        }
        enum Mountpoint: String, Sendable, CaseIterable {
            case empty, thisDevice = "this device mounted", storeElsewhere = "the store mounted from /dev/nvme3n1", image = "the image mounted"
        }
        enum Fstab: String, Sendable, CaseIterable { case none, recordedStore = "UUID=u", image }

        /// Followed after a migration (MigratedStore found it by the store's UUID), or named.
        var follows: Bool
        var content: Content
        var use: Use
        var mountpoint: Mountpoint
        var imageFile: Bool
        var fstab: Fstab
        var force: Bool

        var testDescription: String {
            "\(follows ? "followed migration" : "named"), holds \(content.rawValue), \(use.rawValue), mountpoint \(mountpoint.rawValue), \(imageFile ? "btrfs image file" : "no image"), fstab \(fstab.rawValue)\(force ? ", --force" : "")"
        }

        /// Every cell the host can be in: the device mounted at the mountpoint holds the store and
        /// is not another btrfs's member, swap or held; a followed migration has no btrfs image.
        static let all: [Cell] = [false, true].flatMap { follows in
            Content.allCases.flatMap { content in
                Use.allCases.flatMap { use in
                    Mountpoint.allCases.flatMap { mountpoint in
                        [false, true].flatMap { imageFile in
                            Fstab.allCases.flatMap { fstab in
                                [false, true].map {
                                    Cell(follows: follows, content: content, use: use, mountpoint: mountpoint, imageFile: imageFile, fstab: fstab, force: $0)
                                }
                            }
                        }
                    }
                }
            }
        }.filter { c in
            (c.mountpoint != .thisDevice || (c.content == .thisStore && [.free, .mountedElsewhere, .readOnly].contains(c.use)))
                && !(c.follows && c.imageFile)
        }

        var request: ProvisionRequest {
            let spec: DeviceSpec = follows ? .filesystemUUID("u") : .path("/dev/nvme1n1")
            guard var request = try? ProvisionRequest(device: DeviceRequest(spec: spec, force: force)) else { fatalError("request") }
            request.followsMigration = follows
            return request
        }

        /// What `ProvisionObserver` reads in this cell.
        func observation() -> ProvisionObservation {
            let contents: [Content: BlockContent] = [
                .blank: .blank, .thisStore: .signature(type: "btrfs", uuid: "u", label: "docker"),
                .otherBtrfs: .signature(type: "btrfs", uuid: "x", label: "data"), .ext4: .signature(type: "ext4", uuid: "e", label: nil),
                .gpt: .partitionTable("gpt"), .unrecognized: .unrecognizedData, .ambivalent: .ambivalent, .unreadable: .unreadable("EIO"),
                .canceledTarget: .unrecognizedData,
            ]
            var d = DeviceObservation.fixture(device: ResolvedDevice(path: "/dev/nvme1n1", name: "nvme1n1", volumeID: EBSVolumeID("vol-0aaaaaaaaaaaaaaaa"),
                                                             requested: follows ? "UUID=u" : "/dev/nvme1n1"),
                                      kind: .blockDevice, size: 100 << 30, content: contents[content] ?? .blank, newUUID: "n")
            if content == .canceledTarget {
                d.canceledReplaceTarget = CanceledReplaceTarget(filesystemUUID: "s", deviceUUID: "d", volumeID: "vol-0aaaaaaaaaaaaaaaa",
                                                                device: "/dev/nvme1n1", ends: "0123456789abcdef")
            }
            switch use {
            case .free: break
            case .mountedElsewhere: d.mountedAt = ["/srv"]
            case .btrfsMember: d.btrfsMemberOf = "f"; d.btrfsMountedAt = ["/srv/other"]
            case .swap: d.swap = true
            case .held: d.holders = ["dm-0"]
            case .rootDisk: d.rootDisk = "nvme1n1"
            case .partition: d.partitionOf = "nvme0n1"
            case .readOnly: d.readOnly = true
            }
            let line = [Fstab.none: "", .recordedStore: MigrationCell.uuidLine, .image: MigrationCell.imageLine][fstab, default: ""]
            var o = ProvisionObservation.fixture(image: imageFile ? .file(size: 100 << 30, allocated: 2 << 30, content: .signature(type: "btrfs", uuid: "i", label: "docker")) : .missing,
                                         mountpoint: .emptyFolder, fstab: MigrationCell.rootLine + line)
            switch mountpoint {
            case .empty: break
            case .thisDevice:
                o.mountpoint = .mounted(MountEntry(source: "/dev/nvme1n1", target: "/var/lib/docker", fstype: "btrfs", options: "rw", device: 2),
                                        ofImage: false, ofDevice: true)
                d.mountedAt.append("/var/lib/docker")
                d.btrfsMemberOf = "u"
            case .storeElsewhere:
                o.mountpoint = .mounted(MountEntry(source: "/dev/nvme3n1", target: "/var/lib/docker", fstype: "btrfs", options: "rw", device: 3),
                                        ofImage: false, ofDevice: false)
            case .image:
                o.mountpoint = .mounted(MountEntry(source: "/dev/loop0", target: "/var/lib/docker", fstype: "btrfs", options: "rw", device: 1),
                                        ofImage: true, ofDevice: false)
                o.imageMountedAt = ["/var/lib/docker"]
                o.imageLoops = ["/dev/loop0"]
            }
            o.device = d
            return o
        }
    }

    /// The rules a careful admin states; every reason that applies is a right refusal.
    static func expected(_ c: Cell) -> Expected {
        switch c.mountpoint {
        case .image: return .refusal(["dockstore migrate-ebs"])
        case .storeElsewhere: return .refusal(["already has /dev/nvme3n1 (btrfs) mounted on it"])
        case .empty, .thisDevice: break
        }
        let mounted = c.mountpoint == .thisDevice
        var reasons: [String] = []
        if !mounted && c.imageFile { reasons.append("dockstore migrate-ebs") }
        // What --force never lifts.
        switch c.use {
        case .free, .readOnly: break
        case .mountedElsewhere: reasons.append("is mounted at /srv")
        case .btrfsMember: reasons.append("member of the btrfs f mounted at /srv/other")
        case .swap: reasons.append("in use as swap")
        case .held: reasons.append("in use by dm-0")
        case .rootDisk: reasons.append("the root filesystem lives on")
        case .partition: reasons.append("is a partition of nvme0n1")
        }
        if !mounted {
            // Following a migration, the device must hold the store: never a format.
            if c.follows && c.content != .thisStore { reasons.append("never formats a device while it follows a migration") }
            if c.use == .readOnly { reasons.append("read-only") }
            switch c.content {
            case .blank, .thisStore: break
            case .ambivalent, .unreadable: reasons.append("formats only a device it can read")
            case .otherBtrfs, .ext4, .gpt, .unrecognized: if !c.force { reasons.append("never formats a device that holds data") }
            case .canceledTarget: break   // dockstore's own leftover: every other rule still applies
            }
        }
        // fstab records a store: only that store goes there, never a new one in its place.
        if c.fstab == .recordedStore && c.content != .thisStore { reasons.append("mounts UUID=u at /var/lib/docker, the store dockstore set up on a volume") }
        if c.fstab == .image && !c.follows { reasons.append("already mounts /var/lib/docker-storage.btrfs") }
        if !reasons.isEmpty { return .refusal(reasons) }
        var steps: [String] = []
        if !mounted && c.content != .thisStore { steps.append("format-device") }
        if !mounted { steps.append("mount") }
        if c.fstab != .recordedStore { steps.append("fstab") }
        return .steps(steps + ["drop-in", "sysconfig"])
    }

    @Test(arguments: Cell.Content.allCases)
    func plansEveryCell(_ content: Cell.Content) {
        for cell in Cell.all where cell.content == content {
            let o = cell.observation()
            let answer = PlannerAnswer(id: \ProvisionStep.id) { try ProvisionPlanner.plan(o, cell.request, Self.host).steps }
            let (steps, expected) = (answer.steps, Self.expected(cell))
            #expect(answer.matches(expected), "\(cell.testDescription): expected \(expected), got \(answer.shown)")
            for step in steps {
                guard case .formatDevice(_, _, let wipe, _) = step else { continue }
                let holdsData = cell.content != .blank
                if cell.follows || cell.use != .free || cell.fstab == .recordedStore || cell.mountpoint != .empty
                    || (holdsData && !cell.force && cell.content != .canceledTarget) || cell.content == .ambivalent || cell.content == .unreadable || cell.content == .thisStore {
                    Issue.record("\(cell.testDescription): formats it")
                }
                if wipe != holdsData { Issue.record("\(cell.testDescription): wipe \(wipe), but it holds \(cell.content.rawValue)") }
            }
        }
    }

    @Test func cellCount() {
        // Named: 9 contents × 8 uses × 3 mountpoints × 2 images × 3 fstab × 2 force, plus the store mounted
        // here under 3 uses × 2 images × 3 fstab × 2 force; followed: the same without the image file.
        #expect(Cell.all.count == 9 * 8 * 3 * 2 * 3 * 2 + 3 * 2 * 3 * 2 + 9 * 8 * 3 * 3 * 2 + 3 * 3 * 2)
    }
}
