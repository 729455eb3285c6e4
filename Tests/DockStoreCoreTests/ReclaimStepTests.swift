@testable import DockStoreCore
import Testing

/// The steps a reclaim plan becomes (what `--dry-run` lists and the run applies), and the
/// failpoints derived from their kinds.
@Suite struct ReclaimStepTests {
    typealias P = ReclaimPlannerTests

    static func ids(_ plan: ReclaimPlan) -> [String] { ReclaimStep.steps(plan).map(\.id) }

    @Test func anExhaustedImageStoreLendsFirstThenBalancesAndGivesBack() throws {
        let plan = try P.plan(P.observed(P.exhausted()))
        #expect(Self.ids(plan) == ["reclaim-begin", "room-journal", "room-extend", "room-loop", "room-resize", "balance",
                                   "room-shrink", "room-truncate", "reclaim-finish", "record"])
        #expect(ReclaimStep.steps(plan).filter { $0.kind == .roomExtend }.allSatisfy { !$0.whenNeeded })
    }

    @Test func aDeviceStoreAddsATemporaryMember() throws {
        let plan = try P.plan(P.observed(P.exhausted(), .device(roomFolderFree: 200 << 30, roomFolderOnStore: false)))
        #expect(Self.ids(plan) == ["reclaim-begin", "room-journal", "room-file", "room-add", "room-record", "balance",
                                   "room-remove", "room-delete", "reclaim-finish", "record"])
        let file = try #require(ReclaimStep.steps(plan).first { $0.kind == .roomFile })
        #expect(file.description.contains(P.roomFile))
    }

    @Test func roomLentOnlyWhenARoundRunsOutOfSpaceIsSaidSo() throws {
        var f = P.exhausted(unallocated: (3 << 30) + (512 << 20))
        f.metadataUsed = 1100 << 20
        let plan = try P.plan(P.observed(f))
        let lending = ReclaimStep.steps(plan).filter { ReclaimStep.Kind.lending(.image).contains($0.kind) }
        #expect(lending.count == 4 && lending.allSatisfy(\.whenNeeded))
        #expect(lending.allSatisfy { $0.description.hasPrefix("if a round runs out of space: ") })
    }

    @Test func nothingToDoIsOnlyRecorded() throws {
        #expect(Self.ids(try P.plan(P.observed(P.healthy()))) == ["record"])
    }

    @Test func noRoomMeansNoRoomSteps() throws {
        let plan = try P.plan(P.observed(P.exhausted(), .several(2)))
        #expect(Self.ids(plan) == ["reclaim-begin", "balance", "reclaim-finish", "record"])
    }

    @Test func failpointsAreDerivedFromTheKindsInOrder() {
        #expect(ReclaimStep.failpoints == ["reclaim-begin", "room-journal", "room-extend", "room-loop", "room-resize", "room-file",
                                           "room-add", "room-record", "balance-running", "balance-round", "balance", "room-shrink",
                                           "room-truncate", "room-remove", "room-delete", "reclaim-finish", "record"])
        #expect(StepCatalog.failpoints("reclaim") == ReclaimStep.failpoints)
        #expect(Set(ReclaimStep.failpoints).count == ReclaimStep.failpoints.count, "no failpoint named twice")
    }
}
