import Testing
@testable import DockStoreCore

/// The planning rules behind issue 15's refusals, as tables: mount options that leave a store
/// Docker cannot use, folders that let someone else replace the settings file, a path that
/// names a folder where a file belongs, grow's check of an image outside --root, and when
/// teardown has nothing to do.
@Suite struct RefusalRulesTests {
    static let unusableOptions: [(String, String?)] = [
        ("ro", "read-only"),
        ("noexec", "no container could start"),
        ("user", "implies noexec"),
        ("users", "implies noexec"),
        ("owner", "implies noexec"),
        ("group", "implies noexec"),
        ("nosymfollow", "inheriting it: no container whose program path holds a link"),
        ("offset=4096", "loop device option"),
        ("sizelimit=1048576", "loop device option"),
        ("loop=/dev/loop9", "loop device option"),
        ("bind", "mount(8) operation"), ("rbind", "mount(8) operation"), ("move", "mount(8) operation"),
        ("remount", "mount(8) operation"), ("rshared", "mount(8) operation"), ("make-private", "mount(8) operation"),
        ("rw", nil), ("noatime", nil), ("compress=zstd:1", nil), ("nosuid", nil), ("nodev", nil),
        ("exec", nil), ("space_cache=v2", nil), ("subvol=/docker", nil),
    ]

    @Test(arguments: unusableOptions)
    func mountOptionsDockerCannotUseAreRefused(_ option: String, _ says: String?) {
        do {
            let parsed = try MountOptions.parse("noatime,\(option)", what: "--mount-options")
            #expect(says == nil, "\(option) was accepted: \(parsed)")
            #expect(parsed == ["noatime", option])
        } catch let error as DockStoreError {
            #expect(error.kind == .usage, "\(option)")
            #expect(says.map { error.message.contains($0) } == true, "\(option): \(error.message)")
            #expect(error.message.hasPrefix("--mount-options '\(option)' ") && error.message.hasSuffix("; leave it out"), "\(error.message)")
            #expect(!error.message.contains("\n"))
        } catch {
            Issue.record("\(option): \(error)")
        }
    }

    /// Attack 26: a value quoted whole, as libmount reads it (an SELinux context with MCS
    /// categories holds a comma), is one option and carried as written; other quotes are not.
    @Test(arguments: [
        ("context=\"system_u:object_r:container_file_t:s0:c1,c2\",noatime",
         ["context=\"system_u:object_r:container_file_t:s0:c1,c2\"", "noatime"], nil),
        ("noatime,context=\"system_u:object_r:container_file_t:s0\"", ["noatime", "context=\"system_u:object_r:container_file_t:s0\""], nil),
        ("context=\"a,b", nil, "has a double quote that is not closed"),
        ("co\"nt\"ext=a", nil, "contains '\"' except around a whole value (key=\"value\"), which dockstore does not write into fstab"),
        ("context=\"a b\"", nil, "contains ' ', which dockstore does not write into fstab (it takes letters, digits and ._=:/+-@)"),
        ("context=\"a%b\"", nil, "contains '%', which dockstore does not write into fstab"),
        // Attack 47 Q 12: a template unit, a SUSE subvolume.
        ("x-systemd.requires=systemd-cryptsetup@vol.service,subvol=/@/docker", ["x-systemd.requires=systemd-cryptsetup@vol.service", "subvol=/@/docker"], nil),
    ] as [(String, [String]?, String?)])
    func aValueQuotedWholeIsOneOption(_ text: String, _ parsed: [String]?, _ refusal: String?) {
        do {
            let options = try MountOptions.parse(text, what: "--mount-options")
            #expect(options == parsed, "\(options)")
        } catch let error as DockStoreError {
            #expect(error.kind == .usage && refusal.map { error.message.contains($0) } == true, "\(error.message)")
        } catch {
            Issue.record("\(error)")
        }
    }

    /// Outside attack 12, B05: nosuid and nodev are kept (a hardening choice) and said, since
    /// dockerd's driver mounts every container's files from the store.
    @Test func nosuidAndNodevAreKeptWithAWarningAboutContainers() throws {
        #expect(try MountOptions.parse("nosuid,nodev,noatime", what: "--mount-options") == ["nosuid", "nodev", "noatime"])
        let effects = MountOptions.containerEffects(["noatime", "nosuid", "nodev"])
        #expect(effects.count == 2)
        #expect(effects.first?.hasPrefix("mount option nosuid reaches every container's files: setuid programs") == true)
        #expect(effects.last?.hasPrefix("mount option nodev reaches every container's files") == true)
        #expect(MountOptions.containerEffects(["noatime", "compress=zstd:1"]).isEmpty)
    }

