@testable import DockStoreCore
import Testing

/// teardown and the mount unit's drop-in (attack 18 B-F2; attack 20 E-F5): dockstore's goes, and
/// one an admin edited is refused before any step, since its condition on the deleted image would
/// skip every later mount at the mountpoint.
@Suite struct TeardownMountDropInTests {
    static let host: Host = { (try? Host(root: "/")) ?? { fatalError("no /") }() }()

    @Test func dockstoresGoesAnEditedOneIsRefused() throws {
        var o = TeardownObservation.fixture(imageExists: true, fstab: "")
        o.mountDropIn = .dockstore
        let steps = try TeardownPlanner.plan(o, TeardownRequest(), Self.host)
        #expect(steps.contains(.removeMountDropIn(path: MountDropIn.path(unitPath: HostPaths.defaultMountpoint))), "\(steps.map(\.id))")
        o.mountDropIn = .foreign("its lines are not the ones dockstore writes")
        do {
            _ = try TeardownPlanner.plan(o, TeardownRequest(), Self.host)
            Issue.record("an edited mount drop-in was not refused")
        } catch let error as DockStoreError {
            #expect(error.kind == .refused)
            #expect(error.message.contains("/etc/systemd/system/var-lib-docker.mount.d/dockstore.conf is not the drop-in dockstore writes"), "\(error.message)")
        }
    }
}
