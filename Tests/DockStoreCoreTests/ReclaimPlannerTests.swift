@testable import DockStoreCore
import Foundation
import Testing

/// `dockstore reclaim`'s decisions, from observed states: whether there is anything to do,
/// which rounds, whether and what temporary room, and what it refuses.
@Suite struct ReclaimPlannerTests {
    static let image = "/var/lib/docker-storage.btrfs"
    static let roomFile = "/var/lib/dockstore/reclaim-room.img"

    /// The metadata-exhaustion store: metadata nearly full, no chunk can be added, data half full.
    static func exhausted(unallocated: UInt64 = 0) -> CapacityFigures {
        var f = CapacityTests.figures(dataFree: 40 << 30, dataUsed: 40 << 30, dataSize: 80 << 30, metaUsed: 1000 << 20, unallocated: unallocated)
        f.uuid = "0b9a7c2e-3f4d-4e6a-9c1b-8d2e5f6a7b8c"
        return f
    }

    static func healthy() -> CapacityFigures {
        var f = CapacityTests.figures()
        f.uuid = "0b9a7c2e-3f4d-4e6a-9c1b-8d2e5f6a7b8c"
        return f
    }

    static func observed(_ f: CapacityFigures, _ members: ReclaimObservation.Members = .image(devid: 1, backing: backing(host: 200 << 30)),
                         journal: ReclaimJournal? = nil, roomMember: UInt64? = nil) -> ReclaimObservation {
        ReclaimObservation(mountpoint: "/var/lib/docker", fstype: "btrfs", figures: f, members: members, journal: journal,
                           roomMember: roomMember, roomFile: roomFile, dataChunkSize: 1 << 30)
    }

    static func backing(host: UInt64) -> HostBacking {
        HostBacking(image: image, apparentBytes: 100 << 30, allocatedBytes: 60 << 30, hostAvailableBytes: host)
    }

    static func plan(_ o: ReclaimObservation) throws -> ReclaimPlan { try ReclaimPlanner.plan(o, policy: try CapacityPolicy()) }

    @Test func aHealthyStoreHasNothingToDo() throws {
        let plan = try Self.plan(Self.observed(Self.healthy()))
        #expect(plan.isNothingToDo)
        #expect(plan.rounds.isEmpty)
        #expect(plan.room == nil)
    }

    @Test func anExhaustedImageStoreGrowsTheImageFirstAndEscalatesDataRounds() throws {
        let plan = try Self.plan(Self.observed(Self.exhausted()))
        #expect(!plan.isNothingToDo)
        #expect(plan.problems.map(\.figure) == ["metadata_free"])
        #expect(plan.rounds.map(\.filter) == ["-dusage=0", "-dusage=5", "-dusage=10", "-dusage=20", "-dusage=40", "-dusage=60", "-dusage=80"])
        let room = try #require(plan.room)
        #expect(room.kind == .image)
        #expect(room.image == Self.image)
        #expect(room.originalSize == 100 << 30)
        #expect(room.originalDeviceSize == 100 << 30)
        // One data chunk to move into and two metadata chunks (2 GiB each here).
        #expect(room.bytes == (1 << 30) + 2 * (2 << 30))
        #expect(room.grownSize == (100 << 30) + (5 << 30))
        #expect(plan.roomFirst, "no unallocated space: a balance would fail with ENOSPC")
    }

    @Test func roomOnlyOnENOSPCWhenThereIsUnallocatedSpaceToBalanceInto() throws {
        // 3.5 GiB unallocated: room for a data chunk (1 GiB) and a metadata chunk (2 GiB), yet
        // below check's two metadata chunks while metadata fills.
        var f = Self.exhausted(unallocated: (3 << 30) + (512 << 20))
        f.metadataUsed = 1100 << 20
        let plan = try Self.plan(Self.observed(f))
        #expect(plan.problems.map(\.figure) == ["metadata_free"])
        #expect(plan.room?.kind == .image)
        #expect(!plan.roomFirst)
    }

