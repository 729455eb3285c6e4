import Testing
@testable import DockStoreCore

/// `--io-budget`: how it is parsed, its default, and how the bytes a balance moved are
/// counted from the kernel's chunk counters.
@Suite struct ReclaimIOBudgetTests {
    static let sizes: [(String, UInt64?)] = [
        ("1G", 1 << 30), ("512M", 512 << 20), ("4GiB", 4 << 30), ("2GB", 2_000_000_000), ("1048576", 1 << 20),
        ("0", nil), ("0G", nil), ("", nil), ("-1G", nil), ("1.5G", nil), ("lots", nil), ("5Q", nil),
    ]

    @Test(arguments: sizes)
    func parsesSizes(_ text: String, _ bytes: UInt64?) throws {
        if let bytes {
            #expect(try ReclaimIOBudget.parse(text) == bytes)
        } else {
            do {
                _ = try ReclaimIOBudget.parse(text)
                Issue.record("\(text) was taken")
            } catch let error as DockStoreError {
                #expect(error.kind == .usage)
                #expect(error.message.hasPrefix("--io-budget '\(text)'"), "\(error.message)")
            }
        }
    }

    static let defaults: [(UInt64, UInt64)] = [
        (512 << 20, 1 << 30),       // a small store: at least 1 GiB
        (10 << 30, 1 << 30),
        (100 << 30, 10 << 30),      // the 100 GiB thin image: a tenth
        (2 << 40, (2 << 40) / 10),
    ]

    @Test(arguments: defaults)
    func theDefaultIsATenthOfTheStoreAtLeastOneGiB(_ store: UInt64, _ budget: UInt64) {
        #expect(ReclaimIOBudget.defaultBytes(storeSize: store) == budget)
    }

    /// round, chunks relocated, raw bytes of a chunk → bytes charged.
    static let charges: [(ReclaimRound, UInt64, UInt64, UInt64)] = [
        (ReclaimRound(.data, usage: 0), 12, 1 << 30, 0),                 // empty chunks move nothing
        (ReclaimRound(.data, usage: 5), 1, 100 << 20, 5 << 20),
        (ReclaimRound(.data, usage: 40), 3, 1 << 30, 3 * ((1 << 30) / 100 * 40 + (1 << 30) % 100 * 40 / 100)),
        (ReclaimRound(.data, usage: 80), 0, 1 << 30, 0),
        (ReclaimRound(.metadata, usage: 20), 2, 512 << 20, 2 * ((512 << 20) / 100 * 20 + (512 << 20) % 100 * 20 / 100)),
        (ReclaimRound(.data, usage: 90), .max, 1 << 30, .max),           // never wraps
    ]

    @Test(arguments: charges)
    func chargesEachChunkItsUsageBound(_ round: ReclaimRound, _ completed: UInt64, _ chunk: UInt64, _ bytes: UInt64) {
        #expect(ReclaimIOBudget.charge(round, completed: completed, chunkBytes: chunk) == bytes)
    }

    @Test func aChunkIsBoundedByTheKernelsChunkSizeAndATenthOfTheStore() {
        var f = CapacityTests.figures()
        f.deviceSize = 512 << 20
        f.dataRatio = 1
        f.metadataChunkNeed = 102 << 20
        #expect(ReclaimIOBudget.chunkBytes(.data, f, dataChunkSetting: 1 << 30) == (512 << 20) / 10)
        #expect(ReclaimIOBudget.chunkBytes(.metadata, f, dataChunkSetting: 1 << 30) == 102 << 20, "DUP copies are in the need")
        f.deviceSize = 100 << 30
        #expect(ReclaimIOBudget.chunkBytes(.data, f, dataChunkSetting: 1 << 30) == 1 << 30)
        f.dataRatio = 2
        #expect(ReclaimIOBudget.chunkBytes(.data, f, dataChunkSetting: 1 << 30) == 2 << 30, "both copies are written")
    }

    /// The kernel's data chunk_size reads 10 GiB on a store over 50 GiB, but one device
    /// holds a stripe of at most 1 GiB: `dump-tree -t chunk` of the 100 GiB image lists
    /// 1 GiB data chunks. Charged 10 GiB each, the reclaim timer's 1 GiB budget was spent
    /// by two chunks at -dusage=5.
    @Test func aDataChunkIsAtMostOneGiBADevice() {
        var f = CapacityTests.figures()
        f.deviceSize = 100 << 30
        f.dataRatio = 1
        f.devices = [.init(devid: 1, path: "/dev/loop0", size: 100 << 30)]
        #expect(ReclaimIOBudget.chunkBytes(.data, f, dataChunkSetting: 10 << 30) == 1 << 30)
        #expect(ReclaimIOBudget.charge(ReclaimRound(.data, usage: 5), completed: 8,
                                       chunkBytes: ReclaimIOBudget.chunkBytes(.data, f, dataChunkSetting: 10 << 30)) < 1 << 30,
                "eight chunks under 5% fit the timer's 1 GiB budget")
        f.devices.append(.init(devid: 2, path: "/var/lib/dockstore/reclaim-room.img", size: 10 << 30))
        #expect(ReclaimIOBudget.chunkBytes(.data, f, dataChunkSetting: 10 << 30) == 2 << 30, "a stripe on each device")
        f.deviceSize = 12 << 40
        f.devices = (1...12).map { .init(devid: $0, path: "/dev/nvme\($0)n1", size: 1 << 40) }
        #expect(ReclaimIOBudget.chunkBytes(.data, f, dataChunkSetting: 10 << 30) == 10 << 30, "the chunk size still caps")
        f.devices = []
        #expect(ReclaimIOBudget.chunkBytes(.data, f, dataChunkSetting: 10 << 30) == 10 << 30, "no device list read: no cap")
    }

    @Test func theResultAddsEveryRoundsBytes() {
        var result = ReclaimResult(outcome: .ioBudgetSpent, before: CapacityTests.figures())
        result.rounds = [
            .init(round: ReclaimRound(.data, usage: 0), considered: 10, relocated: 4, bytes: 0, seconds: 0.1, interrupted: false),
            .init(round: ReclaimRound(.data, usage: 20), considered: 6, relocated: 2, bytes: 40 << 20, seconds: 0.5, interrupted: true),
        ]
        #expect(result.chunksRelocated == 6)
        #expect(result.bytesRelocated == 40 << 20)
        let report = ReclaimReport(plan: ReclaimPlan(mountpoint: "/m", uuid: "u", before: result.before, problems: [], resumes: true,
                                                     cancelInterruptedBalance: false, rounds: [], room: nil, roomFirst: false, noRoom: nil, lent: 0),
                                   result: result, budget: Reclaimer.Budget(seconds: 120, bytes: 32 << 20))
        #expect(report.outcome == "io-budget-spent")
        #expect(report.bytesRelocated == 40 << 20)
        #expect(report.ioBudget == 32 << 20)
        #expect(report.rounds.map(\.bytes) == [0, 40 << 20])
    }
}
