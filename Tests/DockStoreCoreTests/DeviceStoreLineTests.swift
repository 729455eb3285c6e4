import Testing
@testable import DockStoreCore

/// Attack 12 B16: a plain provision (the boot unit's) finds an xfs or ext4 device store by the
/// fstab line `provision --device DEV --fs xfs|ext4` wrote, and by nothing less.
@Suite struct DeviceStoreLineTests {
    static let order = "x-systemd.before=dockstore-provision.service"

    @Test(arguments: [
        ("UUID=1b2c /var/lib/docker xfs nofail,\(order) 0 0", DeviceStoreLine(uuid: "1b2c", filesystem: .xfs)),
        ("UUID=3d4e /var/lib/docker ext4 nofail,\(order) 0 2", DeviceStoreLine(uuid: "3d4e", filesystem: .ext4)),
        ("UUID=3d4e /var/lib/docker/ ext4 \(order),nofail,noatime 0 2", DeviceStoreLine(uuid: "3d4e", filesystem: .ext4)),
        // An admin's own line (no ordering option): not taken as the store.
        ("UUID=3d4e /var/lib/docker ext4 defaults 0 2", nil),
        // Named by kernel name or label: not a line dockstore writes.
        ("/dev/nvme1n1 /var/lib/docker xfs nofail,\(order) 0 0", nil),
        ("LABEL=docker /var/lib/docker xfs nofail,\(order) 0 0", nil),
        ("UUID= /var/lib/docker xfs nofail,\(order) 0 0", nil),
        // btrfs lines are MigratedStore's; other filesystems are no store dockstore makes.
        ("UUID=5f6a /var/lib/docker btrfs nofail,\(order) 0 0", nil),
        ("UUID=5f6a /var/lib/docker vfat nofail,\(order) 0 0", nil),
        // Another mountpoint.
        ("UUID=1b2c /srv/docker xfs nofail,\(order) 0 0", nil),
    ] as [(String, DeviceStoreLine?)])
    func recognisesDockstoresLine(_ line: String, _ expected: DeviceStoreLine?) throws {
        let fstab = FstabFile(bytes: Array("# comment\n\(line)\n".utf8))
        #expect(DeviceStoreLine.find(in: fstab, mountpoint: HostPath.known("/var/lib/docker")) == expected)
    }

    @Test func theFirstLineAtTheMountpointDecides() {
        let fstab = FstabFile(bytes: Array("/img /var/lib/docker btrfs nofail 0 0\nUUID=1b2c /var/lib/docker xfs nofail,\(Self.order) 0 0\n".utf8))
        #expect(DeviceStoreLine.find(in: fstab, mountpoint: HostPath.known("/var/lib/docker")) == nil)
    }
}

/// The btrfs volume line migrate-ebs and `provision --device` write: only it makes a btrfs file of
/// another UUID at the image's name no store (`MigratedStore.volumeLineUUID`).
@Suite struct BtrfsVolumeLineTests {
    static let order = DeviceStoreLineTests.order

    @Test(arguments: [
        ("UUID=5f6a /var/lib/docker btrfs nofail,\(order) 0 0", "5f6a"),
        ("UUID=5f6a /var/lib/docker/ btrfs \(order),nofail,compress=zstd 0 0", "5f6a"),
        // An admin's own line, a line by name or label, an empty UUID, another type or mountpoint.
        ("UUID=5f6a /var/lib/docker btrfs defaults 0 0", nil),
        ("/dev/nvme1n1 /var/lib/docker btrfs nofail,\(order) 0 0", nil),
        ("LABEL=docker /var/lib/docker btrfs nofail,\(order) 0 0", nil),
        ("UUID= /var/lib/docker btrfs nofail,\(order) 0 0", nil),
        ("UUID=5f6a /var/lib/docker xfs nofail,\(order) 0 0", nil),
        ("UUID=5f6a /srv/docker btrfs nofail,\(order) 0 0", nil),
        // The image's own line.
        ("/var/lib/docker-storage.btrfs /var/lib/docker btrfs loop,nofail,\(order) 0 0", nil),
    ] as [(String, String?)])
    func findsDockstoresVolumeLine(_ line: String, _ expected: String?) {
        let fstab = FstabFile(bytes: Array("# comment\n\(line)\n".utf8))
        #expect(MigratedStore.volumeLineUUID(fstab, mountpoint: HostPath.known("/var/lib/docker")) == expected)
    }
}

/// Attack 12 B15: teardown's unmount re-check names the planned filesystem by its own
/// identity: a btrfs by its fsid, an xfs or ext4 by its UUID, type and device number.
@Suite struct MountedIdentityTests {
    static let xfs = MountedIdentity(device: 0x0705, uuid: "aa-11", fstype: "xfs")

    @Test(arguments: [
        // The store itself, found again.
        (xfs, MountedIdentity(device: 0x0705, uuid: "AA-11", fstype: "xfs"), true),
        // Another device with the same UUID (a copy, mkfs -U): not the store.
        (xfs, MountedIdentity(device: 0x0706, uuid: "aa-11", fstype: "xfs"), false),
        // Another filesystem on the same device number (reformatted and mounted again).
        (xfs, MountedIdentity(device: 0x0705, uuid: "bb-22", fstype: "xfs"), false),
        (xfs, MountedIdentity(device: 0x0705, uuid: "aa-11", fstype: "ext4"), false),
        // Its UUID cannot be read now: not proven the store.
        (xfs, MountedIdentity(device: 0x0705, uuid: nil, fstype: "xfs"), false),
        // A btrfs with the planned xfs's UUID: not the store.
        (xfs, MountedIdentity(device: 0x0000_0031, uuid: "aa-11", fstype: "btrfs"), false),
        // btrfs: the fsid alone (st_dev is a subvolume's anonymous device).
        (MountedIdentity(device: 0x0701, uuid: "cc-33"), MountedIdentity(device: 0x0000_0031, uuid: "cc-33"), true),
        (MountedIdentity(device: 0x0701, uuid: "cc-33"), MountedIdentity(device: 0x0000_0031, uuid: "dd-44"), false),
        (MountedIdentity(device: 0x0701, uuid: "cc-33"), MountedIdentity(device: 0x0701, uuid: "cc-33", fstype: "ext4"), false),
    ] as [(MountedIdentity, MountedIdentity, Bool)])
    func matchesByTheFilesystemsOwnIdentity(_ planned: MountedIdentity, _ found: MountedIdentity, _ same: Bool) {
        #expect(planned.matches(found, tableDevice: { nil }) == same)
    }

    @Test func withoutAUUIDThePlanMatchesByTheMountTablesDevice() {
        let planned = MountedIdentity(device: 42, uuid: nil, fstype: "xfs")
        let found = MountedIdentity(device: 42, uuid: nil, fstype: "xfs")
        #expect(planned.matches(found, tableDevice: { 42 }))
        #expect(!planned.matches(found, tableDevice: { 43 }))
        #expect(!planned.matches(found, tableDevice: { nil }))
    }

    @Test func namesWhatIsMounted() {
        #expect(Self.xfs.description == "the xfs aa-11 on device 7:5")
        #expect(MountedIdentity(device: 49, uuid: "cc-33").description == "the btrfs cc-33")
        #expect(MountedIdentity(device: 0x0705, uuid: nil, fstype: "ext4").foundDescription
                == "a filesystem (ext4) whose UUID cannot be read (device 7:5)")
        #expect(MountedIdentity(device: 0x0705, uuid: nil, fstype: "").foundDescription
                == "a filesystem whose UUID cannot be read (device 7:5)")
    }
}
