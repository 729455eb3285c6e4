import CBtrfsUtil
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension BtrfsSubvolume {
    /// One subvolume as libbtrfsutil's iterator reports it.
    public struct Listed: Sendable, Equatable {
        public var id: UInt64
        /// Relative to the filesystem's top level.
        public var path: String
        public var uuid: String
        public var parentUUID: String
    }

    /// Every subvolume below the top level (id 5) of the btrfs mounted at `mountpoint`, in
    /// the iterator's order.
    public static func list(_ mountpoint: String) throws -> [Listed] {
        var iterator: OpaquePointer? = nil
        let rc = btrfs_util_create_subvolume_iterator(mountpoint, 5, 0, &iterator)
        guard rc == BTRFS_UTIL_OK, let iterator else {
            throw DockStoreError.failed("cannot list the subvolumes of \(mountpoint): \(reason(rc))")
        }
        defer { btrfs_util_destroy_subvolume_iterator(iterator) }
        var listed: [Listed] = []
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
            listed.append(Listed(id: info.id, path: name, uuid: formatUUID(info.uuid), parentUUID: formatUUID(info.parent_uuid)))
        }
        return listed
    }
}
