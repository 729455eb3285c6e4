import CBtrfsUtil
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

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
        var iterator: OpaquePointer? = nil
        let rc = btrfs_util_create_subvolume_iterator(mountpoint, 5, 0, &iterator)
        guard rc == BTRFS_UTIL_OK, let iterator else {
            throw DockStoreError.failed("cannot list the subvolumes of \(mountpoint): \(reason(rc))")
        }
        defer { btrfs_util_destroy_subvolume_iterator(iterator) }
        var entries: [Entry] = []
        while true {
            var path: UnsafeMutablePointer<CChar>? = nil
            var info = btrfs_util_subvolume_info()
            let next = btrfs_util_subvolume_iterator_next_info(iterator, &path, &info)
            if next == BTRFS_UTIL_ERROR_STOP_ITERATION { break }
            guard next == BTRFS_UTIL_OK else {
                throw DockStoreError.failed("cannot list the subvolumes of \(mountpoint): \(reason(next))")
            }
            let name = path.map { String(cString: $0) } ?? ""
            free(path)
            entries.append(Entry(id: info.id, path: name, uuid: formatUUID(info.uuid), parentUUID: formatUUID(info.parent_uuid)))
        }
        return SubvolumeInventory(entries: entries.sorted { $0.id < $1.id })
    }

    static func reason(_ rc: btrfs_util_error) -> String {
        let text = btrfs_util_strerror(rc).map { String(cString: $0) } ?? "error \(rc.rawValue)"
        return "\(text): \(Errno.text(errno))"
    }
}
