extension Provisioner {
    /// The `format-record` step's action: the record, written atomically (fsynced) before mkfs runs.
    func writeFormatRecord(_ record: FormatRecord) throws {
        let bytes = try record.encoded()
        if try FileContents.read(FormatRecord.path, on: host) == bytes { return }
        try host.makeFolders(FormatRecord.path.parent)
        try AtomicFile.write(FormatRecord.path, on: host, bytes, mode: 0o600)
    }

    /// The `format-record` step's re-check: the device is still the one the record names (its
    /// identity and size, read now) and still blank: a record is written only for a device
    /// proven blank.
    func recheckFormatRecord(_ record: FormatRecord) throws {
        let device = try plannedDevice(volumeID: record.identity.volumeID.flatMap(EBSVolumeID.init))
        guard try recordNames(record, device) else {
            throw DockStoreError.refused("refusing: \(device.label) is no longer the device dockstore planned to format (\(record.identity.summary), \(record.size) bytes); nothing was changed: re-run to look again")
        }
        guard BlockProbe.probe(device.path) == .blank else {
            throw DockStoreError.refused("refusing: \(device.label) is no longer blank; nothing was changed: re-run to look again")
        }
    }

    /// Whether the format record on disk now names `device` as it is now (identity, size) and
    /// the planned UUID, and the device now carries mkfs.btrfs's temporary superblock with that
    /// UUID: the format `format-device` finishes without --force. Read again at the format,
    /// under the device's lock.
    func isRecordedFormat(_ device: ResolvedDevice, uuid: String) throws -> Bool {
        guard let record = try FormatRecord.read(host: host), record.uuid.lowercased() == uuid.lowercased(),
              try recordNames(record, device) else { return false }
        return record.isProven(byTemporaryFSID: try BtrfsSuperblock.readTemporary(device.path)?.fsid)
    }

    private func recordNames(_ record: FormatRecord, _ device: ResolvedDevice) throws -> Bool {
        guard let filesystem = DeviceFilesystem(rawValue: record.filesystem) else { return false }
        let size = try BlockDevice(path: device.path, lock: false).size()
        return record.names(try DeviceIdentity.of(device), size: size, filesystem: filesystem, label: request.label)
    }
}