    @Test func noRoomFirstWhileMetadataHasRoomForTheBalance() throws {
        // Unallocated gone, metadata roomy (check's "unallocated" warning): the balance moves
        // extents into the data chunks' free space; room only if it fails with ENOSPC.
        var f = CapacityTests.figures(metaUsed: 100 << 20, unallocated: 0)
        f.uuid = Self.exhausted().uuid
        let plan = try Self.plan(Self.observed(f))
        #expect(plan.problems.map(\.figure) == ["unallocated"])
        #expect(plan.room != nil)
        #expect(!plan.roomFirst)
    }

    @Test func metadataRoundsOnlyWhenMetadataChunksHoardTheSpace() throws {
        // Metadata whose own chunks hold the space: -musage rounds join.
        var f = Self.exhausted()
        f.metadataSize = 8 << 30
        f.metadataUsed = 7900 << 20
        #expect(try Self.plan(Self.observed(f)).rounds.allSatisfy { $0.kind == .data }, "metadata is full: no metadata round")
        // Metadata 16 GiB allocated, 3.5 GiB of it free: below 25%, yet more than two chunks' worth.
        var hoard = CapacityTests.figures(metaSize: 16 << 30, metaUsed: 12800 << 20, unallocated: 0)
        hoard.uuid = f.uuid
        let plan = try Self.plan(Self.observed(hoard))
        #expect(plan.rounds.map(\.filter) == ["-dusage=0", "-musage=0", "-dusage=5", "-musage=5", "-dusage=10", "-musage=10",
                                              "-dusage=20", "-musage=20", "-dusage=40", "-musage=40", "-dusage=60", "-dusage=80"])
    }

    @Test func neverAFullBalance() {
        #expect(ReclaimPlanner.dataLevels.allSatisfy { $0 < 100 })
        #expect(ReclaimPlanner.metadataLevels.allSatisfy { $0 < 100 })
        #expect(ReclaimPlanner.dataLevels == ReclaimPlanner.dataLevels.sorted())
    }

    static let roomCases: [(String, ReclaimObservation.Members, TemporaryRoom.Kind?, String?)] = [
        ("image, host has room", .image(devid: 1, backing: backing(host: 200 << 30)), .image, nil),
        ("image, host too small", .image(devid: 1, backing: backing(host: 4 << 30)), nil, "less than the 5.1 GiB the image would grow by"),
        ("image, unreadable", .image(devid: 1, backing: nil), nil, "could not be read"),
        ("device, host has room", .device(roomFolderFree: 200 << 30, roomFolderOnStore: false), .device, nil),
        ("device, host too small", .device(roomFolderFree: 1 << 30, roomFolderOnStore: false), nil, "a temporary member needs"),
        ("device, host unreadable", .device(roomFolderFree: nil, roomFolderOnStore: false), nil, "an unreadable amount of free"),
        ("device, folder on the store", .device(roomFolderFree: 200 << 30, roomFolderOnStore: true), nil, "lies on the store itself"),
        ("two members", .several(2), nil, "spans 2 devices"),
    ]

    @Test(arguments: roomCases)
    func roomFitsWhatTheHostCanBack(_ name: String, _ members: ReclaimObservation.Members, _ kind: TemporaryRoom.Kind?, _ why: String?) throws {
        let plan = try Self.plan(Self.observed(Self.exhausted(), members))
        #expect(plan.room?.kind == kind, "\(name)")
        if let why { #expect(plan.noRoom?.contains(why) == true, "\(name): \(plan.noRoom ?? "nil")") } else { #expect(plan.noRoom == nil) }
        if kind == .device { #expect(plan.room?.file == Self.roomFile) }
        #expect(plan.rounds.count == ReclaimPlanner.dataLevels.count, "\(name): rounds run even without room (-dusage=0 needs none)")
    }

    static let refusals: [(String, ReclaimObservation, String)] = [
        ("not btrfs", ReclaimObservation(mountpoint: "/var/lib/docker", fstype: "xfs", figures: nil, members: .several(0), roomFile: roomFile, dataChunkSize: 0), "is xfs, not btrfs"),
        ("a balance of someone else", observed({ var f = exhausted(); f.condition.exclusiveOperation = "balance"; return f }()), "a btrfs balance is running"),
        ("a device remove", observed({ var f = exhausted(); f.condition.exclusiveOperation = "device remove"; return f }()), "a btrfs device remove is running"),
        ("a device remove, with a journal", observed({ var f = exhausted(); f.condition.exclusiveOperation = "device remove"; return f }(),
                                                     journal: ReclaimJournal(filesystemUUID: exhausted().uuid ?? "", started: 0, room: nil)), "a btrfs device remove is running"),
        ("a journal of another store", observed(exhausted(), journal: ReclaimJournal(filesystemUUID: "11111111-2222-3333-4444-555555555555", started: 0, room: nil)), "names the btrfs 11111111"),
        ("read-only", observed({ var f = exhausted(); f.condition.readOnly = .forced; return f }()), "is read-only"),
        ("degraded", observed({ var f = exhausted(); f.condition.missingDevices = [2]; return f }()), "is missing"),
        ("image deleted", observed({ var f = exhausted(); f.condition.image = .init(path: image, loop: "/dev/loop0", link: .deleted); return f }()), "was deleted while mounted"),
    ]

    @Test(arguments: refusals)
    func refuses(_ name: String, _ o: ReclaimObservation, _ message: String) throws {
        #expect(throws: DockStoreError.self, "\(name)") { try Self.plan(o) }
        do { _ = try Self.plan(o) } catch let error as DockStoreError {
            #expect(error.kind == .refused, "\(name)")
            #expect(error.message.contains(message), "\(name): \(error.message)")
            #expect(!error.message.contains("\n"))
        }
    }

    @Test func someoneElsesPausedBalanceIsResumedOrCancelledNotWaitedFor() throws {
        var f = Self.exhausted()
        f.condition.exclusiveOperation = "balance paused"
        #expect(throws: DockStoreError.refused("a btrfs balance is paused on /var/lib/docker (btrfs balance status /var/lib/docker); reclaim starts no balance beside it, and a paused balance never finishes by itself: resume it (btrfs balance resume /var/lib/docker) or cancel it (btrfs balance cancel /var/lib/docker), then run reclaim again")) {
            try Self.plan(Self.observed(f, journal: nil))
        }
    }

    @Test func anInterruptedRunIsFinished() throws {
        let uuid = Self.exhausted().uuid ?? ""
        // Its balance resumed at mount (or is paused): cancelled first; its image room is completed and used.
        var f = Self.exhausted()
        f.condition.exclusiveOperation = "balance paused"
        f.devices[0].size = 105 << 30
        let room = TemporaryRoom.image(Self.image, devid: 1, originalSize: 100 << 30, originalDeviceSize: 100 << 30, bytes: 5 << 30)
        let plan = try Self.plan(Self.observed(f, journal: ReclaimJournal(filesystemUUID: uuid, started: 1, room: room)))
        #expect(plan.resumes)
        #expect(plan.cancelInterruptedBalance)
        #expect(plan.room == room)
        #expect(plan.roomFirst)
        #expect(plan.lent == 5 << 30)
        // Healthy with the room but not without it still needs the rounds.
        #expect(!plan.problems.isEmpty)
        // The room is continued, not proposed again; the figures are the ones judged.
        #expect(plan.lentSince == 1)
        let step = try #require(plan.roomStep)
        #expect(step.hasPrefix("continue the room the interrupted reclaim of 1970-01-01 00:00 UTC lent"), "\(step)")
        #expect(step.contains("the image \(Self.image) grown from 100 GiB to 105 GiB; use it for the rounds, then give it back"), "\(step)")
        #expect(!step.contains("first:") && !step.contains("for the balance"), "\(step)")
        #expect(plan.judged.unallocated == f.unallocated - min(f.unallocated, 5 << 30))
        let report = ReclaimReport(plan: plan, result: nil)
        #expect(report.before.unallocated == plan.judged.unallocated, "the JSON's before figures are the judged ones")
        #expect(report.lent == 5 << 30)
        #expect(report.lentSince == 1)
    }

    @Test func aNewRoomIsProposedWithItsPackingRound() throws {
        let plan = try Self.plan(Self.observed(Self.exhausted()))
        #expect(plan.lentSince == nil)
        #expect(plan.roomStep?.hasPrefix("first: grow the image") == true, "\(plan.roomStep ?? "")")
        #expect(plan.roomStep?.contains("-dusage=90 once more") == true)
    }

    /// The man page lists the rounds the code runs: the same lists, the same order, the packing round too.
    @Test func theManPageListsEveryRound() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let page = try String(contentsOf: repository.appendingPathComponent("man/dockstore-reclaim.8"), encoding: .utf8)
        let prose = page.split(separator: "\n").filter { !$0.hasPrefix(".") }.joined(separator: " ").replacingOccurrences(of: "\\-", with: "-")
        for part in ReclaimPlanner.roundsSentence.split(separator: ";") {
            let phrase = part.trimmingCharacters(in: .whitespaces)
            #expect(prose.contains(phrase), "man page lacks: \(phrase)")
        }
        #expect(ReclaimPlanner.packingRound.kind == .data && ReclaimPlanner.packingRound.usage < 100)
    }

    @Test func aLeftoverJournalOnAHealthyStoreIsStillFinished() throws {
        let uuid = Self.healthy().uuid ?? ""
        let room = TemporaryRoom.device(file: Self.roomFile, bytes: 1 << 30)
        let plan = try Self.plan(Self.observed(Self.healthy(), .device(roomFolderFree: 10 << 30, roomFolderOnStore: false),
                                               journal: ReclaimJournal(filesystemUUID: uuid, started: 1, room: room)))
        #expect(!plan.isNothingToDo, "the room must be given back")
        #expect(plan.room == room)
        #expect(!plan.roomFirst, "not lent again to a healthy store")
        #expect(plan.problems.isEmpty)
        #expect(plan.roomStep?.hasSuffix("the temporary 1 GiB member over \(Self.roomFile); give it back") == true, "\(plan.roomStep ?? "")")
    }

    @Test func aSmallStoreIsJudgedWithTheChunkOfItsOldSize() {
        // 1 GiB grown by 512 MiB: the lent store's metadata chunk (153.6 MiB, DUP) is not the one
        // the store allocates once the room is back (102.4 MiB).
        var f = CapacityTests.smallStore(metaSize: 171 << 20, metaUsed: 49 << 20, unallocated: 626 << 20)
        f.deviceSize = 1536 << 20
        f.metadataChunkNeed = (1536 << 20) / 10 * 2
        let without = f.withoutRoom(512 << 20)
        #expect(without.metadataChunkNeed == (1 << 30) / 10 * 2)
        #expect(ReclaimHealth.problems(f, policy: CapacityTests.defaultPolicy, lent: 512 << 20).isEmpty, "metadata holds more than a chunk free at the old size")
    }

    @Test func figuresWithoutTheRoomLoseItsUnallocatedSpace() {
        let f = CapacityTests.figures(dataFree: 50 << 30, dataUsed: 50 << 30, unallocated: 10 << 30)
        let without = f.withoutRoom(4 << 30)
        #expect(without.unallocated == 6 << 30)
        #expect(without.deviceSize == f.deviceSize - (4 << 30))
        #expect(without.dataFree == f.dataFree - (4 << 30))
        #expect(f.withoutRoom(0) == f)
        #expect(f.withoutRoom(20 << 30).unallocated == 0)
    }

    static let budgets: [(String, Double?)] = [
        ("90s", 90), ("5m", 300), ("1h", 3600), ("1h30m", 5400), ("45", 45), (" 2m ", 120),
        // as systemd.time(7) writes them, so the reclaim unit's --budget 2min is a budget
        ("2min", 120), ("1h 30min", 5400), ("90sec", 90), ("2 minutes", 120), ("1hr", 3600), ("5mins", nil),
        ("5\r", nil), ("5m\n", nil), ("\t5m", nil),
        ("0", nil), ("0s", nil), ("", nil), ("soon", nil), ("5x", nil), ("-5m", nil), ("1h30", nil), ("25h", nil), ("m", nil),
    ]

    @Test(arguments: budgets)
    func parsesBudgets(_ text: String, _ seconds: Double?) throws {
        if let seconds {
            #expect(try ReclaimBudget.parse(text) == seconds)
        } else {
            #expect(throws: DockStoreError.self) { try ReclaimBudget.parse(text) }
            do { _ = try ReclaimBudget.parse(text) } catch let error as DockStoreError {
                #expect(error.kind == .usage)
                // A control character is shown escaped, so the message stays one line.
                let shown = text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: "\\t")
                #expect(error.message.hasPrefix("--budget '\(shown)'"), "\(error.message)")
            }
        }
    }

    @Test func lastReclaimRecordHasExactlyTheAgreedShape() throws {
        let record = LastReclaimRecord(finished: 1796000000, outcome: .budgetSpent, chunksRelocated: 4,
                                       unallocatedBefore: 1048576, unallocatedAfter: 92274688)
        let text = String(decoding: try record.encoded(), as: UTF8.self)
        #expect(text == "{\"finished\":1796000000,\"outcome\":\"budget-spent\",\"chunksRelocated\":4,\"unallocatedBefore\":1048576,\"unallocatedAfter\":92274688}\n")
        #expect(try JSONDecoder().decode(LastReclaimRecord.self, from: Data(text.utf8)) == record)
        #expect(["healthy", "budget-spent", "io-budget-spent", "nothing-to-do", "failed"] == [LastReclaimRecord.Outcome.healthy, .budgetSpent, .ioBudgetSpent, .nothingToDo, .failed].map(\.rawValue))
        let counted = LastReclaimRecord(finished: 1796000000, outcome: .ioBudgetSpent, chunksRelocated: 4,
                                        unallocatedBefore: 1048576, unallocatedAfter: 92274688, bytesRelocated: 104857600)
        let countedText = String(decoding: try counted.encoded(), as: UTF8.self)
        #expect(countedText == "{\"finished\":1796000000,\"outcome\":\"io-budget-spent\",\"chunksRelocated\":4,\"unallocatedBefore\":1048576,\"unallocatedAfter\":92274688,\"bytesRelocated\":104857600}\n")
        #expect(try LastReclaimRecord.parse(countedText, path: "/r") == counted)
    }

    @Test func theDryRunReportShowsThePlanAndTheFiguresBefore() throws {
        let plan = try Self.plan(Self.observed(Self.exhausted()))
        let report = ReclaimReport(plan: plan, result: nil)
        #expect(report.dryRun)
        #expect(report.outcome == nil, "a plan has no outcome yet")
        #expect(report.before.unallocated == 0)
        #expect(report.before.metadataFree == plan.before.metadataFree)
        #expect(report.rounds.map(\.filter).first == "-dusage=0")
        #expect(report.room?.kind == "image")
        #expect(report.roomFirst == true)
        let json = try report.json()
        #expect(json.contains("\"metadataFree\""))
        let healthy = ReclaimReport(plan: try Self.plan(Self.observed(Self.healthy())), result: nil)
        #expect(healthy.outcome == "nothing-to-do")
        #expect(healthy.rounds.isEmpty)
    }

    @Test func journalRoundTrips() throws {
        var room = TemporaryRoom.device(file: Self.roomFile, bytes: 1 << 30)
        room.devid = 2
        room.deviceUUID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
        let journal = ReclaimJournal(filesystemUUID: "0b9a7c2e-3f4d-4e6a-9c1b-8d2e5f6a7b8c", started: 5, room: room)
        let text = try JSONText.encode(journal)
        #expect(try JSONDecoder().decode(ReclaimJournal.self, from: Data(text.utf8)) == journal)
        #expect(!text.contains("/dev/"), "identity is the file and the device UUID, never a kernel name")
    }
}
