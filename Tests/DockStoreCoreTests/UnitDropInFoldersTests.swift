@testable import DockStoreCore
import Testing

@Suite struct UnitDropInFoldersTests {
    /// The drop-in folders in systemd 252's order: each name's own and its dash prefixes' along
    /// the search path, then the type-wide `service.d` along it (attack 18, A-F8).
    @Test func dropInFoldersInSystemdsOrder() {
        let folders = SystemdUnitFiles.dropInFolders(names: ["my-docker.service"], type: "service.d")
        let etc = folders.filter { $0.hasPrefix("/etc/systemd/system/") }
        #expect(etc == ["/etc/systemd/system/my-docker.service.d", "/etc/systemd/system/my-.service.d", "/etc/systemd/system/service.d"])
        let last = folders.firstIndex(of: "/lib/systemd/system/my-.service.d") ?? folders.endIndex
        let firstWide = folders.firstIndex(of: "/etc/systemd/system.control/service.d") ?? -1
        #expect(last < firstWide, "every unit folder comes before every type-wide one")
        #expect(SystemdUnitFiles.dropInFolders(names: ["a-b-c.service"], type: "service.d").prefix(3)
                == ["/etc/systemd/system.control/a-b-c.service.d", "/etc/systemd/system.control/a-b-.service.d", "/etc/systemd/system.control/a-.service.d"])
    }
}
