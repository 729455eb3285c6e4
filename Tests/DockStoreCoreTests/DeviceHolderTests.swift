import Testing
@testable import DockStoreCore

/// How provision names what holds a device it refuses: each kind of holder by what it is, so a
/// loop device over the volume is not called "device-mapper, LVM or RAID".
@Suite struct DeviceHolderTests {
    @Test(arguments: [
        ("dm-0", "dm-0 (device-mapper or LVM)"),
        ("md127", "md127 (software RAID)"),
        ("bcache0", "bcache0 (bcache)"),
        ("zram0", "zram0 (a kernel holder: ls /sys/class/block/zram0)"),
    ])
    func holderIsNamedByItsKind(name: String, described: String) {
        #expect(DeviceInspector.describeHolder(name) == described)
    }
}
