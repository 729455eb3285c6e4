import Foundation
import Testing
@testable import DockStoreCore

/// The records the unattended maintenance leaves (reclaim's JSON, btrfs-progs' scrub status
/// file) and what check makes of them.
@Suite struct MaintenanceRecordTests {
    /// As btrfs-progs 6.x writes it (cmds/scrub.c scrub_write_file), two devices.
    static func scrubFile(csum: Int = 0, corrected: Int = 0, uncorrectable: Int = 0, finished: Int = 1, canceled: Int = 0) -> String {
        let fsid = "4f2c9a3e-1b7d-4e9a-8c1f-3b2d5e6f7a8b"
        func line(_ devid: Int, _ start: Int, _ duration: Int, _ errors: Int) -> String {
            "\(fsid):\(devid)|data_extents_scrubbed:120|tree_extents_scrubbed:40|data_bytes_scrubbed:1048576|tree_bytes_scrubbed:655360|read_errors:0|csum_errors:\(errors)|verify_errors:0|no_csum:16|csum_discards:0|super_errors:0|malloc_errors:0|uncorrectable_errors:\(devid == 1 ? uncorrectable : 0)|corrected_errors:\(devid == 1 ? corrected : 0)|last_physical:22020096|t_start:\(start)|t_resumed:0|duration:\(duration)|canceled:\(canceled)|finished:\(finished)"
        }
        return "scrub status:1\n" + line(1, 1764470000, 12, csum) + "\n" + line(2, 1764470001, 30, 0) + "\n"
    }

    @Test func readsBtrfsProgsScrubStatus() throws {
        let scrub = try LastScrub.parse(Self.scrubFile(csum: 3, corrected: 2, uncorrectable: 1), path: "/s")
        #expect(scrub.started == 1764470000)
        #expect(scrub.ended == 1764470031)
        #expect(scrub.errors == 3)
        #expect(scrub.corrected == 2)
        #expect(scrub.uncorrectable == 1)
        #expect(scrub.bytesScrubbed == 2 * (1048576 + 655360))
        #expect(scrub.state == "finished")
        #expect(try LastScrub.parse(Self.scrubFile(finished: 0), path: "/s").state == "running or interrupted")
        #expect(try LastScrub.parse(Self.scrubFile(finished: 0, canceled: 1), path: "/s").state == "canceled")
    }

    static let badScrub = ["", "scrub status:2\nx:1|t_start:1\n", "scrub status:1\n", "scrub status:1\nx:1|t_start:abc\n",
                           "scrub status:1\nx:1|t_start:1|duration:1\n"]

    @Test(arguments: badScrub)
    func malformedScrubStatusIsAnError(_ text: String) {
        #expect(throws: DockStoreError.self) { try LastScrub.parse(text, path: "/s") }
    }

    @Test func readsTheReclaimRecord() throws {
        let text = #"{"finished": 1764470000, "outcome": "budget-spent", "chunksRelocated": 4, "unallocatedBefore": 0, "unallocatedAfter": 1073741824}"#
        #expect(try LastReclaimRecord.parse(text, path: "/r") == LastReclaimRecord(finished: 1764470000, outcome: .budgetSpent, chunksRelocated: 4, unallocatedBefore: 0, unallocatedAfter: 1 << 30))
        for bad in ["{}", "not json", #"{"finished": 1, "outcome": "maybe", "chunksRelocated": 0, "unallocatedBefore": 0, "unallocatedAfter": 0}"#,
                    #"{"finished": 1, "outcome": "healthy", "chunksRelocated": -1, "unallocatedBefore": 0, "unallocatedAfter": 0}"#] {
            #expect(throws: DockStoreError.self, "\(bad)") { try LastReclaimRecord.parse(bad, path: "/r") }
        }
    }

