import Testing
@testable import DockStoreCore

/// Outside attack 11, B16: while every counter is zero, a record still holding non-zero
/// counters of this filesystem means they were reset (`btrfs device stats -z`): the zeros are
/// recorded, so that errors which come again up to the old count are new (CRITICAL).
@Suite struct DeviceErrorResetTests {
    static let zeros: DeviceErrorCounters = ["write_errs": 0, "read_errs": 0, "flush_errs": 0, "corruption_errs": 0, "generation_errs": 0]

    static func figures() -> CapacityFigures {
        var f = CapacityTests.figures()
        f.devices = [.init(devid: 1, path: "/dev/loop0", size: 1 << 30, errors: zeros)]
        return f
    }

    @Test(arguments: [
        ("reset since the record: the zeros are recorded", DeviceErrorBaseline.recorded(["u/1": ["corruption_errs": 2], "v/1": ["write_errs": 1]]),
         ["u/1": zeros, "v/1": ["write_errs": 1]] as DeviceErrorRecord?),
        ("the zeros recorded already: nothing to write", .recorded(["u/1": zeros]), nil),
        ("no line of this filesystem: nothing to write", .recorded(["v/1": ["write_errs": 1]]), nil),
        ("no record: nothing to write", .recorded([:]), nil),
        ("an unreadable record: nothing to write", .unreadable("cannot read"), nil),
    ])
    func resetIsRecorded(_ name: String, _ baseline: DeviceErrorBaseline, _ expected: DeviceErrorRecord?) {
        #expect(DeviceErrorLedger.reset(Self.figures(), baseline: baseline) == expected, "\(name)")
    }

    /// The record after a reset, then the same errors again: rising, CRITICAL.
    @Test func theSameCountAfterTheRecordedResetIsCritical() throws {
        let recorded = try #require(DeviceErrorLedger.reset(Self.figures(), baseline: .recorded(["u/1": ["corruption_errs": 2]])))
        var f = Self.figures()
        f.devices[0].errors["corruption_errs"] = 2
        f.condition.errorBaseline = .recorded(recorded)
        let report = CapacityReport(figures: f, policy: try CapacityPolicy(), timestamp: 0)
        #expect(report.state == .critical, "\(report.reasons)")
    }
}
