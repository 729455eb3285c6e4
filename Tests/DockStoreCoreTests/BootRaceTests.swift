import Glibc
import Testing
@testable import DockStoreCore

/// What provision decides when systemd or another process may be mounting the store at the
/// same moment: wait while a mount is under way, hand the mount to systemd when systemd
/// has the fstab line, never mount a loop device's options onto a loop device.
@Suite struct BootRaceTests {
    static let request: ProvisionRequest = { (try? ProvisionRequest()) ?? { fatalError("bad defaults") }() }()
    static let btrfs = BlockContent.signature(type: "btrfs", uuid: "u", label: "docker")
    static let mounted = ProvisionObservation.Mountpoint.mounted(
        MountEntry(source: "/dev/loop0", target: "/var/lib/docker", fstype: "btrfs", options: "rw", device: 1), ofImage: true)

    static func unit(_ active: String, source: String = "/etc/fstab", reload: Bool = false) -> SystemdMountUnit {
        SystemdMountUnit(name: "var-lib-docker.mount", loadState: "loaded", activeState: active, subState: "",
                         sourcePath: source, needsDaemonReload: reload)
    }

    static let settleCases: [(String, ProvisionObservation, Provisioner.Settling?)] = [
        ("nothing mounted, nothing under way", ProvisionObservation.fixture(image: .file(size: 1, allocated: 1, content: btrfs), mountpoint: .emptyFolder), nil),
        ("mounted", ProvisionObservation.fixture(mountpoint: mounted, imageMountedAt: ["/var/lib/docker"], imageLoops: ["/dev/loop0"], imageFilesystemOpen: true), nil),
        ("systemd's mount job runs", ProvisionObservation.fixture(mountpoint: .emptyFolder, mountUnit: unit("activating")), .mounting),
        ("systemd's mount job runs, mount already in the table", ProvisionObservation.fixture(mountpoint: mounted, mountUnit: unit("activating")), .mounting),
        ("systemd unmounting", ProvisionObservation.fixture(mountpoint: mounted, mountUnit: unit("deactivating")), .mounting),
        ("systemd's mount unit failed: decide now", ProvisionObservation.fixture(mountpoint: .emptyFolder, mountUnit: unit("failed")), nil),
        ("filesystem open, not yet in the mount table", ProvisionObservation.fixture(mountpoint: .emptyFolder, imageLoops: ["/dev/loop0"], imageFilesystemOpen: true), .mounting),
        ("filesystem open, folder already shows its files", ProvisionObservation.fixture(mountpoint: .nonEmptyFolder(["image"]), imageFilesystemOpen: true), .mounting),
        ("a loop device bound, nothing mounted yet", ProvisionObservation.fixture(mountpoint: .emptyFolder, imageLoops: ["/dev/loop0"]), .loopOnly),
        ("mounted elsewhere: the planner refuses", ProvisionObservation.fixture(mountpoint: .emptyFolder, imageMountedAt: ["/mnt"], imageLoops: ["/dev/loop0"], imageFilesystemOpen: true), nil),
    ]

    @Test(arguments: settleCases)
    func settles(_ name: String, _ observed: ProvisionObservation, _ expected: Provisioner.Settling?) {
        #expect(Provisioner.settling(observed, Self.request) == expected, "\(name)")
    }

    @Test func aDeviceStoreWaitsOnlyForSystemd() throws {
        let device = try ProvisionRequest(device: DeviceRequest(spec: .path("/dev/xvdf"), filesystem: .btrfs, wait: 0))
        #expect(Provisioner.settling(ProvisionObservation.fixture(mountpoint: .emptyFolder, imageLoops: ["/dev/loop0"], imageFilesystemOpen: true), device) == nil)
        #expect(Provisioner.settling(ProvisionObservation.fixture(mountpoint: .emptyFolder, mountUnit: Self.unit("activating")), device) == .mounting)
    }

    static let handOver: [(String, SystemdMountUnit, Bool)] = [
        ("loaded from fstab", unit("inactive"), true),
        ("loaded from fstab, failed at boot", unit("failed"), true),
        ("fstab changed since systemd read it", unit("inactive", reload: true), false),
        ("a unit file of the admin's, not the fstab line", unit("inactive", source: ""), false),
        ("fstab of another root", unit("inactive", source: "/mnt/etc/fstab"), false),
        ("unknown to systemd", SystemdMountUnit(name: "var-lib-docker.mount", loadState: "not-found", activeState: "inactive",
                                                 subState: "dead", sourcePath: "", needsDaemonReload: false), false),
    ]

    @Test(arguments: handOver)
    func handsTheMountToSystemdOnlyForTheLoadedFstabLine(_ name: String, _ unit: SystemdMountUnit, _ expected: Bool) {
        #expect(unit.mountsFromFstab("/etc/fstab") == expected, "\(name)")
    }

    static func status(_ type: mode_t, device: UInt64 = 0, inode: UInt64 = 0, rdev: UInt64 = 0) -> FileStatus {
        var st = stat()
        st.st_mode = type | 0o600
        st.st_dev = __dev_t(device)
        st.st_ino = __ino_t(inode)
        st.st_rdev = __dev_t(rdev)
        return FileStatus(st)
    }

