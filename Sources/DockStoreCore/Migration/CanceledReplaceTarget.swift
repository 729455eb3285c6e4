import FoundationEssentials

/// A volume that `migrate-ebs --abort` left holding a partial copy of the store: the canceled
/// replace wrote to it, and the kernel's cancel zeroed only the magic of its btrfs superblock.
/// It reads as "data that no known signature describes", which every run would refuse, so the
/// abort records what dockstore itself wrote there (/var/lib/dockstore/canceled-replace-targets.json):
/// the store's filesystem UUID, the partial btrfs's device UUID, the EBS volume id, and a
/// fingerprint of the first and last MiB (where signatures live). A later migrate-ebs may
/// start a replace onto exactly that volume while it still carries exactly that; anything
/// else on it (a new filesystem, other bytes at either end, another volume id) stays refused.
public struct CanceledReplaceTarget: Codable, Sendable, Equatable {
    /// The store's btrfs filesystem UUID (the scratched superblock still carries it).
    public var filesystemUUID: String
    /// The partial btrfs's device UUID (dev_item.uuid, blkid's UUID_SUB).
    public var deviceUUID: String
    /// The target's EBS volume id, when it is an EBS volume.
    public var volumeID: String?
    /// Its kernel name at the abort: shown to people, never used to find it.
    public var device: String
    /// FNV-1a 64 of the first and the last MiB, as the abort left them.
    public var ends: String
    /// The devid its scratched superblock carries: nil for a replace's target (devid 0, and
    /// every record from before this field); the device's own for the device an add + remove
    /// abort removed (attack 13 X10).
    public var devid: UInt64?

    public static let path = HostPath.known("/var/lib/dockstore/canceled-replace-targets.json")

    public init(filesystemUUID: String, deviceUUID: String, volumeID: String?, device: String, ends: String, devid: UInt64? = nil) {
        self.devid = devid
        self.filesystemUUID = filesystemUUID
        self.deviceUUID = deviceUUID
        self.volumeID = volumeID
        self.device = device
        self.ends = ends
    }

    /// Whether a device, as read now, is this record's volume still carrying exactly what the
    /// canceled replace left: same store, same device UUID, same volume id (when the record
    /// has one, the device must have it), no signature libblkid knows, same ends.
    public func describes(scratched: BtrfsSuperblock?, content: BlockContent, ends: String?, volumeID: String?,
                          storeUUID: String) -> Bool {
        guard filesystemUUID == storeUUID, let scratched, scratched.fsid == storeUUID, scratched.devid == (devid ?? 0),
              scratched.deviceUUID == deviceUUID, content == .unrecognizedData, ends == self.ends else { return false }
        if let recorded = self.volumeID { return recorded == volumeID }
        return true
    }

    /// The records; an unreadable file is an error (never "no record": that would only refuse,
    /// but a damaged file should be said).
    public static func read(host: Host) throws -> [CanceledReplaceTarget] {
        guard let text = try FileContents.readString(path, on: host) else { return [] }
        do {
            return try JSONDecoder().decode([CanceledReplaceTarget].self, from: Data(text.utf8))
        } catch {
            throw DockStoreError.refused("\(host.real(path)) is not a list of canceled replace targets dockstore can read; remove it (a volume it named is then refused as holding data)")
        }
    }

    static func write(_ records: [CanceledReplaceTarget], host: Host) throws {
        if records.isEmpty {
            if try host.statusInRoot(path) != nil { try host.removeFile(path) }
            return
        }
        try host.makeFolders(path.parent)
        try AtomicFile.write(path, on: host, Array(try JSONText.encode(records, pretty: false).utf8) + [UInt8(ascii: "\n")], mode: 0o600)
    }

    /// Adds `record`, replacing any for the same device UUID, the same volume id, or the same
    /// kernel name: a later failed or canceled replace onto that volume wrote a new partial
    /// btrfs there, so an earlier record of it no longer matches anything. Dropping a record only
    /// narrows what is accepted (a volume without one reads as data and is refused).
    public static func record(_ record: CanceledReplaceTarget, host: Host) throws {
        let kept = try read(host: host).filter { old in
            old.deviceUUID != record.deviceUUID && old.device != record.device
                && !(old.volumeID != nil && old.volumeID == record.volumeID)
        }
        try write(kept + [record], host: host)
    }

    /// Drops the records of a store's canceled replaces (the store moved onto one of them, or
    /// onto another volume: the records no longer stand for anything dockstore may reuse).
    public static func forget(filesystemUUID: String, host: Host) throws {
        let records = try read(host: host)
        let kept = records.filter { $0.filesystemUUID != filesystemUUID }
        if kept.count != records.count { try write(kept, host: host) }
    }

    /// The record that the device at `path` still matches for the store `storeUUID`, read now;
    /// with no `storeUUID` (provision, which moves no store onto it), for the store its
    /// scratched superblock names.
    public static func recognizing(_ path: String, volumeID: String?, storeUUID: String?, host: Host) throws -> CanceledReplaceTarget? {
        let records = try read(host: host).filter { storeUUID == nil || $0.filesystemUUID == storeUUID }
        guard !records.isEmpty, let scratched = try BtrfsSuperblock.readScratched(path) else { return nil }
        let content = BlockProbe.probe(path)
        let ends = try fingerprint(path)
        let store = storeUUID ?? scratched.fsid
        return records.first { $0.describes(scratched: scratched, content: content, ends: ends, volumeID: volumeID, storeUUID: store) }
    }

    /// The fingerprint of a device's first and last MiB (`BlockDevice.endsFingerprint`).
    public static func fingerprint(_ path: String) throws -> String {
        try BlockDevice(path: path, lock: false).endsFingerprint()
    }
}
