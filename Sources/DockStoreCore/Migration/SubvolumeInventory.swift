/// Every subvolume of a btrfs (ids, paths, UUIDs and parent UUIDs, read through
/// libbtrfsutil): Docker's layers and their snapshot lineage. A migration must leave it
/// exactly as it was.
public struct SubvolumeInventory: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var id: UInt64
        public var path: String
        public var uuid: String
        public var parentUUID: String
    }

    public var entries: [Entry]

    public static func read(_ mountpoint: String) throws -> SubvolumeInventory {
        let entries = try BtrfsSubvolume.list(mountpoint).map {
            Entry(id: $0.id, path: $0.path, uuid: $0.uuid, parentUUID: $0.parentUUID)
        }
        return SubvolumeInventory(entries: entries.sorted { $0.id < $1.id })
    }
}
