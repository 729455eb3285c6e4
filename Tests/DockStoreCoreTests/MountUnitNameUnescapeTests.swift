@testable import DockStoreCore
import Testing

/// `MountUnitName.pathBytes(ofUnit:)` reads a unit name back into its path, as
/// `systemd-escape --unescape --path` does: the inverse of `MountUnitName.of` (provision names
/// the path a link led to when it last ran from the unit docker.service's drop-in waits for).
struct MountUnitNameUnescapeTests {
    @Test(arguments: ["/", "/var/lib/docker", "/srv/a b/docker", "/srv/a\tb/lib", "/srv/x-y/.hidden/docker", "/srv/é%/d"])
    func roundTrips(_ text: String) {
        let path = HostPath.resolved(text)
        #expect(MountUnitName.pathBytes(ofUnit: MountUnitName.of(path)) == Array(text.utf8), "\(MountUnitName.of(path))")
    }

    @Test func notAMountUnit() {
        #expect(MountUnitName.pathBytes(ofUnit: "docker.service") == nil)
        #expect(MountUnitName.pathBytes(ofUnit: "srv-a-docker.mount") == Array("/srv/a/docker".utf8))
    }
}
