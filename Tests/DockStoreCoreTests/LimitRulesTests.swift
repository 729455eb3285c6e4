import Testing
@testable import DockStoreCore

/// Attack 12, A1, A9/B12, B14: the limits below btrfs's free estimate, judged from recorded
/// figures (`LimitRules`), and what they do to the effective free space and grow's plan.
@Suite struct LimitRulesTests {
    static func shrunk(_ deviceBytes: UInt64?) -> CapacityFigures {
        var reading = CapacityTests.fresh
        reading.devices[0].deviceBytes = deviceBytes
        return CapacityFigures(btrfs: reading, mountpoint: "/var/lib/docker", host: nil)
    }

    @Test func aDeviceSmallerThanTheFilesystemIsCriticalAndCapsTheEffectiveFree() throws {
        let policy = try CapacityPolicy()
        var f = Self.shrunk(600 << 20)
        #expect(f.deviceShortfall == 424 << 20)
        #expect(f.effectiveFree == f.dataFree - (424 << 20))
        #expect(f.effectiveLimit.by == "device")
        let device = CapacityReport(figures: f, policy: policy, timestamp: 0)
        #expect(device.state == .critical)
        #expect(device.reasons.first?.figure == "device_smaller_than_filesystem")
        #expect(device.reasons.first?.message == "the btrfs at /var/lib/docker claims 1 GiB on /dev/loop0 (devid 1), but the device holds only 600 MiB: writes past its end fail and are lost, and the next mount fails (device total_bytes should be at most 629145600); grow the device back to at least 1024M (1073741824 bytes) before anything is written (the partition, volume or the file under the loop device), and do not unmount until it is")
        f.condition.image = .init(path: "/var/lib/docker-storage.btrfs", loop: "/dev/loop0", link: .present)
        let image = CapacityReport(figures: f, policy: policy, timestamp: 0)
        #expect(image.reasons.first?.message.hasSuffix("grow the image back to the filesystem's size before anything is written: dockstore grow --to 1024M --mountpoint /var/lib/docker (extends /var/lib/docker-storage.btrfs and its loop device)") == true, "\(image.reasons)")
        #expect(image.nagios(policy: policy).contains("'effective_free'=\(f.effectiveFree)B;;;0;"))
        // A device that fits, or one whose size was not read, is no finding.
        for fits in [Self.shrunk(1 << 30), Self.shrunk(2 << 30), Self.shrunk(nil)] {
            #expect(CapacityReport(figures: fits, policy: policy, timestamp: 0).state == .ok)
            #expect(fits.effectiveFree == fits.dataFree)
        }
    }

    static func quota(_ groups: [QuotaReading.Group], inconsistent: Bool = false) -> CapacityFigures {
        var f = CapacityFigures(btrfs: CapacityTests.fresh, mountpoint: "/var/lib/docker", host: nil)
        f.quota = QuotaReading(mode: "qgroup", inconsistent: inconsistent, groups: groups)
        return f
    }

    /// (referenced, limit, state) with the data thresholds taken of the limit (20% / 10%).
    static let qgroupCases: [(UInt64, UInt64, CheckState)] = [
        (1 << 20, 20 << 20, .ok),
        (17 << 20, 20 << 20, .warning),
        (19 << 20, 20 << 20, .critical),
        (21 << 20, 20 << 20, .critical),
    ]

    @Test(arguments: Self.qgroupCases)
    func qgroupLimitByTheDataThresholds(_ referenced: UInt64, _ limit: UInt64, _ state: CheckState) throws {
        let f = Self.quota([.init(qgroup: "0/5", referenced: referenced, exclusive: referenced, maxReferenced: limit)])
        let report = CapacityReport(figures: f, policy: try CapacityPolicy(), timestamp: 0)
        #expect(report.state == state)
        #expect(f.effectiveFree == (limit > referenced ? limit - referenced : 0))
        if state != .ok {
            #expect(report.reasons.first?.figure == "qgroup_limit")
            #expect(report.reasons.first?.message.hasPrefix("qgroup 0/5 limits referenced bytes to 20 MiB and ") == true, "\(report.reasons)")
        }
    }

