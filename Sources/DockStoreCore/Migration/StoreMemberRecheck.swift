/// The pure re-check of a migration step that acts on the mounted store or one of its
/// members, at the moment it acts: the btrfs at the mountpoint is still the store the plan
/// saw (its filesystem UUID), and the member the step moves, shrinks or removes is still the
/// device the plan meant (its device UUID under `devid`, never its kernel name). A devid that
/// is gone is no refusal: the step finds its work done (a re-run after it acted) and skips.
public enum StoreMemberRecheck {
    public static func check(_ reading: BtrfsReading, store: String, devid: UInt64? = nil, deviceUUID: String? = nil,
                             path: String, mountpoint: String) throws {
        guard reading.uuid.lowercased() == store.lowercased() else {
            throw DockStoreError.refused("refusing: the btrfs at \(mountpoint) is now \(reading.uuid), not the store \(store) dockstore planned for; nothing was changed: look with findmnt \(mountpoint) and re-run")
        }
        guard let devid, let planned = deviceUUID,
              let member = reading.devices.first(where: { $0.devid == devid }) else { return }
        guard let actual = member.deviceUUID else {
            throw DockStoreError.refused("refusing: cannot read the device UUID of devid \(devid) (\(member.path)) of the store at \(mountpoint), so dockstore cannot tell it is still \(path); nothing was changed: re-run")
        }
        guard actual.lowercased() == planned.lowercased() else {
            throw DockStoreError.refused("refusing: devid \(devid) of the store at \(mountpoint) is now the device \(actual) (\(member.path)), not \(path) (device \(planned)) that dockstore planned for; nothing was changed: re-run to look again")
        }
    }
}
