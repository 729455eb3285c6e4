@testable import DockStoreCore

// Test-only builders for the planners' inputs. The production initialisers take every fact
// without a default (an observer says what it read); tables name only the facts a case is
// about, and these fill the rest with a plain, unremarkable host.

extension ProvisionObservation {
    static func fixture(image: Image = .missing, imageFolderExists: Bool = true, mountpoint: Mountpoint = .missing,
                        mountpointParentExists: Bool = true, imageMountedAt: [String] = [], imageLoops: [String] = [],
                        imageFilesystemOpen: Bool = false, mountUnit: SystemdMountUnit? = nil, fstab: String? = "",
                        dropIn: String? = nil, mountDropIn: String? = nil, sysconfig: String? = nil, daemonJSON: String? = nil,
                        hostAvailable: UInt64? = nil, systemdRunning: Bool = false,
                        device: DeviceObservation? = nil) -> ProvisionObservation {
        var o = ProvisionObservation(image: image, unfinishedImage: .none, newImageUUID: "00000000-0000-4000-8000-000000000000", imageFolderExists: imageFolderExists, mountpoint: mountpoint,
                             mountpointParentExists: mountpointParentExists, imageMountedAt: imageMountedAt,
                             imageLoops: imageLoops, unfitImageLoops: [], imageFilesystemOpen: imageFilesystemOpen,
                             mountedImageDeleted: false, bootDisabled: false, mountUnit: mountUnit,
                             fstab: fstab.map { Array($0.utf8) }, dropIn: dropIn.map { Array($0.utf8) }, sysconfig: sysconfig.map { Array($0.utf8) },
                             daemonJSON: daemonJSON.map { Array($0.utf8) }, hostAvailable: hostAvailable,
                             systemdRunning: systemdRunning, device: device)
        o.mountDropIn = mountDropIn.map { Array($0.utf8) }
        return o
    }
}

extension TeardownObservation {
    static func fixture(dockerdPID: Int32? = nil, mounted: MountEntry? = nil, imageLoops: [String] = [], imageExists: Bool = false,
                        device: String? = nil, deviceMountedElsewhere: [String] = [], fstab: String? = nil,
                        storeUUID: String? = nil, dropIn: DockerDropIn.Ownership? = nil, sysconfig: String? = nil,
                        systemdRunning: Bool = false) -> TeardownObservation {
        var o = TeardownObservation(dockerdPID: dockerdPID, mounted: mounted, imageLoops: imageLoops, imageExists: imageExists,
                                    device: device, deviceMountedElsewhere: deviceMountedElsewhere, fstab: fstab.map { Array($0.utf8) },
                                    storeUUID: storeUUID, deviceLabel: nil, journalUUID: nil, migrationOpen: false,
                                    dropIn: dropIn, sysconfig: sysconfig.map { Array($0.utf8) },
                                    systemdRunning: systemdRunning, bootDisabled: false, reclaimOpen: false)
        if imageExists {
            o.imageFile = FileIdentity(device: 64, inode: 1234)
            o.imageContent = .signature(type: "btrfs", uuid: "u", label: "docker")
        }
        return o
    }
}

extension MigrationObservation {
    static func fixture(mountpoint: String, mounted: Bool, fstype: String?, uuid: String?,
                        members: [BtrfsReading.Device] = [], loopMember: BtrfsReading.Device? = nil, image: HostBacking? = nil,
                        imageExists: Bool = true, target: DeviceObservation? = nil, targetDevid: UInt64? = nil,
                        targetPath: String, targetSize: UInt64 = 0, exclusiveOperation: String = "none",
                        fstab: String? = nil, metadataChunkNeed: UInt64 = 512 << 20,
                        journal: MigrationJournal? = nil, targetVolumeID: String? = nil, targetBackedByStore: Bool = false,
                        replace: BtrfsDeviceReplace.Status? = BtrfsDeviceReplace.Status(state: .neverStarted),
                        replaceRefused: String? = nil, replaceTarget: BtrfsReading.Device? = nil,
                        targetIsReplaceTarget: Bool = false, targetReleasedByStore: Bool = false,
                        loopDeviceSize: UInt64? = nil,
                        replaceStartRoom: ReplaceStartRoom? = ReplaceStartRoom(systemRatio: 2, globalReserve: 5_767_168)) -> MigrationObservation {
        var o = MigrationObservation(mountpoint: mountpoint, mounted: mounted, fstype: fstype, uuid: uuid, members: members,
                             loopMember: loopMember, image: image, imageExists: imageExists, target: target,
                             targetDevid: targetDevid, targetPath: targetPath, targetSize: targetSize,
                             exclusiveOperation: exclusiveOperation, fstab: fstab.map { Array($0.utf8) },
                             metadataChunkNeed: metadataChunkNeed, journal: journal, targetVolumeID: targetVolumeID,
                             targetBackedByStore: targetBackedByStore, replace: replace, replaceRefused: replaceRefused,
                             replaceTarget: replaceTarget, targetIsReplaceTarget: targetIsReplaceTarget,
                             targetIsStaleReplaceTarget: false, canceledReplaceTarget: nil,
                             targetReleasedByStore: targetReleasedByStore, loopDeviceSize: loopDeviceSize)
        o.replaceStartRoom = replaceStartRoom
        return o
    }
}

extension DeviceObservation {
    static func fixture(device: ResolvedDevice, kind: FileStatus.Kind, readOnly: Bool = false, size: UInt64,
                        mountedAt: [String] = [], swap: Bool = false, holders: [String] = [], rootDisk: String? = nil,
                        content: BlockContent, newUUID: String) -> DeviceObservation {
        DeviceObservation(device: device, kind: kind, readOnly: readOnly, size: size, mountedAt: mountedAt, swap: swap,
                          holders: holders, rootDisk: rootDisk, content: content, newUUID: newUUID)
    }
}
