@testable import DockStoreCore
import Testing

/// `UTCTime` computes the civil date itself (no gmtime_r): checked against dates `date -u` gives.
struct UTCTimeTests {
    @Test(arguments: [
        (0.0, "1970-01-01 00:00 UTC"),
        (59.9, "1970-01-01 00:00 UTC"),
        (-1.5, "1969-12-31 23:59 UTC"),
        (951_782_400, "2000-02-29 00:00 UTC"),
        (1_709_164_799, "2024-02-28 23:59 UTC"),
        (1_709_251_200, "2024-03-01 00:00 UTC"),
        (1_795_926_720, "2026-11-29 04:32 UTC"),
        (4_102_444_800, "2100-01-01 00:00 UTC"),
        (-2_208_988_800, "1900-01-01 00:00 UTC"),
    ] as [(Double, String)])
    func formatsAsDateDoes(_ seconds: Double, _ expected: String) {
        #expect(UTCTime.format(seconds) == expected)
    }
}
