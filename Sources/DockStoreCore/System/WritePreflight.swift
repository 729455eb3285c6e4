#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Checks, before a command changes anything, that the files it is about to write can be
/// written: their filesystem is not mounted read-only and has room for the new bytes (and
/// the backups) plus a margin. Without it a read-only or full /etc would be found out only
/// after the image was made and mounted — a half-done change the user did not ask for.
/// Nor may the file or its folder carry a chattr attribute (immutable, append-only) that
/// makes root's write or delete fail halfway, nor be a mount point (a bind mount over the file:
/// rename and unlink give EBUSY). AtomicFile still fails cleanly if space runs
/// out between this check and the write.
public enum WritePreflight {
    /// One file a command will write.
    public struct PlannedWrite: Sendable {
        public var path: String
        public var bytes: Int
        /// The file is deleted, not written: it needs no room, only the right to remove it.
        public var removes: Bool
        /// The removal of a folder left empty, which is left as it is when anything is in it or
        /// mounted on it: only the folder holding it is asked (a chattr restriction there fails
        /// the rmdir; attack 44 O 4f), not the path itself, which may be the mounted store's root
        /// until the step's unmount.
        public var removesFolder = false
        /// The folder the write goes into, checked inside --root (`Host.checkFolders`): made
        /// by the write when `makesFolders`, else it must exist.
        public var folder: (host: Host, path: HostPath, makesFolders: Bool)?
        /// The names a temp file is renamed onto (the file and, when it keeps one, its backup),
        /// looked at inside --root: each must be missing or a regular file without a chattr
        /// restriction, or the rename fails after earlier steps acted (`checkRenameTargets`).
        public var renamesOnto: (host: Host, files: [HostPath])?
        /// The file as a host path under --root: `check` reads its chattr flags, and its nearest
        /// existing folder's flags, free space and mount flags, through descriptors opened inside
        /// --root (`Host.openInRoot`), never through `path`, which only names it in messages and
        /// was resolved when the plan was made.
        public var located: (host: Host, file: HostPath)
        private init(_ file: HostPath, on host: Host, bytes: Int) {
            self.path = host.real(file)
            self.bytes = bytes
            self.removes = false
            self.located = (host, file)
        }

        /// A write of the host path `file` under --root, whose folder is checked as the write
        /// resolves it; `makesFolders` when the write creates missing folders (mkdir -p).
        public static func inRoot(_ file: HostPath, on host: Host, bytes: Int, makesFolders: Bool) -> PlannedWrite {
            var write = at(file, on: host, bytes: bytes)
            write.folder = (host, file.parent, makesFolders)
            return write
        }

        /// A write of the host path `file` under --root into a folder that is there already
        /// (its folders are not checked, only read inside --root).
        public static func at(_ file: HostPath, on host: Host, bytes: Int) -> PlannedWrite {
            PlannedWrite(file, on: host, bytes: bytes)
        }

        /// This write replaces `file` atomically (`AtomicFile`), keeping `file.dockstore.bak`
        /// beside it when `backup`.
        public func renaming(_ file: HostPath, on host: Host, backup: Bool) -> PlannedWrite {
            var write = self
            write.renamesOnto = (host, [file] + (backup ? [file.parent.appending(file.lastComponent + AtomicFile.backupSuffix)] : []))
            return write
        }

        /// The removal of the host path `file` under --root.
        public static func removal(_ file: HostPath, on host: Host) -> PlannedWrite {
            var write = at(file, on: host, bytes: 0)
            write.removes = true
            return write
        }

        /// The removal of the folder `folder` under --root when it is empty (`removesFolder`).
        public static func folderRemoval(_ folder: HostPath, on host: Host) -> PlannedWrite {
            var write = removal(folder, on: host)
            write.removesFolder = true
            return write
        }
    }

    /// Room kept free beyond the bytes written: directory blocks, the temp file's metadata.
    static let margin: UInt64 = 64 << 10