    @Test func theTightestQgroupOfTheChainCounts() throws {
        let f = Self.quota([.init(qgroup: "0/5", referenced: 10 << 20, exclusive: 10 << 20, maxReferenced: 1 << 30),
                            .init(qgroup: "1/100", referenced: 10 << 20, exclusive: 10 << 20, maxExclusive: 10 << 20),
                            .init(qgroup: "2/7", referenced: 10 << 20, exclusive: 10 << 20)])
        #expect(f.quota?.tightest?.group.qgroup == "1/100")
        #expect(f.quota?.tightest?.figure == "exclusive")
        #expect(f.effectiveLimit.free == 0 && f.effectiveLimit.by == "qgroup")
        let report = CapacityReport(figures: f, policy: try CapacityPolicy(), timestamp: 0)
        #expect(report.reasons.first?.message == "qgroup 1/100 limits exclusive bytes to 10 MiB and 0 B is left (0.0% of the limit), below 10% (1 MiB), while btrfs has 905.6 MiB free: every write into /var/lib/docker fails with EDQUOT (Disk quota exceeded); raise the limit (btrfs qgroup limit SIZE 1/100 /var/lib/docker), remove it (btrfs qgroup limit none 1/100 /var/lib/docker) or remove unused images (docker image prune -a)")
        // Quotas on without a limit: nothing to say, the effective free is btrfs's.
        let none = Self.quota([.init(qgroup: "0/5", referenced: 10 << 20, exclusive: 10 << 20)])
        #expect(CapacityReport(figures: none, policy: try CapacityPolicy(), timestamp: 0).state == .ok)
        #expect(none.effectiveFree == none.dataFree)
        let rescan = CapacityReport(figures: Self.quota(none.quota?.groups ?? [], inconsistent: true), policy: try CapacityPolicy(), timestamp: 0)
        #expect(rescan.state == .warning && rescan.reasons.first?.figure == "qgroup_inconsistent")
    }

    /// (total, free, state): WARNING below 20%, CRITICAL below 10%.
    static let inodeCases: [(UInt64, UInt64, CheckState)] = [
        (1000, 500, .ok), (1000, 200, .ok), (1000, 199, .warning), (1000, 100, .warning), (1000, 99, .critical), (1000, 0, .critical),
    ]

    @Test(arguments: Self.inodeCases)
    func inodesByTwentyAndTenPercent(_ total: UInt64, _ free: UInt64, _ state: CheckState) throws {
        let policy = try CapacityPolicy()
        var f = CapacityFigures(filesystem: "ext4", mountpoint: "/m", total: 1 << 30, available: 700 << 20, used: 324 << 20)
        f.inodes = InodeFigures(total: total, free: free)
        let report = CapacityReport(figures: f, policy: policy, timestamp: 0)
        #expect(report.state == state)
        #expect(report.nagios(policy: policy).hasSuffix("'inodes_free'=\(free);200:;100:;0;1000"))
        if free == 0 {
            #expect(report.reasons.first?.message == "ext4 at /m has 0 of 1000 inodes free (0.0%), below 10% (100), while 700 MiB of data is free: every file create fails with ENOSPC although df shows space; remove unused images and containers (docker image prune -a; docker container prune) or move the store to a filesystem made with more inodes (mkfs.ext4 -i, or btrfs, which has no fixed count)")
        }
    }

    @Test func noInodeCountIsNoFinding() throws {
        var f = CapacityFigures(filesystem: "xfs", mountpoint: "/m", total: 1 << 30, available: 700 << 20, used: 324 << 20)
        f.inodes = InodeFigures(total: 0, free: 0)
        #expect(CapacityReport(figures: f, policy: try CapacityPolicy(), timestamp: 0).state == .ok)
    }

    @Test func growSaysTheFilesystemsSizeOfAShrunkImage() throws {
        let image = HostBacking(image: "/i", apparentBytes: 600 << 20, allocatedBytes: 3 << 20, hostAvailableBytes: 10 << 30)
        let shrunk = GrowObservation(mountpoint: "/m", fstype: "btrfs", uuid: "u",
                                     devices: [.init(devid: 1, path: "/dev/loop0", btrfsSize: 1 << 30, blockSize: 600 << 20, image: image)])
        #expect(throws: DockStoreError.usage("the store is the image /i (600 MiB), but its btrfs claims 1 GiB on /dev/loop0: the image shrank under the filesystem; grow it back with --to 1024M (or more)")) {
            try GrowPlanner.plan(shrunk, to: nil, allowOvercommit: false)
        }
        #expect(throws: DockStoreError.refused("refusing: the btrfs on /dev/loop0 claims 1 GiB, more than --to 800 MiB; the image shrank under the filesystem and must hold at least that again: --to 1024M (or more)")) {
            try GrowPlanner.plan(shrunk, to: 800 << 20, allowOvercommit: false)
        }
        #expect(try GrowPlanner.plan(shrunk, to: 1 << 30, allowOvercommit: false).steps.map(\.id) == ["extend-image", "loop-capacity"])
        let device = GrowObservation(mountpoint: "/m", fstype: "btrfs", uuid: "u",
                                     devices: [.init(devid: 1, path: "/dev/nvme1n1", btrfsSize: 100 << 30, blockSize: 50 << 30, image: nil)])
        #expect(throws: DockStoreError.self) { try GrowPlanner.plan(device, to: nil, allowOvercommit: false) }
    }
}
