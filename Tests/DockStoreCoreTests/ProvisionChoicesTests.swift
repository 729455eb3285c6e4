import Testing
@testable import DockStoreCore

/// provision's one rule for combining its flags with /etc/sysconfig/dockstore
/// (`ProvisionFlags.choices(over:)`, then `ProvisionChoices.request`): each row is the flags
/// typed, the settings file, and the request made for the device they name (the image when
/// none), or the usage error.
@Suite struct ProvisionChoicesTests {
    static let vol = "vol-0abc1234def567890"

    /// The request in one line: the store, then what goes on the fstab line and the driver.
    static func shown(_ r: ProvisionRequest) -> String {
        var parts: [String]
        if let device = r.device {
            parts = ["device \(device.spec) \(device.filesystem.rawValue)", device.force ? "force" : "no force",
                     "volume \(device.volumeID?.description ?? "-")", "wait \(Int(device.wait))"]
        } else {
            parts = ["image \(ByteSize.format(r.size))\(r.sizeGiven ? "" : " (default)")", r.thick ? "thick" : "thin"]
        }
        if r.followsMigration { parts.append("follows the migration") }
        if !r.extraMountOptions.isEmpty { parts.append("options \(r.extraMountOptions.joined(separator: ","))") }
        if let driver = r.driver { parts.append(([driver.rawValue] + r.driverOptions.map(\.description)).joined(separator: " ")) }
        return parts.joined(separator: ", ")
    }

    static func answer(_ flags: ProvisionFlags, _ settings: String) -> String {
        do {
            let choices = try flags.choices(over: try ProvisionSettings.parse(settings, path: "/etc/sysconfig/dockstore"))
            return shown(try choices.request(image: HostPaths.defaultImage, mountpoint: HostPaths.defaultMountpoint, device: choices.device))
        } catch let error as DockStoreError {
            return "\(error.kind): \(error.message)"
        } catch {
            return "unexpected: \(error)"
        }
    }

    @Test(arguments: [
        // Nothing typed, nothing set: the default image.
        (ProvisionFlags(), "", "image 100 GiB (default), thin"),
        // The image's size and preallocation: the flag, else the key.
        (ProvisionFlags(size: "20G"), "DOCKSTORE_SIZE=50G\n", "image 20 GiB, thin"),
        (ProvisionFlags(), "DOCKSTORE_SIZE=50G\nDOCKSTORE_THICK=yes\n", "image 50 GiB, thick"),
        (ProvisionFlags(thick: true), "DOCKSTORE_SIZE=50G\n", "image 50 GiB, thick"),
        (ProvisionFlags(), "DOCKSTORE_THICK=no\n", "image 100 GiB (default), thin"),
        // The device: --device, else DOCKSTORE_DEVICE; each of its keys overridden by its flag.
        (ProvisionFlags(), "DOCKSTORE_DEVICE=/dev/xvdf\nDOCKSTORE_FS=xfs\nDOCKSTORE_WAIT=5\nDOCKSTORE_VOLUME_ID=\(vol)\n",
         "device /dev/xvdf xfs, no force, volume \(vol), wait 5"),
        (ProvisionFlags(device: "/dev/xvdg", filesystem: "ext4", wait: 3), "DOCKSTORE_DEVICE=/dev/xvdf\nDOCKSTORE_FS=xfs\nDOCKSTORE_WAIT=5\n",
         "device /dev/xvdg ext4, no force, volume -, wait 3"),
        (ProvisionFlags(device: "/dev/xvdg", force: true), "DOCKSTORE_WAIT=5\n", "device /dev/xvdg btrfs, force, volume -, wait 5"),
        (ProvisionFlags(device: vol), "", "device \(vol) btrfs, no force, volume -, wait 60"),
        // DOCKSTORE_SIZE and DOCKSTORE_THICK describe the image: a device store does not use them.
        (ProvisionFlags(device: "/dev/xvdf"), "DOCKSTORE_SIZE=50G\nDOCKSTORE_THICK=yes\n", "device /dev/xvdf btrfs, no force, volume -, wait 60"),
        (ProvisionFlags(), "DOCKSTORE_DEVICE=/dev/xvdf\nDOCKSTORE_SIZE=50G\n", "device /dev/xvdf btrfs, no force, volume -, wait 60"),
        // Keys that go with a device are not used without one (the settings may serve both).
        (ProvisionFlags(), "DOCKSTORE_FS=xfs\nDOCKSTORE_WAIT=5\n", "image 100 GiB (default), thin"),
        // --mount-options replaces DOCKSTORE_MOUNT_OPTIONS whole.
        (ProvisionFlags(mountOptions: "noatime"), "DOCKSTORE_MOUNT_OPTIONS=\"compress=zstd:1,noatime\"\n", "image 100 GiB (default), thin, options noatime"),
        (ProvisionFlags(), "DOCKSTORE_MOUNT_OPTIONS=\"compress=zstd:1\"\n", "image 100 GiB (default), thin, options compress=zstd:1"),
        (ProvisionFlags(mountOptions: "nofail,defaults"), "DOCKSTORE_MOUNT_OPTIONS=\"compress=zstd:1\"\n", "image 100 GiB (default), thin"),
        // The driver comes from the settings alone.
        (ProvisionFlags(), "DOCKSTORE_BACKEND=btrfs\nDOCKSTORE_BACKEND_OPTIONS=\"btrfs.min_space=10G\"\n", "image 100 GiB (default), thin, btrfs btrfs.min_space=10G"),
        // Usage errors name the flag (or the keys) and say what to do.
        (ProvisionFlags(size: "20G", device: "/dev/xvdf"), "", "usage: a size (--size, DOCKSTORE_SIZE) and --thick are for the image; a device store takes the whole device"),
        (ProvisionFlags(thick: true), "DOCKSTORE_DEVICE=/dev/xvdf\n", "usage: a size (--size, DOCKSTORE_SIZE) and --thick are for the image; a device store takes the whole device"),
        (ProvisionFlags(volumeID: vol), "", "usage: --volume-id goes with --device"),
        (ProvisionFlags(filesystem: "xfs"), "DOCKSTORE_FS=xfs\n", "usage: --fs goes with --device"),
        (ProvisionFlags(force: true), "", "usage: --force goes with --device"),
        (ProvisionFlags(wait: 5), "DOCKSTORE_WAIT=5\n", "usage: --wait goes with --device"),
        (ProvisionFlags(device: "/dev/xvdf", filesystem: "zfs"), "", "usage: --fs 'zfs' is not one of btrfs, xfs, ext4"),
        (ProvisionFlags(device: "/dev/xvdf", wait: 4000), "", "usage: --wait 4000.0 is out of range: give 0 to 3600 seconds"),
        (ProvisionFlags(device: "sdf"), "DOCKSTORE_DEVICE=/dev/xvdf\n", "usage: --device 'sdf' is neither a /dev path nor an EBS volume id; give e.g. /dev/xvdf, /dev/nvme1n1 or vol-0abc1234def567890"),
    ])
    func combinesFlagsOverSettings(_ flags: ProvisionFlags, _ settings: String, _ expected: String) {
        #expect(Self.answer(flags, settings) == expected, "\(flags) over \(settings.debugDescription)")
    }

