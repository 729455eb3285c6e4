import Testing
@testable import DockStoreCore

/// Outside attack 12, B13: the per-minute textfile run recorded a rise and Nagios's own run a
/// minute later read "none new" (WARNING): a HARD CRITICAL never came. The record now keeps
/// when a run first saw the counters rise, and every run reading it says CRITICAL for
/// `--error-hold` (24h) from then; a reset (`btrfs device stats -z`) clears it.
@Suite struct DeviceErrorHoldTests {
    static let risen = 1_764_640_000.0 // 2025-12-02 01:46:40 UTC

    static func figures(_ errors: DeviceErrorCounters, record: DeviceErrorRecord?) -> CapacityFigures {
        var f = CapacityTests.figures()
        f.devices = [.init(devid: 1, path: "/dev/loop0", size: 1 << 30, errors: errors)]
        if let record { f.condition.errorBaseline = .recorded(record) }
        return f
    }

    static let seen = DeviceErrorRecord(counters: ["u/1": ["write_errs": 30]], rose: ["u/1": risen])

    @Test(arguments: [
        ("the rise itself", figures(["write_errs": 31], record: seen), 0.0, ErrorHold.default, CheckState.critical, "write_errs rising"),
        ("a minute later, another consumer", figures(["write_errs": 30], record: seen), 60.0, .default, .critical,
         "rising since 2025-12-02 01:46 UTC (CRITICAL for --error-hold 24h after a rise)"),
        ("a second before the hold ends", figures(["write_errs": 30], record: seen), 86_399.0, .default, .critical, "rising since"),
        ("the hold over", figures(["write_errs": 30], record: seen), 86_400.0, .default, .warning, "none new since 2025-12-02 01:46 UTC"),
        ("--error-hold 0", figures(["write_errs": 30], record: seen), 1.0, ErrorHold(seconds: 0), .warning, "none new since 2025-12-02 01:46 UTC"),
        ("--error-hold 1h, past it", figures(["write_errs": 30], record: seen), 3601.0, ErrorHold(seconds: 3600), .warning, "none new since"),
        ("a record of an older dockstore (no time): as before", figures(["write_errs": 30], record: ["u/1": ["write_errs": 30]]), 60.0, .default, .warning,
         "none new since the last check"),
        ("the clock set back before the rise: held", figures(["write_errs": 30], record: seen), -3600.0, .default, .critical, "rising since"),
    ])
    func holdJudgesTheRecordedRise(_ name: String, _ f: CapacityFigures, _ after: Double, _ hold: ErrorHold,
                                   _ state: CheckState, _ says: String) throws {
        var policy = try CapacityPolicy()
        policy.errorHold = hold
        let report = CapacityReport(figures: f, policy: policy, timestamp: Self.risen + after)
        let reason = try #require(report.reasons.first { $0.figure == "device_errors" }, "\(name)")
        #expect(reason.state == state, "\(name): \(reason.message)")
        #expect(reason.message.contains(says), "\(name): \(reason.message)")
        #expect(report.state == state, "\(name)")
    }

    @Test func aRiseIsStampedOnceAndAResetClearsIt() throws {
        var f = Self.figures(["write_errs": 30], record: [:])
        let first = try #require(DeviceErrorLedger.updated(f, now: 100))
        #expect(first == DeviceErrorRecord(counters: ["u/1": ["write_errs": 30]], rose: ["u/1": 100]))
        f.condition.errorBaseline = .recorded(first)
        #expect(DeviceErrorLedger.updated(f, now: 200) == nil, "the same counters: the record stays, its time too")
        f.devices[0].errors = ["write_errs": 31]
        #expect(DeviceErrorLedger.updated(f, now: 300)?.rose["u/1"] == 300, "a further rise starts the hold again")
        var zero = Self.figures(["write_errs": 0], record: nil)
        zero.condition.errorBaseline = .notNeeded
        let reset = try #require(DeviceErrorLedger.reset(zero, baseline: .recorded(first)))
        #expect(reset == DeviceErrorRecord(counters: ["u/1": ["write_errs": 0]], rose: [:]))
    }

    @Test func theRecordKeepsTheTime() {
        let record = DeviceErrorRecord(counters: ["u/1": ["write_errs": 3, "read_errs": 0], "v/2": ["corruption_errs": 1]], rose: ["u/1": 1_764_640_000])
        let text = DeviceErrorLedger.render(record)
        #expect(text.contains("\nu/1 write_errs=3 read_errs=0 rose=1764640000\n"), "\(text)")
        #expect(DeviceErrorLedger.parse(text) == record)
        #expect(DeviceErrorLedger.parse("u/1 write_errs=3 rose=99999999999999999999999\n") == ["u/1": ["write_errs": 3]], "a time that is no number is no time")
    }

    @Test(arguments: [("24h", 86_400.0), ("0", 0.0), ("90m", 5400.0), ("3600s", 3600.0), ("1d", 86_400.0), ("45", 45.0), ("366d", 366 * 86_400.0)] as [(String, Double)])
    func holdSpans(_ text: String, _ seconds: Double) throws {
        #expect(try ErrorHold(text).seconds == seconds)
    }

    @Test(arguments: ["", "h", "-1", "1.5h", "1w", "24 h", "367d", "+5", "99999999999"])
    func badHoldSpansAreRefused(_ text: String) {
        #expect(throws: DockStoreError.self) { try ErrorHold(text) }
    }

    @Test func holdText() {
        #expect(ErrorHold.default.text == "24h")
        #expect(ErrorHold(seconds: 0).text == "0s")
        #expect(ErrorHold(seconds: 5400).text == "90m")
        #expect(ErrorHold(seconds: 172_800).text == "2d")
        #expect(ErrorHold(seconds: 61).text == "61s")
    }
}
