import Testing
@testable import DockStoreCore

/// Attack 29 C-drift: which driver settings do not fit a store (`DriverCondition`).
@Suite struct DriverConditionTests {
    @Test(arguments: [
        ("btrfs", "overlay2", true), ("btrfs", "vfs", true), ("btrfs", "btrfs", false), ("btrfs", nil, false),
        ("xfs", "btrfs", true), ("ext4", "vfs", true), ("xfs", "overlay2", false), ("ext4", nil, false),
        ("tmpfs", "overlay2", false),
    ] as [(String, String?, Bool)])
    func judgesTheDriverAgainstTheStore(_ filesystem: String, _ driver: String?, _ warns: Bool) {
        let setting = driver.map { DockerdDriverSetting(driver: $0, source: "DOCKER_OPTS in /etc/sysconfig/docker") }
        let why = DriverCondition.elsewhere(setting, filesystem: filesystem)
        #expect((why != nil) == warns, "\(why ?? "fits")")
        if let why { #expect(why.hasSuffix("run dockstore backend \(filesystem == "btrfs" ? "btrfs" : "overlay2") (or dockstore provision)")) }
    }
}