    /// Outside attack 11, B12: nosymfollow was accepted, and dockerd's btrfs driver bind-mounts its
    /// folder on the store inheriting it, so no container whose program path holds a link starts.
    @Test func theSettingsFileRefusesNosymfollowNamingItsLine() {
        #expect(throws: DockStoreError.usage("/etc/sysconfig/dockstore line 2: DOCKSTORE_MOUNT_OPTIONS 'nosymfollow' \(MountOptions.unusable("nosymfollow") ?? ""); leave it out")) {
            try ProvisionSettings.parse("DOCKSTORE_SIZE=\"1G\"\nDOCKSTORE_MOUNT_OPTIONS=\"noatime,nosymfollow\"\n", path: "/etc/sysconfig/dockstore")
        }
    }

    @Test func theSettingsFileRefusesTheSameOptionsNamingItsLine() {
        #expect(throws: DockStoreError.self) {
            try ProvisionSettings.parse("DOCKSTORE_MOUNT_OPTIONS=\"noatime,ro\"\n", path: "/etc/sysconfig/dockstore")
        }
        do {
            _ = try ProvisionSettings.parse("DOCKSTORE_MOUNT_OPTIONS=\"ro\"\n", path: "/etc/sysconfig/dockstore")
        } catch let error as DockStoreError {
            #expect(error.kind == .usage && error.message.hasPrefix("/etc/sysconfig/dockstore line 1: DOCKSTORE_MOUNT_OPTIONS 'ro' mounts the store read-only"), "\(error.message)")
        } catch {
            Issue.record("\(error)")
        }
    }

    /// (owner, mode, the reason or nil when the folder is safe)
    static let folders: [(UInt32, UInt32, String?)] = [
        (0, 0o755, nil), (0, 0o700, nil), (0, 0o555, nil),
        (0, 0o1777, nil), (0, 0o1775, nil),
        (0, 0o777, "writable by its group and others without the sticky bit (mode 777)"),
        (0, 0o775, "writable by its group without the sticky bit (mode 775)"),
        (0, 0o757, "writable by others without the sticky bit (mode 757)"),
        (1000, 0o755, "owned by uid 1000, not root"),
        (1000, 0o1777, "owned by uid 1000, not root"),
    ]

    @Test(arguments: folders)
    func aFolderOnTheSettingsPathMustBeRootsAlone(_ uid: UInt32, _ mode: UInt32, _ says: String?) {
        #expect(ProvisionSettings.looseness(uid: uid, mode: mode) == says, "uid \(uid) mode \(String(mode, radix: 8))")
    }

    static let imagePaths: [(String, Bool)] = [
        ("/var/lib/x.btrfs/", false), ("/var/lib/x.btrfs//", false), ("/", false),
        ("/var/lib/x.btrfs", true), ("/srv/store/image", true),
    ]

    @Test(arguments: imagePaths)
    func anImagePathEndingInASlashNamesAFolder(_ text: String, _ accepted: Bool) {
        do {
            let path = try HostPath.file(text, what: "--image")
            #expect(accepted, "\(text) was accepted as \(path)")
        } catch let error as DockStoreError {
            #expect(!accepted, "\(text): \(error.message)")
            #expect(error.kind == .usage)
            #expect((error.message.contains("ends with '/'") && error.message.contains("--image '\(text)'")), "\(error.message)")
        } catch {
            Issue.record("\(text): \(error)")
        }
    }

    @Test func growRefusesToExtendAnImageOutsideTheRootWhenItPlans() throws {
        let image = HostBacking(image: "/tmp/outside.img", apparentBytes: 1 << 30, allocatedBytes: 100 << 20, hostAvailableBytes: 10 << 30)
        var device = GrowObservation.Device(devid: 1, path: "/dev/loop0", btrfsSize: 1 << 30, blockSize: 1 << 30, image: image)
        device.imageOutsideRoot = "/srv/root"
        let observed = GrowObservation(mountpoint: "/srv/root/var/lib/docker", fstype: "btrfs", uuid: "u", devices: [device])
        do {
            let plan = try GrowPlanner.plan(observed, to: 2 << 30, allowOvercommit: false)
            Issue.record("planned \(plan.steps.map(\.id))")
        } catch let error as DockStoreError {
            #expect(error.kind == .refused)
            #expect(error.message == "refusing to extend /tmp/outside.img: it lies outside --root /srv/root; nothing was extended")
        }
        // Nothing to extend: the image is not written, so the run does not refuse either.
        #expect(try GrowPlanner.plan(observed, to: 1 << 30, allowOvercommit: false).steps.isEmpty)
    }

    static let host: Host = { (try? Host(root: "/")) ?? { fatalError("no /") }() }()

    /// (case, observation, the steps)
    static let teardowns: [(String, TeardownObservation, [String])] = [
        ("never provisioned, the boot unit not enabled", { var o = TeardownObservation.fixture(fstab: ""); o.provisionUnitEnabled = false; return o }(), []),
        ("never provisioned, no fstab, the boot unit not enabled", { var o = TeardownObservation.fixture(); o.provisionUnitEnabled = false; return o }(), []),
        ("never provisioned, the boot unit enabled", TeardownObservation.fixture(fstab: ""), ["disable-boot"]),
        ("a dockstore drop-in left, the boot unit not enabled", { var o = TeardownObservation.fixture(dropIn: .dockstore); o.provisionUnitEnabled = false; return o }(),
         ["disable-boot", "drop-in"]),
    ]

    @Test(arguments: teardowns)
    func teardownWithNothingToTakeDownAndNothingAtBootDoesNothing(_ name: String, _ observed: TeardownObservation, _ steps: [String]) throws {
        #expect(try TeardownPlanner.plan(observed, TeardownRequest(), Self.host).map(\.id) == steps, "\(name)")
    }
}
