import Testing
@testable import DockStoreCore

/// check's and reclaim's remedies, for every kind of store × finding: each names only a
/// command that works on that store (grow where it can grow, migrate-ebs only from an image)
/// and addresses it by the paths inside the --root check was given.
@Suite struct RemedyTests {
    enum Store: String, CaseIterable, CustomTestStringConvertible {
        case image, imageUnderRoot, imageOutsideRoot, ebs, xenDisk, fixedDevice, migrating, roomLent, roomLentSeenByReclaim,
             roomLentBesideAnImage, twoMembersUnexplained, xfs
        var testDescription: String { rawValue }
    }

    static func figures(_ store: Store) -> CapacityFigures {
        var f = CapacityTests.figures()
        let image = HostBacking(image: "/var/lib/docker-storage.btrfs", apparentBytes: 100 << 30, allocatedBytes: 50 << 30, hostAvailableBytes: 40 << 30)
        let nvme = BtrfsReading.Device(devid: 1, path: "/dev/nvme1n1", size: 100 << 30, errors: [:])
        switch store {
        case .image:
            f.host = image
        case .imageUnderRoot:
            f.mountpoint = "/tmp/r/var/lib/docker"
            f.host = HostBacking(image: "/tmp/r/var/lib/docker-storage.btrfs", apparentBytes: 100 << 30, allocatedBytes: 50 << 30, hostAvailableBytes: 40 << 30)
            f.remedyContext = RemedyContext(root: "/tmp/r")
        case .imageOutsideRoot:
            // check --root /tmp/r on a store whose image is the running system's (a wrong --root)
            f.mountpoint = "/tmp/r/var/lib/docker"
            f.host = image
            f.remedyContext = RemedyContext(root: "/tmp/r")
        case .ebs:
            f.devices = [nvme]
            f.remedyContext = RemedyContext(ebsMembers: [1])
        case .xenDisk:
            f.devices = [.init(devid: 1, path: "/dev/xvdf", size: 100 << 30, errors: [:])]
            f.remedyContext = RemedyContext(xenMembers: [1])
        case .fixedDevice:
            f.devices = [nvme]
        case .migrating:
            f.devices = [.init(devid: 1, path: "/dev/loop0", size: 50 << 30, errors: [:]), .init(devid: 2, path: "/dev/nvme1n1", size: 50 << 30, errors: [:])]
            f.remedyContext = RemedyContext(migrating: true)
        case .twoMembersUnexplained:
            // Neither journal explains the second member: no migration to finish, no room to give back.
            f.devices = [.init(devid: 1, path: "/dev/loop0", size: 50 << 30, errors: [:]), .init(devid: 2, path: "/dev/nvme1n1", size: 50 << 30, errors: [:])]
        case .roomLentSeenByReclaim:
            // reclaim's own plan: the journal is read into the remedy context, not check's records.
            f.devices = [nvme, .init(devid: 2, path: "/dev/loop3", size: 256 << 20, errors: [:])]
            f.remedyContext = RemedyContext(reclaimMembers: [2])
        case .roomLentBesideAnImage:
            f.devices = [.init(devid: 1, path: "/dev/loop0", size: 100 << 30, errors: [:]), .init(devid: 2, path: "/dev/loop3", size: 256 << 20, errors: [:])]
            f.host = image
            f.remedyContext = RemedyContext(reclaimMembers: [2])
        case .roomLent:
            f.devices = [nvme, .init(devid: 2, path: "/dev/loop3", size: 256 << 20, errors: [:])]
            f.uuid = "u"
            var room = TemporaryRoom.device(file: "/var/lib/dockstore/reclaim-room.img", bytes: 256 << 20)
            room.devid = 2
            f.maintenance = MaintenanceRecord(reclaimUnderWay: ReclaimJournal(filesystemUUID: "u", started: 1000, room: room), readAt: 1100)
        case .xfs:
            f = CapacityFigures(filesystem: "xfs", mountpoint: "/var/lib/docker", total: 100 << 30, available: 5 << 30, used: 95 << 30)
        }
        return f
    }

    /// What each kind's remedies must say and must not.
    static func expected(_ store: Store) -> (must: [String], mustNot: [String]) {
        switch store {
        case .image:
            return (["dockstore grow --to SIZE --mountpoint /var/lib/docker", "dockstore reclaim --mountpoint /var/lib/docker --image /var/lib/docker-storage.btrfs"],
                    ["EBS volume (aws", "--root"])
        case .imageUnderRoot:
            return (["dockstore grow --to SIZE --root /tmp/r --mountpoint /var/lib/docker", "dockstore reclaim --root /tmp/r --mountpoint /var/lib/docker --image /var/lib/docker-storage.btrfs"],
                    ["--mountpoint /tmp/r", "--image /tmp/r"])
        case .imageOutsideRoot:
            return (["dockstore reclaim --root /tmp/r --mountpoint /var/lib/docker"], ["--image", "--mountpoint /tmp/r"])
        case .ebs:
            return (["enlarge the EBS volume (aws ec2 modify-volume), then dockstore grow --mountpoint /var/lib/docker", "dockstore reclaim --mountpoint /var/lib/docker"],
                    ["--to SIZE", "migrate-ebs", "--image"])
        case .xenDisk:
            // EBS or instance store: sysfs cannot tell, so the remedy is conditional and says so.
            return (["if it is an EBS volume, enlarge it with Elastic Volumes (aws ec2 modify-volume), then dockstore grow --mountpoint /var/lib/docker (an instance-store disk cannot be enlarged)",
                     "dockstore reclaim --mountpoint /var/lib/docker"],
                    ["--to SIZE", "migrate-ebs", "--image", "enlarge the EBS volume", "not an EBS volume"])
        case .fixedDevice:
            return (["dockstore reclaim --mountpoint /var/lib/docker"], ["dockstore grow", "migrate-ebs", "--image"])
        case .migrating:
            return (["finish the migration (dockstore migrate-ebs"], ["dockstore grow"])
        case .roomLent, .roomLentSeenByReclaim:
            return (["to give the lent room back (an interrupted reclaim's temporary member, which grow refuses)", "dockstore reclaim --mountpoint /var/lib/docker"],
                    ["dockstore grow", "migrate-ebs", "migration"])
        case .roomLentBesideAnImage:
            return (["to give the lent room back (an interrupted reclaim's temporary member, which grow refuses), then grow the image (dockstore grow --to SIZE --mountpoint /var/lib/docker",
                     "dockstore reclaim --mountpoint /var/lib/docker"],
                    ["migrate-ebs", "migration", "--image"])
        case .twoMembersUnexplained:
            return (["dockstore reclaim --mountpoint /var/lib/docker"], ["dockstore grow", "migrate-ebs", "migration", "give the lent room back"])
        case .xfs:
            return (["xfs_growfs /var/lib/docker"], ["dockstore grow", "dockstore reclaim", "migrate-ebs"])
        }
    }

