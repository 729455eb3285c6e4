import Foundation
import Testing
@testable import DockStoreCore

/// `dockstore reclaim --json` for every outcome, read back with JSONSerialization: each has
/// `outcome` and `message` (the sentence the text output ends with), and a run's `room` says
/// what was lent and whether, and how much of it, was given back.
@Suite struct ReclaimReportTests {
    static let before = CapacityTests.figures()
    static let room = TemporaryRoom.image("/var/lib/docker-storage.btrfs", devid: 1, originalSize: 1 << 30,
                                          originalDeviceSize: 1 << 30, bytes: 256 << 20)
    static let plan = ReclaimPlan(mountpoint: "/var/lib/docker", uuid: "u", before: before, problems: [], resumes: true,
                                  cancelInterruptedBalance: false, rounds: [], room: room, roomFirst: true, noRoom: nil, lent: 0)

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    @Test(arguments: [
        (LastReclaimRecord.Outcome.healthy, "Healthy: 0 chunks relocated."),
        (.budgetSpent, "Budget spent after 0 chunks relocated; run dockstore reclaim --mountpoint /var/lib/docker"),
        (.ioBudgetSpent, "I/O budget spent: 0 chunks, at most 0 B relocated; run dockstore reclaim"),
        (.nothingToDo, "No finding of dockstore check that a balance remedies (unallocated space, metadata room); nothing to do."),
        (.failed, "every round ran"),
    ])
    func everyOutcomeCarriesItsMessage(_ outcome: LastReclaimRecord.Outcome, _ sentence: String) throws {
        var result = ReclaimResult(outcome: outcome, before: Self.before)
        result.room = Self.room
        if outcome == .failed { result.message = "every round ran and the store still needs room" } else { result.roomGivenBack = 256 << 20 }
        let json = try Self.object(try ReclaimReport(plan: Self.plan, result: result).json())
        #expect(json["outcome"] as? String == outcome.rawValue)
        let message = try #require(json["message"] as? String, "\(json)")
        #expect(message.hasPrefix(sentence), "\(message)")
        #expect(message == result.summary, "the text output's last sentence")
        let room = try #require(json["room"] as? [String: Any])
        #expect(room["givenBack"] as? Bool == (outcome != .failed), "\(room)")
        #expect(room["givenBackBytes"] as? Int == (outcome == .failed ? 0 : 256 << 20), "\(room)")
        #expect(room["lent"] as? String == Self.room.lentDescription)
    }

    @Test func aDryRunPlansTheRoomWithoutSayingItWasGivenBack() throws {
        let json = try Self.object(try ReclaimReport(plan: Self.plan, result: nil).json())
        #expect(json["outcome"] == nil && json["message"] == nil, "a plan has no outcome yet")
        let room = try #require(json["room"] as? [String: Any])
        #expect(room["givenBack"] == nil && room["kind"] as? String == "image")
    }

    @Test(arguments: [(DockStoreError.refused("refusing: x"), "refused"), (.failed("cannot y"), "failed"),
                      (DockStoreError(.busy, "locked by z"), "locked")])
    func aStoppedRunCarriesTheErrorsLine(_ error: DockStoreError, _ outcome: String) throws {
        let planned = try Self.object(try ReclaimReport(plan: Self.plan, stopped: error).json())
        #expect(planned["outcome"] as? String == outcome && planned["message"] as? String == error.message)
        #expect(planned["dryRun"] as? Bool == false)
        let early = try Self.object(try ReclaimReport.Stopped(mountpoint: "/var/lib/docker", dryRun: false, error: error).json())
        #expect(early["outcome"] as? String == outcome && early["message"] as? String == error.message)
    }
}
