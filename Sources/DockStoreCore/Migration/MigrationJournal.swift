import FoundationEssentials

/// /var/lib/dockstore/migration.json: a migration is under way. While it exists the store
/// may span the image and the device, so provision registers the device with the kernel
/// before mounting the image after a reboot.
///
/// The device is found again by identity — the store's btrfs filesystem UUID, and the EBS
/// volume id where it has one — never by its kernel name, which can belong to another
/// volume after a reboot. A journal written before these were recorded (name only) is
/// still read; `migrate-ebs` upgrades it when it next runs.
public struct MigrationJournal: Codable, Sendable, Equatable {
    public var phase: String
    public var image: String
    /// The device's kernel name when the migration began: shown to people, never used to find it.
    public var device: String
    /// The store's btrfs filesystem UUID (it does not change when devices are added or removed).
    public var filesystemUUID: String?
    /// The target's EBS volume id, when it is an EBS volume.
    public var volumeID: String?
    /// `--keep-image` was given: a resumed run keeps the image too.
    public var keepImage: Bool?
    /// How the store moves; nil in a journal from before replace (those moved by add + remove).
    public var method: MigrationMethod?
    /// The image file's inode when the migration began: while the migration is open the store
    /// may have another member bound to a file (a volume that is itself a loop device), so a
    /// member is the image renamed away only when its file is this inode on the filesystem that
    /// holds the image's folder (attack 23 H1, H2, H10). nil in a journal from before it was
    /// recorded.
    public var imageInode: UInt64?
    /// The target's identity when the migration began (`DeviceIdentity`: the EBS volume id, or a
    /// loop device's file and offset): before the move is past its point of return the target
    /// holds nothing of the store, so after a reboot that renamed it only this tells it from
    /// the device that took its name (attack 33 U F2). nil in a journal from before it was
    /// recorded, and for a device without an identity dockstore trusts.
    public var deviceIdentity: DeviceIdentity?

    /// The method of the migration this journal records.
    public var recordedMethod: MigrationMethod { method ?? .addRemove }

    public static let path = HostPath.known("/var/lib/dockstore/migration.json")

    /// `phase` names the step under way (for people reading the journal after a crash);
    /// decisions come from what the kernel reports, never from it alone.
    public init(image: String, device: String, filesystemUUID: String?, volumeID: String?, keepImage: Bool,
                method: MigrationMethod? = nil, imageInode: UInt64? = nil, deviceIdentity: DeviceIdentity? = nil) {
        phase = "moving"
        self.deviceIdentity = deviceIdentity
        self.imageInode = imageInode
        self.method = method
        self.image = image
        self.device = device
        self.filesystemUUID = filesystemUUID
        self.volumeID = volumeID
        self.keepImage = keepImage
    }

    /// The device as people know it: its volume id, else the name it had.
    public var deviceLabel: String { volumeID.map { "\($0) (\(device) when the migration began)" } ?? device }

    public static func read(host: Host) throws -> MigrationJournal? {
        guard let text = try FileContents.readString(path, on: host) else { return nil }
        let journal: MigrationJournal
        let members: [String]
        do {
            journal = try JSONDecoder().decode(MigrationJournal.self, from: Data(text.utf8))
            // Foundation's decoder keeps the first of a key given twice, Go's and others the
            // last: dockstore writes each key once, so a journal that gives one twice is not its own.
            guard case .object(let object) = try GoJSON.parse(Array(text.utf8)) else { throw GoJSON.Invalid(offset: 0, reason: "not an object") }
            members = object.members.map(\.key)
        } catch {
            throw DockStoreError.refused("\(host.real(path)) is not a migration journal dockstore can read; finish the migration with dockstore migrate-ebs, or remove the file if none is under way")
        }
        var seen = Set<String>()
        if let twice = members.first(where: { !seen.insert($0).inserted }) {
            throw DockStoreError.refused("\(host.real(path)) is no migration journal dockstore wrote (the key '\(twice)' is given twice), so dockstore cannot tell which store it is of and does not act on it; remove it and re-run (nothing was changed)")
        }
        if let why = journal.unwritten {
            throw DockStoreError.refused("\(host.real(path)) is no migration journal dockstore wrote (\(why)), so dockstore cannot tell which store it is of and does not act on it; remove it and re-run (nothing was changed)")
        }
        return journal
    }

    /// Why no dockstore wrote this journal, or nil (attack 27 M1: a journal without the store's
    /// UUID was followed as this store's). Every dockstore that records the image's inode, the
    /// method or the volume id records the filesystem UUID too; one that records none of them
    /// (an early dockstore, the device by name only) is still read. A UUID is 36 characters of
    /// hexadecimal digits and dashes, as the kernel prints it.
    var unwritten: String? {
        guard let uuid = filesystemUUID else {
            return imageInode != nil || method != nil || volumeID != nil
                ? "it records the image's inode, the method or the volume id but not the store's filesystem UUID, which every dockstore that records those writes" : nil
        }
        let hex = Set("0123456789abcdefABCDEF")
        let groups = uuid.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12], groups.allSatisfy({ $0.allSatisfy(hex.contains) }) else {
            return "its filesystemUUID '\(uuid)' is no filesystem UUID"
        }
        return nil
    }

    public func encoded() throws -> [UInt8] { Array(try JSONText.encode(self, pretty: false).utf8) + [UInt8(ascii: "\n")] }
}
