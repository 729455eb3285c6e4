import Testing
@testable import DockStoreCore

/// The planner on a damaged copy (outside attack 12, A4) and on a loop-device target whose
/// file's filesystem cannot hold the move: refusals, as tables without root.
@Suite struct MigrationDamagePlannerTests {
    typealias T = MigrationPlannerTests
    static let damaged: MovedStoreDamage? = MovedStoreDamage.judge(
        [BtrfsReading.Device(devid: 1, path: "/dev/nvme1n1", size: 200 << 30, used: 2 << 30, errors: ["write_errs": 0, "corruption_errs": 66])],
        uuid: "u", forcedReadOnly: true)
    static let backing = HostBacking(image: "/tmp/tfs/vol", apparentBytes: 3 << 30, allocatedBytes: 0, hostAvailableBytes: 400 << 20)

    @Test func judgesZeroCountersSoundAndAnythingElseDamaged() throws {
        let sound = BtrfsReading.Device(devid: 1, path: "/dev/nvme1n1", size: 1, errors: ["write_errs": 0, "read_errs": 0])
        #expect(MovedStoreDamage.judge([sound], uuid: "u", forcedReadOnly: false) == nil)
        let none = BtrfsReading.Device(devid: 1, path: "/dev/nvme1n1", size: 1)
        let old = try #require(MovedStoreDamage.judge([none], uuid: "u", forcedReadOnly: false), "no counters cannot tell")
        #expect(old.verdict(mountpoint: "/m", image: "/i", imageIsMember: false).hasPrefix("cannot tell whether the copy of the store on /dev/nvme1n1 is sound (the kernel reports no error counters for devid 1 (/dev/nvme1n1)"))
        let verdict = try #require(Self.damaged).verdict(mountpoint: "/m", image: "/i", imageIsMember: true)
        #expect(verdict.hasPrefix("the copy of the store on /dev/nvme1n1 is damaged (btrfs forced it read-only; devid 1 (/dev/nvme1n1): corruption_errs=66): the move stops and keeps the image /i"))
    }

    static let refusals: [(String, MigrationObservation, String)] = [
        ("the replace finished onto a damaged copy (a re-run)", T.o {
            $0.members = [MigrationReplacePlannerTests.replaced]; $0.loopMember = nil; $0.targetDevid = 1; $0.target = nil
            $0.journal = MigrationReplacePlannerTests.replaceJournal; $0.damage = damaged
        }, "refusing: the copy of the store on /dev/nvme1n1 is damaged"),
        ("add + remove half way, the added device counts errors", T.o {
            $0.members = [T.loop, T.a]; $0.targetDevid = 2; $0.target = nil; $0.journal = T.journal; $0.damage = damaged
        }, "refusing: the copy of the store on /dev/nvme1n1 is damaged"),
        ("a loop target over a file on a filesystem with too little free", T.o { $0.targetBacking = backing },
         "refusing: /dev/nvme1n1 is a loop device over /tmp/tfs/vol, whose filesystem (/tmp/tfs) has 400 MiB free, but the move writes"),
        ("a loop target whose file cannot be looked at", T.o { $0.targetBackingUnreadable = "cannot read it" },
         "refusing: /dev/nvme1n1 is a loop device, and whether the filesystem under its file has room for the move cannot be told (cannot read it)"),
    ]

    @Test(arguments: Self.refusals)
    func refuses(_ name: String, _ observed: MigrationObservation, _ message: String) {
        #expect(throws: DockStoreError.self, "\(name)") {
            try MigrationPlanner.plan(observed, keepImage: false, imageHostPath: T.image, mountpoint: T.mountpoint, host: T.host)
        }
        do {
            _ = try MigrationPlanner.plan(observed, keepImage: false, imageHostPath: T.image, mountpoint: T.mountpoint, host: T.host)
        } catch let error as DockStoreError {
            #expect(error.kind == .refused && error.message.hasPrefix(message), "\(name): \(error.message)")
        } catch {
            Issue.record("\(name): \(error)")
        }
    }

    @Test func aThickLoopTargetFileNeedsNoRoom() throws {
        var thick = Self.backing
        thick.allocatedBytes = 3 << 30
        let steps = try MigrationPlanner.plan(T.o { $0.targetBacking = thick }, keepImage: false, imageHostPath: T.image,
                                              mountpoint: T.mountpoint, host: T.host)
        #expect(steps.map(\.id).contains("replace"))
    }
}
