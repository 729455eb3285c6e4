import CMount
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One mounted filesystem, as /proc/self/mountinfo lists it.
public struct MountEntry: Sendable, Equatable {
    public var source: String
    public var target: String
    public var fstype: String
    public var options: String
    /// st_dev of the mounted filesystem.
    public var device: UInt64
    /// The folder of the filesystem this mount shows: "/" for the whole filesystem, the folder
    /// for a bind mount (`findmnt` shows it as `SOURCE[/folder]`).
    public var root: String = "/"
}

/// The kernel's mount table, read once through libmount.
public struct MountTable: Sendable {
    public let entries: [MountEntry]

    public init(entries: [MountEntry]) { self.entries = entries }

    public static func read(_ path: String = "/proc/self/mountinfo") throws -> MountTable {
        guard let table = mnt_new_table_from_file(path) else {
            throw DockStoreError.system("cannot read the mount table", path, errno: errno == 0 ? EIO : errno)
        }
        defer { mnt_unref_table(table) }
        guard let iterator = mnt_new_iter(Int32(MNT_ITER_FORWARD)) else {
            throw DockStoreError.failed("cannot read the mount table \(path): libmount could not allocate an iterator")
        }
        defer { mnt_free_iter(iterator) }
        var entries: [MountEntry] = []
        var fs: OpaquePointer? = nil
        while mnt_table_next_fs(table, iterator, &fs) == 0, let fs {
            func text(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
            entries.append(MountEntry(source: text(mnt_fs_get_source(fs)), target: text(mnt_fs_get_target(fs)),
                                      fstype: text(mnt_fs_get_fstype(fs)), options: text(mnt_fs_get_options(fs)),
                                      device: UInt64(mnt_fs_get_devno(fs)), root: mnt_fs_get_root(fs).map { String(cString: $0) } ?? "/"))
        }
        return MountTable(entries: entries)
    }

    /// The filesystem visible at `target` (the last one mounted there), if any.
    public func mount(at target: String) -> MountEntry? {
        entries.last(where: { $0.target.sameBytes(target) })
    }

    public func mounts(ofSource source: String) -> [MountEntry] {
        entries.filter { $0.source == source }
    }

    /// Mounts at `folder` or below it.
    public func mounts(within folder: String) -> [MountEntry] {
        entries.filter { $0.target.sameBytes(folder) || $0.target.hasBytePrefix(folder + "/") }
    }
}