    /// The fifteenth attack's C18: a key given twice and a count below 0 are unreadable, each
    /// with its own reason; JSON that does not parse says where.
    @Test(arguments: [
        (#"{"finished": 1, "outcome": "healthy", "outcome": "failed", "chunksRelocated": 0, "unallocatedBefore": 0, "unallocatedAfter": 0}"#,
         "/r gives outcome twice, and readers differ on which counts (the first or the last); dockstore reclaim writes it anew"),
        (#"{"finished": 1, "outcome": "healthy", "chunksRelocated": -3, "unallocatedBefore": 0, "unallocatedAfter": 0}"#,
         "/r gives chunksRelocated -3, below 0, which no run records; dockstore reclaim writes it anew"),
        (#"{"finished": 1, "outcome": "healthy",}"#, "/r is not valid JSON (at byte "),
        ("[1]", "/r holds no JSON object; dockstore reclaim writes it anew"),
    ])
    func anOddRecordSaysWhatIsOdd(_ text: String, _ message: String) {
        do {
            _ = try LastReclaimRecord.parse(text, path: "/r")
            Issue.record("\(text) was read")
        } catch let error as DockStoreError {
            #expect(error.message.hasPrefix(message) && !error.message.contains("DecodingError"), "\(error.message)")
        } catch {
            Issue.record("\(error)")
        }
    }

    /// The fifteenth attack's C18, its third point: a record dated ahead of the clock (a reclaim
    /// or scrub run while the clock was wrong) keeps the overdue alerts from firing until that
    /// date: a WARNING names it; within an hour ahead (NTP stepping the clock) it is no finding.
    @Test func aRecordAheadOfTheClockIsAWarning() {
        let now: Int64 = 1_796_200_000
        func reasons(reclaimAt: Int64?, scrubAt: Double?) -> [CapacityReason] {
            var f = CapacityTests.figures()
            let reclaim = reclaimAt.map { LastReclaimRecord(finished: $0, outcome: .healthy, chunksRelocated: 1, unallocatedBefore: 0, unallocatedAfter: 1 << 30) }
            let scrub = scrubAt.map { LastScrub(started: $0, ended: $0 + 10, state: "finished", bytesScrubbed: 1, errors: 0, corrected: 0, uncorrectable: 0) }
            f.maintenance = MaintenanceRecord(lastReclaim: reclaim, lastScrub: scrub, readAt: now)
            return MaintenanceRules.evaluate(f).filter { $0.figure == "maintenance_record_future" }
        }
        let ahead = reasons(reclaimAt: now + 3650 * 86_400, scrubAt: nil)
        #expect(ahead.count == 1 && ahead.first?.state == .warning, "\(ahead)")
        #expect(ahead.first?.message.hasPrefix("the last dockstore reclaim of /var/lib/docker finished 2036-") == true, "\(ahead)")
        #expect(ahead.first?.message.contains("3650d ahead of this clock (2026-") == true, "\(ahead)")
        #expect(ahead.first?.message.contains("check the clock (timedatectl)") == true, "\(ahead)")
        let scrub = reasons(reclaimAt: nil, scrubAt: Double(now + 2 * 86_400))
        #expect(scrub.count == 1 && scrub.first?.message.contains("btrfs scrub start /var/lib/docker") == true, "\(scrub)")
        #expect(reasons(reclaimAt: now + 3000, scrubAt: Double(now - 86_400)).isEmpty, "within the hour: no finding")
    }

    /// Outside attack 14, Y-MON-2: the record names the filesystem it was made on; a record of
    /// another one (the store torn down and made anew) is no run of this store.
    @Test func theReclaimRecordIsTheStoresByItsFilesystemUUID() throws {
        let record = LastReclaimRecord(finished: 1796190969, outcome: .failed, chunksRelocated: 0, unallocatedBefore: 0,
                                       unallocatedAfter: 0, fsid: "324a0b54-1111-4222-8333-444455556666")
        let text = String(decoding: try record.encoded(), as: UTF8.self)
        #expect(text.contains(#""fsid":"324a0b54-1111-4222-8333-444455556666""#), "\(text)")
        #expect(try LastReclaimRecord.parse(text, path: "/r") == record)
        #expect(record.isOf(fsid: "324A0B54-1111-4222-8333-444455556666"))
        #expect(!record.isOf(fsid: "d47f87f3-cc47-4b91-b2db-5c85bf58c60f"))
        // A record naming no filesystem UUID is unreadable, never another store's (which would hide a failure).
        for bad in ["", "not-a-uuid", " 324a0b54-1111-4222-8333-444455556666", "324a0b54-1111-4222-8333-44445555666g"] {
            var odd = record
            odd.fsid = bad
            #expect(throws: DockStoreError.self, "\(bad.debugDescription)") {
                try LastReclaimRecord.parse(String(decoding: try odd.encoded(), as: UTF8.self), path: "/r")
            }
        }
        var older = record
        older.fsid = nil
        #expect(older.isOf(fsid: "d47f87f3-cc47-4b91-b2db-5c85bf58c60f"), "a record from before the fsid was kept is taken as the store's")

        // Under the run's own folder when scripts/test runs us (its sweep removes it).
        let parent = ProcessInfo.processInfo.environment["DOCKSTORE_TEST_TMPDIR"] ?? FileManager.default.temporaryDirectory.path
        let folder = parent + "/dockstore-maintenance-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let host = try DockStoreCore.Host(root: folder)
        try record.write(host: host)
        #expect(MaintenanceRecord.read(host: host, fsid: "324a0b54-1111-4222-8333-444455556666").lastReclaim == record)
        let other = MaintenanceRecord.read(host: host, fsid: "d47f87f3-cc47-4b91-b2db-5c85bf58c60f")
        #expect(other.lastReclaim == nil && other.unreadable.isEmpty, "\(other)")
    }

