import Testing
@testable import DockStoreCore

/// How every refusal and holder list names a loop device that shows a device's bytes: stacked on
/// it, or (attack 11, A-3, A-9) a second loop device over the file behind a loop device.
@Suite struct StackedLoopRelationTests {
    @Test func aStackedLoopDeviceIsOverTheDevice() {
        let stacked = StackedLoop(loop: "/dev/loop9", over: "/dev/loop3", mounted: true)
        #expect(stacked.relation(to: "it") == "a loop device over it")
        #expect(stacked.relation(to: "/dev/loop3, the store's device") == "a loop device over /dev/loop3, the store's device")
    }

    @Test func aSecondLoopDeviceOverTheFileNamesTheFile() {
        let shared = StackedLoop(loop: "/dev/loop9", over: "/dev/loop3", mounted: false, sharedFile: "/srv/disk.img")
        #expect(shared.relation(to: "it") == "a second loop device over /srv/disk.img, the file behind it")
        #expect(shared.relation(to: "/dev/loop3, the store's device") == "a second loop device over /srv/disk.img, the file behind /dev/loop3, the store's device")
    }

    /// Not a loop device (a regular file, a missing path): nothing shares its file.
    @Test func onlyALoopDeviceSharesAFile() throws {
        #expect(try LoopDevice.sharingFile(with: "/dev/null") == [])
        #expect(try LoopDevice.sharingFile(with: "/nonexistent/dockstore-test") == [])
    }
}