    static func unit(what: String) -> SystemdMountUnit {
        var unit = unit("failed")
        unit.what = what
        return unit
    }

    /// Attack 18, B-F1: migrate-ebs killed after its replace; the fstab line still names the
    /// image (scratched by the replace) while the plan mounts the volume: systemd's unit must not
    /// be started, it fails at every boot.
    static let whatCases: [(String, SystemdMountUnit, String, String?, FileStatus?, FileStatus?, Bool)] = [
        ("the image line, image planned", unit(what: "/var/lib/docker-storage.btrfs"), "/var/lib/docker-storage.btrfs", nil, nil, nil, true),
        ("the image line, the volume planned (store moved)", unit(what: "/var/lib/docker-storage.btrfs"), "/dev/loop4", "u-1",
         status(S_IFREG, device: 5, inode: 9), status(S_IFBLK, rdev: 0x704), false),
        ("a UUID line, the device holding that UUID", unit(what: "/dev/disk/by-uuid/u-1"), "/dev/nvme1n1", "u-1", nil, status(S_IFBLK, rdev: 0x10301), true),
        ("a UUID line of another filesystem", unit(what: "/dev/disk/by-uuid/u-2"), "/dev/nvme1n1", "u-1", nil, status(S_IFBLK, rdev: 0x10301), false),
        ("the same device under another name", unit(what: "/dev/xvdf"), "/dev/nvme1n1", nil,
         status(S_IFBLK, rdev: 0x10301), status(S_IFBLK, rdev: 0x10301), true),
        ("another device", unit(what: "/dev/xvdg"), "/dev/nvme1n1", nil, status(S_IFBLK, rdev: 0x10302), status(S_IFBLK, rdev: 0x10301), false),
        ("the image through a link", unit(what: "/srv/store.btrfs"), "/var/lib/docker-storage.btrfs", nil,
         status(S_IFREG, device: 5, inode: 9), status(S_IFREG, device: 5, inode: 9), true),
        ("another file with the same inode number elsewhere", unit(what: "/srv/store.btrfs"), "/var/lib/docker-storage.btrfs", nil,
         status(S_IFREG, device: 6, inode: 9), status(S_IFREG, device: 5, inode: 9), false),
        ("What= not given: the store's line", unit(what: ""), "/var/lib/docker-storage.btrfs", nil, nil, nil, true),
        ("What= missing on disk", unit(what: "/dev/xvdg"), "/dev/nvme1n1", "u-1", nil, status(S_IFBLK, rdev: 0x10301), false),
    ]

    @Test(arguments: whatCases)
    func handsOverOnlyAUnitThatMountsWhatThePlanMounts(_ name: String, _ unit: SystemdMountUnit, _ source: String, _ uuid: String?,
                                                     _ what: FileStatus?, _ sourceStatus: FileStatus?, _ expected: Bool) {
        #expect(unit.mounts(source, uuid: uuid, whatStatus: what, sourceStatus: sourceStatus) == expected, "\(name)")
    }

    @Test func parsesSystemctlShow() {
        let text = "Id=var-lib-docker.mount\nLoadState=loaded\nActiveState=active\nSubState=mounted\nSourcePath=/etc/fstab\nNeedDaemonReload=no\nWhat=/var/lib/docker-storage.btrfs\n"
        let unit = SystemdMountUnit.parse(text, name: "var-lib-docker.mount")
        #expect(unit == SystemdMountUnit(name: "var-lib-docker.mount", loadState: "loaded", activeState: "active",
                                         subState: "mounted", sourcePath: "/etc/fstab", needsDaemonReload: false,
                                         what: "/var/lib/docker-storage.btrfs"))
        #expect(unit.summary == "var-lib-docker.mount from /etc/fstab: active (mounted)")
        let missing = SystemdMountUnit.parse("LoadState=not-found\nActiveState=inactive\nNeedDaemonReload=yes\n", name: "x.mount")
        #expect(missing.needsDaemonReload)
        #expect(missing.summary.contains("not-found"))
    }

    @Test func aLoopDeviceIsMountedWithoutTheLoopOption() {
        #expect(StoreMounter.withoutLoopOptions("nofail,loop,discard=async,x-systemd.before=dockstore-provision.service")
                == "nofail,discard=async,x-systemd.before=dockstore-provision.service")
        #expect(StoreMounter.withoutLoopOptions("loop=/dev/loop7,noatime") == "noatime")
        #expect(StoreMounter.withoutLoopOptions("noloop,loopy") == "noloop,loopy")
    }

    @Test func everyStoreLineOrdersItsMountBeforeProvision() throws {
        #expect(Self.request.requiredMountOptions.contains("x-systemd.before=dockstore-provision.service"))
        let device = try ProvisionRequest(device: DeviceRequest(spec: .path("/dev/xvdf"), filesystem: .btrfs, wait: 0))
        #expect(device.requiredMountOptions == ["nofail", "x-systemd.before=dockstore-provision.service"])
    }
}
