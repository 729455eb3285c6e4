import Testing
@testable import DockStoreCore

/// `MountStack`, the one reader of what is mounted over what at a mountpoint (attack 12, B02,
/// B10), and `MountedOver.verdict`, the words check, status, provision and teardown share.
struct MountStackTests {
    static let mountinfo = """
        22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
        90 22 0:51 / /r/var/lib/docker rw,relatime shared:60 - btrfs /dev/loop1 rw,space_cache=v2,subvolid=5,subvol=/
        91 90 254:0 /tmp/h /r/var/lib/docker rw,relatime shared:1 - ext4 /dev/vda rw
        92 22 7:2 / /r/other\\040place rw - ext4 /dev/loop2 rw
        """

    @Test func parsesMountinfoWithoutLibmount() {
        let entries = MountStack.parse(Self.mountinfo)
        #expect(entries.count == 4)
        #expect(entries[2] == MountEntry(source: "/dev/vda", target: "/r/var/lib/docker", fstype: "ext4", options: "rw,relatime",
                                         device: makeDevice(254, 0), root: "/tmp/h"))
        #expect(entries[3].target == "/r/other place" && entries[3].device == makeDevice(7, 2))
        #expect(MountStack.at("/r/other place", in: entries) == nil, "one mount is no stack")
    }

    @Test func namesWhatCoversTheStore() throws {
        let stack = try #require(MountStack.at("/r/var/lib/docker", in: MountStack.parse(Self.mountinfo)))
        #expect(stack.top.source == "/dev/vda")
        let over = try #require(stack.covering { _ in true })
        #expect(over == MountedOver(store: .init(source: "/dev/loop1", fstype: "btrfs"), over: [.init(source: "/dev/vda", fstype: "ext4", root: "/tmp/h")]))
        #expect(over.verdict(mountpoint: "/r/var/lib/docker") == "another filesystem (/dev/vda[/tmp/h], ext4) is mounted over the store (/dev/loop1, btrfs) at /r/var/lib/docker: Docker would write there, not on the store, and the store's figures cannot be read through it; unmount it (umount /r/var/lib/docker once), which leaves the store mounted")
        #expect(stack.covering { $0.source == "/dev/vda" } == nil, "the store on top is covered by nothing")
        #expect(stack.covering { $0.source == "/dev/loop9" } == nil, "no store in the stack")
    }

    @Test func theStoreMountedTwiceIsNotCovered() {
        let entry = MountEntry(source: "/dev/loop1", target: "/m", fstype: "btrfs", options: "rw", device: 51)
        #expect(MountStack.at("/m", in: [entry, entry])?.covering { _ in true } == nil)
    }

    @Test func severalOverTheStoreSayHowOftenToUnmount() {
        let over = MountedOver(store: .init(source: "/dev/loop1", fstype: "btrfs"),
                               over: [.init(source: "/dev/loop2", fstype: "ext4"), .init(source: "none", fstype: "tmpfs")])
        #expect(over.verdict(mountpoint: "/a b") == "2 other filesystems (/dev/loop2, ext4; none, tmpfs) are mounted over the store (/dev/loop1, btrfs) at /a b: Docker would write there, not on the store, and the store's figures cannot be read through it; unmount them (umount '/a b' twice), which leaves the store mounted")
    }
}
