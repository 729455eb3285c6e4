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

    /// Attack 33 T 13: with DOCKSTORE_BACKEND naming that driver, provision keeps it at every
    /// boot: the remedy is backend alone, and names the setting.
    @Test func aBootSettingThatKeepsTheDriverIsNamed() {
        let setting = DockerdDriverSetting(driver: "overlay2", source: "DOCKER_OPTS in /etc/sysconfig/docker")
        let kept = DriverCondition.elsewhere(setting, filesystem: "btrfs", bootBackend: .overlay2, settingsPath: "/etc/sysconfig/dockstore")
        #expect(kept == "dockerd is set to the overlay2 storage driver (DOCKER_OPTS in /etc/sysconfig/docker), not btrfs: a dockerd started with it does not see the images and containers in the btrfs store; DOCKSTORE_BACKEND=overlay2 in /etc/sysconfig/dockstore keeps it so at every boot (dockstore provision applies it): run dockstore backend btrfs to use the store's images again")
        #expect(DriverCondition.elsewhere(setting, filesystem: "btrfs", bootBackend: .btrfs)?.hasSuffix("run dockstore backend btrfs (or dockstore provision)") == true)
        #expect(DriverCondition.elsewhere(setting, filesystem: "btrfs", bootBackend: nil)?.hasSuffix("run dockstore backend btrfs (or dockstore provision)") == true)
    }
}
