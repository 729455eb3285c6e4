import Testing
@testable import DockStoreCore

/// check's pure pieces behind attack 11 B's monitoring findings.
@Suite struct CheckMonitoringTests {
    /// B06: Nagios splits the plugin line at its first `|`; the text shows it as `\x7C`.
    @Test(arguments: [
        ("nothing is mounted at /var/lib/dock|er", "DOCKSTORE UNKNOWN - nothing is mounted at /var/lib/dock\\x7Cer"),
        ("a|b|c", "DOCKSTORE UNKNOWN - a\\x7Cb\\x7Cc"),
        ("plain", "DOCKSTORE UNKNOWN - plain"),
    ])
    func pipeIsEscapedInPluginText(message: String, line: String) {
        #expect(CapacityReport(unknown: message, mountpoint: "/x", timestamp: 0).nagios(policy: nil) == line)
    }

    /// B15: btrfs_statfs folds the fsid's big-endian words 0^2 and 1^3 (then the subvolume id in).
    @Test func fsidWordsFoldAsBtrfsStatfs() throws {
        let words = try #require(BtrfsFilesystem.fsidWords("7dafa79b-2a2d-4889-b8ad-3e0bad24150f"))
        #expect(words.0 == 0x7dafa79b ^ 0xb8ad3e0b)
        #expect(words.1 == 0x2a2d4889 ^ 0xad24150f)
        #expect(BtrfsFilesystem.fsidWords("features") == nil)
        #expect(BtrfsFilesystem.fsidWords("7dafa79b-2a2d-4889-b8ad-3e0bad24150g") == nil)
    }

    /// The factor btrfs_statfs divides the superblock's total bytes by: the data profile's.
    static let factors: [(flags: UInt64, factor: UInt64)] = [(1, 1), (1 | 32, 2), (1 | 16, 2), (1 | 512, 3), (1 | 1024, 4), (1 | 8, 1)]

    @Test(arguments: factors)
    func dataFactor(flags: UInt64, factor: UInt64) {
        let spaces = [BtrfsFilesystem.SpaceInfo(flags: 4 | 32, total: 1, used: 0), BtrfsFilesystem.SpaceInfo(flags: flags, total: 1, used: 0),
                      BtrfsFilesystem.SpaceInfo(flags: BtrfsSpaceFlags.globalReserve, total: 1, used: 0)]
        #expect(BtrfsFilesystem.dataFactor(spaces) == factor)
    }
}
