import Testing
@testable import DockStoreCore

/// teardown's planner as a generated cross product: store kind × mounted × fstab line ×
/// migration journal × what /dev/nvme1n1 holds × request, each cell against the rules a
/// careful admin states (`expected`) and the invariants (never wipe or unmount what is not
/// provably dockstore's store).
@Suite struct TeardownPlannerTableTests {
    static let host: Host = { (try? Host(root: "/")) ?? { fatalError("no /") }() }()

    struct Cell: Sendable, CustomTestStringConvertible {
        enum Kind: String, Sendable, CaseIterable { case image, device, nothing }
        enum Fstab: String, Sendable, CaseIterable { case image, uuid, none }
        /// What /dev/nvme1n1 holds: the store's btrfs (UUID u, label docker), an ext4 labelled
        /// appdata that dockstore never set up, or nothing a probe recognises.
        enum Content: String, Sendable, CaseIterable { case thisStore = "this store", otherFilesystem = "ext4 appdata", blank }
        enum Request: String, Sendable, CaseIterable { case plain, deleteImage = "--delete-image", wipeDevice = "--wipe-device" }

        var kind: Kind
        var mounted: Bool
        var fstab: Fstab
        var journal: Bool
        var content: Content
        var request: Request

        var testDescription: String {
            "\(kind.rawValue) store, \(mounted ? "mounted" : "not mounted"), fstab \(fstab.rawValue), journal \(journal ? "open" : "none"), /dev/nvme1n1 holds \(content.rawValue), \(request.rawValue)"
        }

        static let all: [Cell] = Kind.allCases.flatMap { kind in
            (kind == .nothing ? [false] : [true, false]).flatMap { mounted in
                Fstab.allCases.flatMap { fstab in
                    [true, false].flatMap { journal in
                        Content.allCases.flatMap { content in
                            Request.allCases.map { Cell(kind: kind, mounted: mounted, fstab: fstab, journal: journal, content: content, request: $0) }
                        }
                    }
                }
            }
        }

        var request_: TeardownRequest {
            TeardownRequest(deleteImage: request == .deleteImage, wipeDevice: request == .wipeDevice)
        }

        /// What `Teardowner.observe` reads in this cell.
        func observation() -> TeardownObservation {
            let line = [Fstab.image: MigrationCell.imageLine, .uuid: MigrationCell.uuidLine, .none: ""][fstab, default: ""]
            var o = TeardownObservation.fixture(fstab: MigrationCell.rootLine + line, dropIn: .dockstore, sysconfig: SysconfigFile.changedMarkPrefix + "DOCKER_OPTS=\"\"\nDOCKER_OPTS=\"--storage-driver=btrfs\"\n")
            o.bootDisabled = false
            o.journalUUID = journal ? "u" : nil
            o.migrationOpen = journal
            let probe: (uuid: String?, label: String?) = [Content.thisStore: ("u", "docker"), .otherFilesystem: ("x", "appdata"),
                                                          .blank: (nil, nil)][content] ?? (nil, nil)
            switch kind {
            case .image:
                o.imageExists = true
                o.imageFile = FileIdentity(device: 64, inode: 1234)
                o.imageContent = .signature(type: "btrfs", uuid: "u", label: "docker")
                if mounted {
                    o.mounted = MountEntry(source: "/dev/loop0", target: "/var/lib/docker", fstype: "btrfs", options: "rw", device: 1)
                    o.imageLoops = ["/dev/loop0"]
                    (o.storeUUID, o.deviceLabel) = ("u", "docker")
                }
            case .device:
                if mounted {
                    o.mounted = MountEntry(source: "/dev/nvme1n1", target: "/var/lib/docker", fstype: content == .otherFilesystem ? "ext4" : "btrfs",
                                           options: "rw", device: 2)
                    o.device = "/dev/nvme1n1"
                    (o.storeUUID, o.deviceLabel) = probe
                }
            case .nothing:
                break
            }
            // Unmounted: the device the fstab UUID= line names, when it holds a btrfs labelled docker.
            if o.storeUUID == nil, fstab == .uuid, content == .thisStore {
                (o.storeUUID, o.deviceLabel) = ("u", "docker")
                o.device = o.device ?? "/dev/nvme1n1"
            }
            return o
        }
    }

