/// The store also mounted in another mount namespace (attack 15, C14): a process that unshared
/// its mounts privately, or a separate mount of the same filesystem there, holds the store. The
/// unmount here would leave it mounted and writable there, the loop device bound (so
/// --delete-image could not delete the image after everything else was undone) and the device
/// in use. Copies that the unmount here propagates to (systemd's slave copies for its
/// sandboxed services) do not count (`ForeignMounts.find`).
///
/// Teardown refuses before its first step; with a running dockerd (whose containers hold
/// copies until it stops) the check comes at the unmount, once Docker has stopped; and after
/// the unmount teardown looks once more, so that what propagation did not take down is named
/// before the loop device is detached.
extension Teardowner {
    static func refuseForeignMounts(device: UInt64?, mountpoint: String, changed: Bool, proc: String = "/proc") throws {
        guard let device else { return }
        let foreign = try ForeignMounts.find(device: device, receivingUnmountsOf: try ForeignMounts.parentPeerGroup(at: mountpoint, proc: proc), proc: proc)
        guard !foreign.isEmpty else { return }
        let nothing = changed ? "nothing was unmounted" : "nothing was changed"
        throw DockStoreError.refused("refusing: Docker's storage at \(mountpoint) is also mounted in another mount namespace (\(foreign.described)), which its unmount here does not reach: it would stay mounted and written there, its loop device or device in use; \(nothing): \(foreign.remedy), then re-run")
    }

    /// A device store not mounted here but in another namespace (attack 16, A6c): teardown would
    /// take its fstab line, drop-in and storage flags while it stays mounted and written there
    /// (and the next dockerd could start on the bare folder). Refused before the first step.
    static func refuseMountedOnlyElsewhere(_ device: String, mountpoint: String, proc: String = "/proc") throws {
        guard let node = try FileStatus.following(device), node.kind == .blockDevice else { return }
        let foreign = try ForeignMounts.find(device: nil, blockDevices: [node.rdev], proc: proc)
        guard !foreign.isEmpty else { return }
        throw DockStoreError.refused("refusing: Docker's storage (\(device)) is not mounted at \(mountpoint) here but in another mount namespace (\(foreign.described)): taking its configuration down would leave it mounted and written there; nothing was changed: \(foreign.remedy), then re-run")
    }

    /// After the unmount: the filesystem `device` still mounted in another namespace.
    static func checkUnmountedEverywhere(device: UInt64, mountpoint: String, proc: String = "/proc") throws {
        let foreign = try ForeignMounts.find(device: device, proc: proc)
        guard !foreign.isEmpty else { return }
        throw DockStoreError.failed("unmounted Docker's storage at \(mountpoint) here, but it stays mounted in another mount namespace (\(foreign.described)); teardown stopped before detaching or changing any file: \(foreign.remedy), then re-run")
    }
}