    static func figures(_ m: MaintenanceRecord) -> CapacityFigures {
        var f = CapacityTests.figures()
        f.maintenance = m
        return f
    }

    static let states: [(String, MaintenanceRecord, CheckState, String?)] = [
        ("never ran", MaintenanceRecord(), .ok, nil),
        ("a clean scrub", MaintenanceRecord(lastScrub: try! LastScrub.parse(scrubFile(), path: "/s")), .ok, nil),
        ("a scrub that corrected everything", MaintenanceRecord(lastScrub: try! LastScrub.parse(scrubFile(csum: 2, corrected: 2), path: "/s")), .warning, "scrub_errors"),
        ("a scrub with uncorrectable errors", MaintenanceRecord(lastScrub: try! LastScrub.parse(scrubFile(csum: 2, uncorrectable: 2), path: "/s")), .critical, "scrub_errors"),
        ("a reclaim that helped", MaintenanceRecord(lastReclaim: LastReclaimRecord(finished: 1, outcome: .healthy, chunksRelocated: 3, unallocatedBefore: 0, unallocatedAfter: 1)), .ok, nil),
        ("a failed reclaim", MaintenanceRecord(lastReclaim: LastReclaimRecord(finished: 1, outcome: .failed, chunksRelocated: 0, unallocatedBefore: 0, unallocatedAfter: 0)), .warning, "reclaim_failed"),
        ("a record unreadable", MaintenanceRecord(unreadable: ["cannot read the last reclaim record /r: Permission denied"]), .unknown, "unreadable"),
    ]

