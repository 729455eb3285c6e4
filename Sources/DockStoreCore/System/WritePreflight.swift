#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Checks, before a command changes anything, that the files it is about to write can be
/// written: their filesystem is not mounted read-only and has room for the new bytes (and
/// the backups) plus a margin. Without it a read-only or full /etc would be found out only
/// after the image was made and mounted — a half-done change the user did not ask for.
/// AtomicFile still fails cleanly if space runs out between this check and the write.
public enum WritePreflight {
    /// One file a command will write.
    public struct PlannedWrite: Sendable {
        public var path: String
        public var bytes: Int
        public init(path: String, bytes: Int) {
            self.path = path
            self.bytes = bytes
        }
    }

    /// Room kept free beyond the bytes written: directory blocks, the temp file's metadata.
    static let margin: UInt64 = 64 << 10

    public static func check(_ writes: [PlannedWrite]) throws {
        var needByFilesystem: [UInt64: (folder: String, bytes: UInt64, free: UInt64)] = [:]
        for write in writes {
            let folder = try existingFolder(above: write.path)
            var s = statvfs()
            try Syscall.check("cannot read the free space of", folder) { statvfs(folder, &s) }
            if (s.f_flag & UInt(ST_RDONLY)) != 0 {
                throw DockStoreError.refused("\(folder) is on a read-only filesystem, so \(write.path) cannot be written: remount it read-write (mount -o remount,rw) and run again; nothing was changed")
            }
            let unit = UInt64(s.f_frsize == 0 ? s.f_bsize : s.f_frsize)
            let free = UInt64(s.f_bavail) * unit
            let key = UInt64(s.f_fsid)
            var entry = needByFilesystem[key] ?? (folder, 0, free)
            entry.bytes += UInt64(write.bytes) * 2 + margin
            needByFilesystem[key] = entry
        }
        for (_, entry) in needByFilesystem where entry.bytes > entry.free {
            throw DockStoreError.refused("the filesystem holding \(entry.folder) has \(ByteSize.format(entry.free)) free, less than the \(ByteSize.format(entry.bytes)) dockstore needs to write its files there safely: free some space and run again; nothing was changed")
        }
    }

    /// The nearest folder at or above the file's folder that exists (new folders are made there).
    static func existingFolder(above path: String) throws -> String {
        var folder = AtomicFile.parentFolder(of: path)
        while true {
            if let status = try? FileStatus.following(folder), status.kind == .directory { return folder }
            if folder == "/" { return folder }
            folder = AtomicFile.parentFolder(of: folder)
        }
    }
}
