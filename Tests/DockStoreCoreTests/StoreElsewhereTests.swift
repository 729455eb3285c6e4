import Testing
@testable import DockStoreCore

/// `StoreElsewhere.find` as a table: which mounts are a store dockstore set up elsewhere in the
/// root (provision refuses, issue 15 D9) and which are not (the boot unit runs provision: a
/// mount that is not really dockstore's, or is the store asked for reached another way, must
/// never stop it). Root /r, mountpoint /r/srv/docker, image /r/srv/store.img, the store at the
/// mountpoint (when one is) st_dev 7.
@Suite struct StoreElsewhereTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var target = "/r/var/lib/docker"
        var fstype = "btrfs"
        var device: UInt64 = 9
        var label: String? = "docker"
        var uuid: String? = "u1"
        var backing: String? = "/r/var/lib/docker-storage.btrfs"
        var root = "/r"
        var mountedDevice: UInt64? = nil
        /// Whether the mount is at one of this root's own places (its target, unless `ownImage`).
        var own = true
        var ownImage = false
        /// This root's fstab has a line for the mount's target (a finished store).
        var inFstab = false
        var fires: Bool
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "D9: the killed first run's store at /var/lib/docker, nothing at the mountpoint asked for", fires: true),
        Row(name: "D9 with another store mounted at the mountpoint asked for", mountedDevice: 7, fires: true),
        Row(name: "its image deleted while mounted (the kernel's \" (deleted)\")", backing: "/r/var/lib/docker-storage.btrfs (deleted)", fires: true),
        Row(name: "on the running system (root /): any mount is inside", target: "/var/lib/docker", backing: "/var/lib/docker-storage.btrfs",
            root: "/", fires: true),
        Row(name: "mounted at the mountpoint asked for", target: "/r/srv/docker", fires: false),
        Row(name: "mounted under the mountpoint asked for", target: "/r/srv/docker/volumes/x", fires: false),
        Row(name: "a bind mount of the store at the mountpoint (same st_dev)", device: 7, mountedDevice: 7, fires: false),
        Row(name: "over the image asked for (provision's own refusal names it)", backing: "/r/srv/store.img", fires: false),
        Row(name: "the image asked for, deleted while mounted", backing: "/r/srv/store.img (deleted)", fires: false),
        Row(name: "a copy of the image asked for (its btrfs UUID), mounted elsewhere", uuid: "asked", fires: false),
        Row(name: "another label", label: "data", fires: false),
        Row(name: "no label", label: nil, fires: false),
        Row(name: "unreadable (no UUID)", uuid: nil, fires: false),
        Row(name: "F8: a device store (an EBS volume) at this root's own mountpoint", backing: nil, fires: true),
        Row(name: "F8: a loop device over a file outside the root (a device, as provision --device takes it) at an own mountpoint",
            backing: "/var/lib/docker-storage.btrfs", fires: true),
        Row(name: "a device store at no place of this root's own", target: "/r/mnt/other", backing: nil, own: false, fires: false),
        Row(name: "a device store whose only own place is the image (a device has none)", target: "/r/mnt/other", backing: nil,
            ownImage: true, fires: false),
        Row(name: "a device store under another label", label: "data", backing: nil, fires: false),
        Row(name: "a device store mounted at the mountpoint asked for", target: "/r/srv/docker", backing: nil, fires: false),
        Row(name: "a device store that is the filesystem at the mountpoint (a bind mount)", device: 7, backing: nil, mountedDevice: 7, fires: false),
        Row(name: "its file in a folder named like the root: outside it, so a device store at an own mountpoint", backing: "/r2/store.img", fires: true),
        Row(name: "its file in a folder named like the root, at no own place", target: "/r/mnt/other", backing: "/r2/store.img", own: false, fires: false),
        Row(name: "mounted outside the root", target: "/var/lib/docker", fires: false),
        Row(name: "not btrfs", fstype: "ext4", fires: false),
        Row(name: "at no place of this root's own: another tree's store under --root / (an image being built)",
            target: "/mnt/image/var/lib/docker", backing: "/mnt/image/var/lib/docker-storage.btrfs", root: "/", own: false, fires: false),
        Row(name: "at no place of this root's own, inside the root", target: "/r/mnt/other", own: false, fires: false),
        Row(name: "mounted elsewhere, its image this root's own (the settings' or default image)", target: "/r/mnt/other", ownImage: true, fires: true),
        Row(name: "the same, its image deleted while mounted", target: "/r/mnt/other", backing: "/r/var/lib/docker-storage.btrfs (deleted)",
            ownImage: true, fires: true),
        Row(name: "a finished store: this root's fstab has a line for where it is mounted", inFstab: true, fires: false),
        Row(name: "a finished store elsewhere whose image is this root's own", target: "/r/mnt/other", ownImage: true, inFstab: true, fires: false),
    ]

    @Test(arguments: rows)
    func find(_ row: Row) {
        let entry = MountEntry(source: "/dev/loop3", target: row.target, fstype: row.fstype, options: "rw", device: row.device)
        let candidate = StoreElsewhere.Candidate(entry: entry, label: row.label, uuid: row.uuid, backingFile: row.backing)
        let root = row.root
        let found = StoreElsewhere.find([candidate], root: root, mountpoint: root == "/" ? "/srv/docker" : "/r/srv/docker",
                                        mountedDevice: row.mountedDevice, image: root == "/" ? "/srv/store.img" : "/r/srv/store.img",
                                        imageUUID: "asked", label: "docker", own: Self.own(row))
        let image = row.backing.flatMap { StoreElsewhere.inside($0, root: root) ? $0 : nil }
        #expect(found == (row.fires ? [StoreElsewhere(target: row.target, source: "/dev/loop3", image: image, uuid: row.uuid ?? "")] : []))
    }

    static func own(_ row: Row) -> StoreElsewhere.OwnPlaces {
        let inFstab: Set<String> = row.inFstab ? [row.target] : []
        guard row.own else { return StoreElsewhere.OwnPlaces(targets: [], images: [], inFstab: inFstab) }
        guard row.ownImage else { return StoreElsewhere.OwnPlaces(targets: [row.target], images: [], inFstab: inFstab) }
        return StoreElsewhere.OwnPlaces(targets: [], images: ["/r/var/lib/docker-storage.btrfs"], inFstab: inFstab)
    }

    @Test func oneStoreMountedTwiceIsNamedOnce() {
        let entries = ["/r/var/lib/docker", "/r/mnt/again"].map {
            StoreElsewhere.Candidate(entry: MountEntry(source: "/dev/loop3", target: $0, fstype: "btrfs", options: "rw", device: 9),
                                     label: "docker", uuid: "u1", backingFile: "/r/var/lib/docker-storage.btrfs")
        }
        let found = StoreElsewhere.find(entries, root: "/r", mountpoint: "/r/srv/docker", mountedDevice: nil, image: "/r/srv/store.img", label: "docker",
                                        own: StoreElsewhere.OwnPlaces(targets: ["/r/var/lib/docker"], images: []))
        #expect(found.map(\.target) == ["/r/var/lib/docker"])
    }

    @Test func theRefusalNamesTheMountItsImageAndBothWaysOutInOneLine() throws {
        let other = StoreElsewhere(target: "/r/var/lib/docker", source: "/dev/loop3", image: "/r/var/lib/docker-storage.btrfs", uuid: "u1")
        let host = try Host(root: "/")
        let error = other.refusal(asked: "/srv/docker", host: host)
        #expect(error.kind == .refused)
        #expect(!error.message.contains("\n"))
        #expect(error.message.hasPrefix("/r/var/lib/docker has a store dockstore set up mounted on it (/dev/loop3, the image /r/var/lib/docker-storage.btrfs, btrfs u1), not at /srv/docker"))
        #expect(error.message.contains("(dockstore provision --mountpoint /r/var/lib/docker --image /r/var/lib/docker-storage.btrfs)"))
        #expect(error.message.contains("(dockstore teardown --mountpoint /r/var/lib/docker --image /r/var/lib/docker-storage.btrfs)"))
        #expect(StoreElsewhere.hostPath("/r/var/lib/docker", root: "/r") == "/var/lib/docker")
    }

    @Test func aDeviceStoresRefusalNamesTheDeviceForProvisionAndTheMountpointForTeardown() throws {
        let other = StoreElsewhere(target: "/var/lib/docker", source: "/dev/nvme1n1", image: nil, uuid: "u1")
        let error = other.refusal(asked: "/srv/docker", host: try Host(root: "/"))
        #expect(error.kind == .refused)
        #expect(error.message == "/var/lib/docker has a store dockstore set up mounted on it (the device /dev/nvme1n1, btrfs u1), not at /srv/docker: dockstore keeps one store per root; finish that one (dockstore provision --mountpoint /var/lib/docker --device /dev/nvme1n1) or take it down (dockstore teardown --mountpoint /var/lib/docker), then re-run; nothing was changed")
    }
}