    public static func check(_ writes: [PlannedWrite]) throws {
        // A mount inside --root that brings a folder from outside it, on the way to any file
        // written, refuses: every write is asked, not only the paths a command names (attack
        // 54 Y: a bind of another tree's etc/docker, and backend rewrote that tree's daemon.json).
        for (root, group) in Dictionary(grouping: writes.filter { !$0.located.host.isRunningSystem }, by: { $0.located.host.root }) {
            if let foreign = try ForeignTreeMount.find(root: root, paths: group.map(\.path)) {
                throw DockStoreError.refused("refusing: \(foreign.refusal(root: root))")
            }
        }
        var needByFilesystem: [UInt64: (folder: String, bytes: UInt64, free: UInt64)] = [:]
        var inodesByFilesystem: [UInt64: (folder: String, needed: UInt64, free: UInt64)] = [:]
        for write in writes {
            if let (host, path, makesFolders) = write.folder {
                try host.checkFolders(path, creating: makesFolders)
            }
            if let (host, files) = write.renamesOnto {
                for file in files {
                    try checkNotMountPoint(file, on: host, removes: false)
                    try checkRenameTarget(file, on: host, writing: write.path)
                }
            }
            if write.removes, !write.removesFolder {
                try checkNotMountPoint(write.located.file, on: write.located.host, removes: true)
            }
        }
        for write in writes {
            let site = try WriteSite.opening(write)
            defer { site.release() }
            let folder = site.folderShown
            // A folder already gone needs no removal.
            if write.removesFolder, site.file == nil { continue }
            for (fd, candidate) in [(write.removesFolder ? nil : site.file, write.path), (site.folder, folder)] {
                guard let fd, let restriction = try InodeRestriction.of(descriptor: fd, path: candidate) else { continue }
                let flag = restriction == .immutable ? "-i" : "-a"
                throw DockStoreError.refused("\(candidate) is \(restriction.rawValue), so \(write.path) cannot be \(write.removes ? "removed" : "written"): remove that with chattr \(flag) \(candidate) if the change is wanted and run again; nothing was changed")
            }
            if write.removes { continue }
            var s = statvfs()
            try Syscall.check("cannot read the free space of", folder) { fstatvfs(site.folder, &s) }
            if (s.f_flag & UInt(ST_RDONLY)) != 0 {
                throw DockStoreError.refused("\(folder) is on a read-only filesystem, so \(write.path) cannot be written: remount it read-write (mount -o remount,rw) and run again; nothing was changed")
            }
            let unit = UInt64(s.f_frsize == 0 ? s.f_bsize : s.f_frsize)
            let free = UInt64(s.f_bavail) * unit
            let key = UInt64(s.f_fsid)
            var entry = needByFilesystem[key] ?? (folder, 0, free)
            entry.bytes += UInt64(write.bytes) * 2 + margin
            needByFilesystem[key] = entry
            // f_files 0: the filesystem has no fixed number of inodes (btrfs) and nothing to count.
            guard s.f_files > 0 else { continue }
            var inodes = inodesByFilesystem[key] ?? (folder, 0, UInt64(s.f_favail))
            inodes.needed += try inodesNeeded(write)
            inodesByFilesystem[key] = inodes
        }
        for (_, entry) in needByFilesystem where entry.bytes > entry.free {
            throw DockStoreError.refused("the filesystem holding \(entry.folder) has \(ByteSize.format(entry.free)) free, less than the \(ByteSize.format(entry.bytes)) dockstore needs to write its files there safely: free some space and run again; nothing was changed")
        }
        for (_, entry) in inodesByFilesystem where entry.needed > entry.free {
            throw DockStoreError.refused("the filesystem holding \(entry.folder) has \(entry.free) free inodes, fewer than the \(entry.needed) dockstore needs to create its files there (df -i \(entry.folder)): remove some files there and run again; nothing was changed")
        }
    }

    /// The nearest folder at or above the file's folder that exists (new folders are made there).
    static func existingFolder(above path: String) throws -> String {
        var folder = AtomicFile.parentFolder(of: path)
        while true {
            if let status = try FileStatus.following(folder), status.kind == .directory { return folder }
            if folder == "/" { return folder }
            folder = AtomicFile.parentFolder(of: folder)
        }
    }
}
