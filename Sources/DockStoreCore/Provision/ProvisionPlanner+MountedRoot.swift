extension ProvisionPlanner {
    /// After provision mounted a btrfs store itself (its plan saw nothing mounted, so its
    /// warnings could not say it): the warnings `checkMountedRoot` gives of a subvolume flagged
    /// read-only or a data root with chattr's i or a. Another subvolume than the top level was
    /// refused by the mount step already. One that cannot be read is a warning saying so.
    public static func mountedRootWarnings(_ steps: [ProvisionStep], mountpoint: String) -> [String] {
        guard steps.contains(where: { if case .mount(_, "btrfs", _) = $0 { return true } else { return false } }) else { return [] }
        do {
            return RootStateRules.evaluate(try BtrfsRootState.read(at: mountpoint), mountpoint: mountpoint).map(\.message)
        } catch let error as DockStoreError {
            return ["cannot tell whether Docker can write at \(mountpoint) (the subvolume's read-only flag, the data root's attributes): \(error.message)"]
        } catch {
            return ["cannot tell whether Docker can write at \(mountpoint): \(error)"]
        }
    }
}

extension ProvisionPlanner {
    /// The store's btrfs mounted on a device that holds less than btrfs claims on it (attack 12,
    /// A1: the image truncated under it and `losetup -c`, a partition shrunk): writes past the
    /// device's end fail and the next mount fails. A warning at every provision, as check's
    /// CRITICAL `device_smaller_than_filesystem` says it; what cannot be read is a warning too.
    static func shrunkDeviceWarnings(mountpoint: String, sysfs: String = "/sys") -> [String] {
        let usage: BtrfsFilesystem.Usage
        do {
            usage = try BtrfsFilesystem.usage(at: mountpoint)
        } catch {
            return ["cannot tell whether the devices of the btrfs at \(mountpoint) still hold its size: \((error as? DockStoreError)?.message ?? "\(error)")"]
        }
        var warnings: [String] = []
        let named = MemberDevices.read(usage.members, uuid: usage.uuid, sysfs: sysfs)
        for member in usage.members where !member.path.isEmpty {
            do {
                // The device the kernel holds, not what the path btrfs lists reaches now (attack 49 S B22).
                let bytes: UInt64
                switch named[member.devid] {
                case .device(let name)?: bytes = try BlockDeviceSize.bytes(ofKernelName: name, sysfs: sysfs)
                case .unknown(let why)?: throw DockStoreError.failed("cannot tell which device btrfs device \(member.devid) is: \(why)")
                case nil: bytes = try BlockDeviceSize.bytes(of: member.path, sysfs: sysfs)
                }
                guard bytes < member.size else { continue }
                let fix = member.path.split(separator: "/").last?.hasPrefix("loop") == true
                    ? "grow the image back before anything is written: dockstore grow --to \(LimitRules.exactSize(member.size))"
                    : "grow the device back to at least \(member.size) bytes before anything is written"
                warnings.append("the btrfs at \(mountpoint) claims \(ByteSize.format(member.size)) on \(member.path) (devid \(member.devid)), but the device holds only \(ByteSize.format(bytes)): writes past its end fail and are lost, and the next mount fails (device total_bytes should be at most \(bytes)); \(fix)")
            } catch {
                warnings.append("cannot tell whether \(member.path) still holds the \(ByteSize.format(member.size)) the btrfs at \(mountpoint) claims on it: \((error as? DockStoreError)?.message ?? "\(error)")")
            }
        }
        return warnings
    }
}