    /// A flag's bad value is refused naming the flag, whatever the settings say.
    @Test(arguments: [
        (ProvisionFlags(size: "10Q"), "DOCKSTORE_SIZE=50G\n", "--size"),
        (ProvisionFlags(device: "/dev/xvdf", volumeID: "vol-1"), "DOCKSTORE_VOLUME_ID=\(vol)\n", "--volume-id"),
        (ProvisionFlags(mountOptions: "compress=zstd;reboot"), "DOCKSTORE_MOUNT_OPTIONS=noatime\n", "--mount-options"),
    ])
    func aBadFlagIsNamed(_ flags: ProvisionFlags, _ settings: String, _ flag: String) {
        let answer = Self.answer(flags, settings)
        #expect(answer.hasPrefix("usage: ") && answer.contains(flag) && !answer.contains("/etc/sysconfig"), "\(answer)")
    }

    /// After migrate-ebs the store is on the device provision follows, while the settings an
    /// image build baked in still describe the image: their size and preallocation are not the
    /// device's, so boot's provision brings the device up; a --size typed then is refused.
    @Test func theDeviceAMigrationMovedTheStoreToTakesNoImageSettings() throws {
        let settings = try ProvisionSettings.parse("DOCKSTORE_SIZE=\"200G\"\nDOCKSTORE_THICK=yes\nDOCKSTORE_WAIT=7\n", path: "s")
        let choices = try ProvisionFlags().choices(over: settings)
        #expect(choices.device == nil)
        let moved = try DeviceRequest(spec: .filesystemUUID("6f1c0e0a-1b7e-4d53-9d0a-3c1f4a2b5e6d"), wait: choices.wait)
        let request = try choices.request(image: HostPaths.defaultImage, mountpoint: HostPaths.defaultMountpoint,
                                          device: moved, followsMigration: true)
        #expect(Self.shown(request) == "device UUID=6f1c0e0a-1b7e-4d53-9d0a-3c1f4a2b5e6d btrfs, no force, volume -, wait 7, follows the migration")
        #expect(request.requiredMountOptions.first == "nofail" && !request.requiredMountOptions.contains("loop"))
        let typed = try ProvisionFlags(size: "20G").choices(over: settings)
        #expect(throws: DockStoreError.self) {
            try typed.request(image: HostPaths.defaultImage, mountpoint: HostPaths.defaultMountpoint, device: moved, followsMigration: true)
        }
    }
}