    /// The rules: teardown takes down what dockstore set up, and refuses what it cannot prove.
    static func expected(_ c: Cell) -> Expected {
        let deviceMounted = c.kind == .device && c.mounted
        // A device at the mountpoint is dockstore's only with the store's label and UUID, named
        // by dockstore's fstab line or migration journal.
        if deviceMounted {
            switch c.content {
            case .otherFilesystem: return .refusal(["its label is 'appdata', not 'docker'"])
            case .blank: return .refusal(["its filesystem UUID cannot be read"])
            case .thisStore where c.fstab != .uuid && !c.journal: return .refusal(["neither an fstab line"])
            case .thisStore: break
            }
        }
        // A migration under way with the store mounted — from the image (it may span the image
        // and the device) or from the device (a move killed after the replace, fstab still naming
        // the image): like a reclaim's lent room, it is finished or undone before teardown.
        if c.kind != .nothing && c.mounted && c.journal { return .refusal(["migration is under way"]) }
        // The store's device: the one mounted, or the one the UUID= line names, holding the store.
        let storeDevice = deviceMounted || (!(c.kind == .image && c.mounted) && c.fstab == .uuid && c.content == .thisStore)
        // No device found: the image's store (there, or named by fstab), or a UUID= line teardown
        // cannot take as its own, refuses; with neither, nothing is left to wipe (a teardown
        // --wipe-device already wiped it), as for any teardown re-run.
        if c.request == .wipeDevice && !storeDevice && (c.kind == .image || c.fstab != .none) { return .refusal(["the store has no device"]) }
        // The boot switch after the unmount and the detach: the unmount's re-check can still
        // refuse with nothing changed.
        var steps: [String] = []
        if c.mounted { steps.append("unmount") }
        if c.kind == .image && c.mounted { steps.append("detach-loop") }
        steps.append("disable-boot")
        // The wipe before the fstab write, which forgets which device the store is.
        if c.request == .wipeDevice && storeDevice { steps.append("wipe-device") }
        // Only dockstore's lines go: the image's, or UUID=u when the store's UUID is known.
        let storeUUIDKnown = (c.kind == .image && c.mounted) || c.content == .thisStore && (deviceMounted || c.fstab == .uuid)
        if c.fstab == .image || (c.fstab == .uuid && storeUUIDKnown) { steps.append("fstab") }
        // docker.service's guard goes after DOCKER_OPTS stops selecting btrfs (attack 33 T 7c).
        steps.append("sysconfig")
        steps.append("drop-in")
        // Attack 30 2-del: with nothing mounted and fstab's UUID= line naming the store, the
        // store is on the volume and the file at the image's name (a copy here) is kept.
        if c.request == .deleteImage && c.kind == .image {
            if !c.mounted && (c.fstab == .uuid || storeDevice) { return .refusal(["the store teardown takes down is on the volume"]) }
            steps.append("delete-image")
        }
        return .steps(steps)
    }

    @Test(arguments: Cell.Kind.allCases)
    func plansEveryCell(_ kind: Cell.Kind) {
        for cell in Cell.all where cell.kind == kind {
            let o = cell.observation()
            let answer = PlannerAnswer(id: \TeardownStep.id) { try TeardownPlanner.plan(o, cell.request_, Self.host) }
            let (steps, expected) = (answer.steps, Self.expected(cell))
            #expect(answer.matches(expected), "\(cell.testDescription): expected \(expected), got \(answer.shown)")
            for step in steps {
                if case .wipeDevice(let path, let uuid) = step, !(cell.content == .thisStore && uuid == "u" && path == "/dev/nvme1n1") {
                    Issue.record("\(cell.testDescription): wipes \(path) (\(uuid)), which is not provably the store")
                }
                if case .writeFstab(let bytes, _, _) = step, !String(decoding: bytes, as: UTF8.self).hasPrefix(MigrationCell.rootLine) {
                    Issue.record("\(cell.testDescription): fstab loses a line that is not dockstore's")
                }
            }
            if steps.contains(where: { $0.id == "unmount" }), cell.kind == .device, cell.content != .thisStore {
                Issue.record("\(cell.testDescription): unmounts a filesystem that is not the store")
            }
        }
    }

    @Test func cellCount() {
        #expect(Cell.all.count == (2 + 2 + 1) * 3 * 2 * 3 * 3)
    }
}