    enum Finding: String, CaseIterable, CustomTestStringConvertible {
        case metadataExhausted, chunksFull, dataLow, reclaimFailed
        var testDescription: String { rawValue }
    }

    static func apply(_ finding: Finding, _ f: inout CapacityFigures) {
        switch finding {
        case .metadataExhausted:
            f.metadataUsed = 1000 << 20
            f.unallocated = 0
            f.dataSize = 8 << 30
            f.dataUsed = 4 << 30
        case .chunksFull:
            f.metadataUsed = 1000 << 20
            f.unallocated = 0
            f.dataSize = 8 << 30
            f.dataUsed = (8 << 30) - (10 << 20)
        case .dataLow:
            f.dataFree = 1 << 30
            f.dataUsed = 99 << 30
        case .reclaimFailed:
            var m = f.maintenance ?? MaintenanceRecord()
            m.lastReclaim = LastReclaimRecord(finished: 1, outcome: .failed, chunksRelocated: 0, unallocatedBefore: 0, unallocatedAfter: 0)
            f.maintenance = m
        }
    }

    @Test(arguments: Store.allCases, Finding.allCases)
    func eachRemedyFitsTheStore(_ store: Store, _ finding: Finding) throws {
        var f = Self.figures(store)
        if store == .xfs, finding != .dataLow { return }   // xfs has no chunks and no reclaim
        Self.apply(finding, &f)
        let report = CapacityReport(figures: f, policy: try CapacityPolicy(), timestamp: 0)
        let figure = ["metadataExhausted": "metadata_free", "chunksFull": "metadata_free", "dataLow": "data_free", "reclaimFailed": "reclaim_failed"][finding.rawValue]
        let reason = try #require(report.reasons.first { $0.figure == figure }, "\(report.reasons)")
        let (must, mustNot) = Self.expected(store)
        for text in must where Self.concerns(text, finding) {
            #expect(reason.message.contains(text), "\(store) \(finding): \(reason.message)")
        }
        for text in mustNot { #expect(!reason.message.contains(text), "\(store) \(finding): \(reason.message)") }
    }

    /// Grow is named where more room is the remedy; reclaim where a balance is.
    static func concerns(_ text: String, _ finding: Finding) -> Bool {
        let isReclaim = text.contains("dockstore reclaim")
        switch finding {
        case .metadataExhausted, .chunksFull: return true
        case .dataLow: return !isReclaim
        case .reclaimFailed: return isReclaim
        }
    }

    @Test func reclaimsOwnRemediesFitTheStoreToo() {
        #expect(Remedy.afterReclaim(Self.figures(.fixedDevice)) == "delete data (docker image prune -a; docker builder prune)")
        #expect(Remedy.afterReclaim(Self.figures(.ebs)).contains("then dockstore grow --mountpoint /var/lib/docker"))
        #expect(Remedy.afterReclaim(Self.figures(.image)).contains("dockstore grow --to SIZE --mountpoint /var/lib/docker"))
        let result = ReclaimResult(outcome: .budgetSpent, before: Self.figures(.imageUnderRoot))
        #expect(result.rerun == "dockstore reclaim --root /tmp/r --mountpoint /var/lib/docker --image /var/lib/docker-storage.btrfs")
    }

    /// A paused balance is an interrupted reclaim's when its journal lent room: reclaim, not a
    /// bare resume or cancel, finishes it and gives the room back.
    @Test(arguments: [("balance paused", true, "cancels it, finishes and gives back the room it lent"),
                      ("balance paused", false, "resume it (btrfs balance resume /var/lib/docker)"),
                      ("balance", true, "if it was interrupted dockstore reclaim --mountpoint /var/lib/docker cancels the balance"),
                      ("device add", false, "dockstore grow and migrate-ebs cannot start before it ends")])
    func aBalanceUnderAReclaimIsLeftToReclaim(_ operation: String, _ lent: Bool, _ text: String) throws {
        var f = Self.figures(lent ? .roomLent : .fixedDevice)
        f.condition.exclusiveOperation = operation
        let reason = try #require(CapacityReport(figures: f, policy: try CapacityPolicy(), timestamp: 0).reasons.first { $0.figure == "exclusive_operation" })
        #expect(reason.message.contains(text), "\(reason.message)")
    }
}
