import Testing
@testable import DockStoreCore

/// What status and check say while a reclaim journal is open: the room lent, how much,
/// since when, and a WARNING once the journal outlives any run.
@Suite struct LentRoomTests {
    static func figures(journal: ReclaimJournal?, readAt: Int64) -> CapacityFigures {
        var f = CapacityTests.figures()
        f.uuid = "u"
        f.devices = [.init(devid: 1, path: "/dev/loop0", size: (100 << 30) + (256 << 20), errors: [:])]
        f.maintenance = MaintenanceRecord(reclaimUnderWay: journal, readAt: readAt)
        return f
    }

    static func imageJournal(started: Int64 = 1_000_000, running: Int64? = nil, budget: Double? = nil) -> ReclaimJournal {
        var journal = ReclaimJournal(filesystemUUID: "u", started: started,
                                     room: .image("/var/lib/docker-storage.btrfs", devid: 1, originalSize: 100 << 30,
                                                  originalDeviceSize: 100 << 30, bytes: 256 << 20))
        journal.running = running
        journal.budgetSeconds = budget
        return journal
    }

    /// journal, seconds after its run began → state, stale
    static let ages: [(String, ReclaimJournal, Int64, CheckState)] = [
        ("a run under way", imageJournal(budget: 120), 60, .ok),
        ("a run just past its budget, giving back", imageJournal(budget: 120), 120 + 600, .ok),
        ("an interrupted run", imageJournal(budget: 120), 120 + LentRoom.graceSeconds + 1, .warning),
        ("an old journal without a budget: the default", imageJournal(), 300 + LentRoom.graceSeconds + 1, .warning),
        ("an old journal without a budget, young", imageJournal(), 60, .ok),
        ("a later run finishing an interrupted one", imageJournal(started: 0, running: 1_000_000, budget: 300), 30, .ok),
    ]

    @Test(arguments: ages)
    func warnsOnceTheJournalOutlivesARun(_ name: String, _ journal: ReclaimJournal, _ age: Int64, _ state: CheckState) throws {
        let f = Self.figures(journal: journal, readAt: (journal.running ?? journal.started) + age)
        let report = CapacityReport(figures: f, policy: try CapacityPolicy(), timestamp: 0)
        #expect(report.state == state, "\(name): \(report.reasons)")
        let reason = try #require(report.reasons.first { $0.figure == "reclaim_room_lent" })
        #expect(reason.state == state)
        #expect(reason.message.contains("the image /var/lib/docker-storage.btrfs grown from 100 GiB to 100.3 GiB (256 MiB lent) since \(UTCTime.format(Double(journal.started)))"), "\(reason.message)")
        #expect(UTCTime.format(1_000_000) == "1970-01-12 13:46 UTC")
        #expect(reason.message.contains("dockstore reclaim --mountpoint /var/lib/docker"), "\(reason.message)")
        #expect(state == .ok || reason.message.contains("interrupted"), "\(reason.message)")
        // An OK finding is said beside the figures.
        if state == .ok { #expect(report.nagios(policy: nil).hasPrefix("DOCKSTORE OK - data "), "\(report.nagios(policy: nil))") }
    }

    @Test func prometheusCarriesTheRoomAndNaNWhenNoneOrUnreadable() throws {
        let mp = "{mountpoint=\"/var/lib/docker\"}"
        let lent = CapacityReport(figures: Self.figures(journal: Self.imageJournal(budget: 120), readAt: 1_000_000 + 3 * 3600),
                                  policy: try CapacityPolicy(), timestamp: 0).prometheus()
        for line in ["dockstore_reclaim_room_lent_bytes\(mp) 268435456", "dockstore_reclaim_started_timestamp_seconds\(mp) 1000000",
                     "dockstore_reclaim_interrupted\(mp) 1"] {
            #expect(lent.contains(line + "\n"), "\(line)\n\(lent)")
        }
        let none = CapacityReport(figures: Self.figures(journal: nil, readAt: 5), policy: try CapacityPolicy(), timestamp: 0).prometheus()
        for line in ["dockstore_reclaim_room_lent_bytes\(mp) 0", "dockstore_reclaim_started_timestamp_seconds\(mp) NaN", "dockstore_reclaim_interrupted\(mp) 0"] {
            #expect(none.contains(line + "\n"), "\(line)")
        }
        var unreadable = Self.figures(journal: nil, readAt: 5)
        unreadable.maintenance?.reclaimJournalRead = false
        let text = CapacityReport(figures: unreadable, policy: try CapacityPolicy(), timestamp: 0).prometheus()
        #expect(text.contains("dockstore_reclaim_room_lent_bytes\(mp) NaN\n"))
    }

    @Test func aJournalOfAnotherStoreIsNotThisStoresRoom() {
        var journal = Self.imageJournal()
        journal.filesystemUUID = "other"
        #expect(Self.figures(journal: journal, readAt: 1_000_000).lentRoom == nil)
    }

    @Test func roomNotYetOrNoLongerInPlaceCountsNothing() {
        var journal = Self.imageJournal()
        journal.room?.devid = 9
        let lent = LentRoom(journal, figures: Self.figures(journal: journal, readAt: 1_000_000), now: 1_000_000)
        #expect(lent.bytes == 0)
        #expect(lent.summary().contains("is lending or giving back room"))
        let none = LentRoom(ReclaimJournal(filesystemUUID: "u", started: 0, room: nil), figures: Self.figures(journal: nil, readAt: 0), now: 10)
        #expect(none.summary().contains("no room is lent"))
    }
}
