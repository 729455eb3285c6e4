import FoundationEssentials

/// The write-ahead record of `provision --device`'s format (/var/lib/dockstore/format-record.json):
/// written by the `format-record` step right before `format-device`, only for a device proven
/// blank (never for a `--force` wipe: the admin re-runs that with --force), and only for a device
/// with a `DeviceIdentity`. It names the device's identity, its size in bytes, the filesystem,
/// label and UUID the format creates (mkfs -U).
///
/// A run killed inside mkfs leaves the device blank or holding bytes no known signature
/// describes (mkfs.btrfs writes its real superblock magic last). The record alone never proves
/// such bytes are that format's: an identity can name another file later (a deleted backing
/// file's inode number reused) and data can be written after the kill. The next run formats
/// such a device only when the record names its identity and size *and* the device itself
/// proves the format began on it (`isProven(byTemporaryFSID:)`); anything else stays refused
/// (fail closed: a kill before mkfs wrote its temporary superblock leaves the device refused
/// unless it is blank). Anything libblkid recognises stays refused: someone put data there since. The
/// `forget-format-record` step removes it after the store's fstab line is written, when a
/// run finds the device holding the recorded filesystem, and after a `--force` format (which
/// supersedes the format it records, of this device or another). A record naming a device that is not
/// attached is kept and has no effect; teardown removes it.
public struct FormatRecord: Codable, Sendable, Equatable {
    public var identity: DeviceIdentity
    public var size: UInt64
    public var filesystem: String
    public var label: String
    public var uuid: String
    /// Its kernel name when recorded: shown to people, never used to find it.
    public var device: String

    public static let path = HostPath.known("/var/lib/dockstore/format-record.json")
    /// The room the write preflight counts for it: the record is a few hundred bytes.
    public static let roomBytes = 1024

    public init(identity: DeviceIdentity, size: UInt64, filesystem: String, label: String, uuid: String, device: String) {
        self.identity = identity
        self.size = size
        self.filesystem = filesystem
        self.label = label
        self.uuid = uuid
        self.device = device
    }

    /// Whether this record names the device seen now (identity and size) and the format asked
    /// for (filesystem and label): a killed format of it may be finished.
    public func names(_ identity: DeviceIdentity?, size: UInt64, filesystem: DeviceFilesystem, label: String) -> Bool {
        identity == self.identity && size == self.size && filesystem.rawValue == self.filesystem && label == self.label
    }

    /// Whether the device proves that this recorded format began on it: only a btrfs format
    /// (mkfs.btrfs writes its primary superblock early with BTRFS_MAGIC_TEMPORARY and the fsid
    /// given by -U; no other mkfs leaves such a mark, so ext4 and xfs are never resumed) whose
    /// temporary superblock carries the recorded UUID.
    public func isProven(byTemporaryFSID fsid: String?) -> Bool {
        guard filesystem == DeviceFilesystem.btrfs.rawValue, let fsid else { return false }
        return fsid.lowercased() == uuid.lowercased()
    }

    public func encoded() throws -> [UInt8] { Array(try JSONText.encode(self, pretty: false).utf8) + [UInt8(ascii: "\n")] }

    /// The record, nil when there is none; a file dockstore cannot read is refused (a damaged
    /// record only ever refuses: the device then reads as holding data).
    public static func read(host: Host) throws -> FormatRecord? {
        guard let bytes = try FileContents.read(path, on: host) else { return nil }
        return try decode(bytes, shownAs: host.real(path))
    }

    static func decode(_ bytes: [UInt8], shownAs path: String) throws -> FormatRecord {
        let record: FormatRecord
        do {
            record = try JSONDecoder().decode(FormatRecord.self, from: Data(bytes))
        } catch {
            throw DockStoreError.refused("\(path) is not a format record dockstore can read; remove it (a device a killed format left is then refused as holding data)")
        }
        if let why = record.unwritten {
            throw DockStoreError.refused("\(path) is not a format record dockstore wrote (\(why)); remove it (a device a killed format left is then refused as holding data)")
        }
        return record
    }

    /// Why no dockstore wrote this record, or nil (attack 33 V C5d, C5e: an identity with
    /// neither a volume id nor a loop device's file was read as "device 0, inode 0", and a UUID
    /// that is none made every mkfs fail). dockstore writes an identity it trusts and the UUID
    /// it draws, 36 hexadecimal digits and dashes.
    var unwritten: String? {
        let loop = identity.loopFileDevice != nil && identity.loopFileInode != nil
        guard (identity.volumeID != nil) != loop else {
            return "its identity names \(loop ? "both an EBS volume id and a loop device's file" : "neither an EBS volume id nor a loop device's file")"
        }
        let hex = Set("0123456789abcdefABCDEF")
        let groups = uuid.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12], groups.allSatisfy({ $0.allSatisfy(hex.contains) }) else {
            return "its uuid '\(uuid)' is no filesystem UUID"
        }
        guard DeviceFilesystem(rawValue: filesystem) != nil else { return "its filesystem '\(filesystem)' is none dockstore formats" }
        return nil
    }
}