    @Test(arguments: states)
    func judges(_ name: String, _ m: MaintenanceRecord, _ state: CheckState, _ figure: String?) throws {
        let report = CapacityReport(figures: Self.figures(m), policy: try CapacityPolicy(), timestamp: 0)
        #expect(report.state == state, "\(name): \(report.reasons)")
        #expect(report.reasons.first?.figure == figure, "\(name)")
        for reason in report.reasons { #expect(!reason.message.contains("\n")) }
    }

    /// Attack 42 Q F9: superblock errors are counted, neither corrected nor uncorrectable; the
    /// message said "btrfs repaired them from a good copy".
    @Test func superblockErrorsAreNotSaidToBeRepaired() throws {
        let file = Self.scrubFile().replacingOccurrences(of: "super_errors:0|malloc_errors:0|uncorrectable_errors:0|corrected_errors:0|last_physical:22020096|t_start:1764470000",
                                                          with: "super_errors:2|malloc_errors:0|uncorrectable_errors:0|corrected_errors:0|last_physical:22020096|t_start:1764470000")
        let scrub = try LastScrub.parse(file, path: "/s")
        try #require(scrub.errors == 2 && scrub.corrected == 0 && scrub.uncorrectable == 0, "\(scrub)")
        let report = CapacityReport(figures: Self.figures(MaintenanceRecord(lastScrub: scrub)), policy: try CapacityPolicy(), timestamp: 0)
        let message = try #require(report.reasons.first { $0.figure == "scrub_errors" }).message
        #expect(report.state == .warning && !message.contains("repaired them") && message.contains("2 of them scrub did not repair (superblock errors, which the next commit rewrites)"), "\(message)")
    }

    @Test func prometheusCarriesTheRecordsAndNaNWhenNever() throws {
        var f = Self.figures(MaintenanceRecord(lastReclaim: LastReclaimRecord(finished: 1764470000, outcome: .failed, chunksRelocated: 2, unallocatedBefore: 0, unallocatedAfter: 0),
                                               lastScrub: try LastScrub.parse(Self.scrubFile(csum: 5, uncorrectable: 1), path: "/s")))
        f.orphans = OrphanTally(count: 3, subvolumes: 9)
        let text = CapacityReport(figures: f, policy: try CapacityPolicy(), timestamp: 0).prometheus()
        let mp = "{mountpoint=\"\(f.mountpoint)\"}"
        for line in ["dockstore_orphan_subvolumes\(mp) 3", "dockstore_last_reclaim_timestamp_seconds\(mp) 1764470000",
                     "dockstore_last_reclaim_failed\(mp) 1", "dockstore_last_scrub_errors\(mp) 5",
                     "dockstore_last_scrub_uncorrectable_errors\(mp) 1", "dockstore_last_scrub_timestamp_seconds\(mp) 1764470000"] {
            #expect(text.contains(line + "\n"), "\(line)")
        }
        #expect(text.contains("dockstore_last_scrub_finished\(mp) 1\n"))
        let never = CapacityReport(figures: Self.figures(MaintenanceRecord()), policy: try CapacityPolicy(), timestamp: 0).prometheus()
        #expect(never.contains("dockstore_last_scrub_timestamp_seconds\(mp) NaN\n"))
        #expect(never.contains("dockstore_last_scrub_finished\(mp) NaN\n"))
        #expect(never.contains("dockstore_orphan_subvolumes\(mp) NaN\n"))
    }

    /// Attack 12, B07: a canceled or unfinished scrub is on record as not finished, so the
    /// alert rules do not take its start for a finished scrub's.
    @Test(arguments: [(0, 1, 0.0), (0, 0, 0.0), (1, 0, 1.0)])
    func prometheusSaysWhetherTheLastScrubFinished(_ finished: Int, _ canceled: Int, _ metric: Double) throws {
        let scrub = try LastScrub.parse(Self.scrubFile(finished: finished, canceled: canceled), path: "/s")
        #expect(scrub.finished == (metric == 1))
        let text = CapacityReport(figures: Self.figures(MaintenanceRecord(lastScrub: scrub)), policy: try CapacityPolicy(), timestamp: 0).prometheus()
        #expect(text.contains("dockstore_last_scrub_finished{mountpoint=\"\(Self.figures(MaintenanceRecord()).mountpoint)\"} \(Int(metric))\n"), "\(text)")
    }
}
