#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension WritePreflight {
    /// What `check` reads of one planned write, held open: the file when it is there (a link at
    /// its name is not followed: dockstore replaces a link, it does not write through it), and
    /// the nearest folder at or above the file's folder that exists (new folders are made there).
    /// Both are opened inside --root, so a folder swapped for a link after the plan
    /// resolved its path (or a chain of links the resolution gave up on) cannot make `check`
    /// read the flags or free space of a filesystem outside the tree.
    struct WriteSite {
        /// The file, or nil when nothing but a link (or nothing) is at its name.
        var file: Int32?
        var folder: Int32
        /// The folder as messages name it: where it is inside --root, a link on its way resolved
        /// there (what `df` of that path shows is what was read).
        var folderShown: String

        static func opening(_ write: PlannedWrite) throws -> WriteSite {
            let fileFlags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY
            let (host, path) = write.located
            let (fd, folder) = try nearestFolder(above: path, on: host)
            do {
                let file = try openedIfThere(host.openInRoot(path, fileFlags), write.path)
                return WriteSite(file: file, folder: fd, folderShown: folder)
            } catch {
                close(fd)
                throw error
            }
        }

        func release() {
            if let file { close(file) }
            close(folder)
        }

        /// The nearest existing folder above `path`, opened inside --root, and how it is named.
        private static func nearestFolder(above path: HostPath, on host: Host) throws -> (Int32, String) {
            var folder = path.parent
            while true {
                switch try host.openInRoot(folder, O_RDONLY | O_DIRECTORY) {
                case .success(let fd): return (fd, host.realFollowing(folder))
                case .failure(let code) where (code == ENOENT || code == ENOTDIR) && !folder.isRoot:
                    folder = folder.parent
                case .failure(let code): throw DockStoreError.system("cannot open the folder", host.real(folder), errno: code)
                }
            }
        }

        /// The file's descriptor; nil when nothing is at its name, its folder is missing, or a
        /// link is there (the rename-target check refuses a link where one matters).
        private static func openedIfThere(_ outcome: SyscallOutcome<Int32>, _ shown: String) throws -> Int32? {
            switch outcome {
            case .success(let fd): return fd
            case .failure(let code) where code == ENOENT || code == ENOTDIR || code == ELOOP: return nil
            case .failure(let code): throw DockStoreError.system("cannot open", shown, errno: code)
            }
        }
    }
}
