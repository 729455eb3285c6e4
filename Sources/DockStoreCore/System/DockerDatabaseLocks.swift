import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The processes that hold a bolt database on a given btrfs locked: a Docker daemon by what it
/// holds, whatever its program is called (attack 35 Y C1: a dockerd run from a copy named
/// `docker-daemon` was not seen by its name, and `reclaim --orphans` deleted a subvolume it had
/// just made). dockerd opens its bolt databases (`volumes/metadata.db`, `network/files/local-kv.db`,
/// buildkit's, containerd's `meta.db` under the data root) when it starts and keeps an exclusive
/// flock on each until it exits.
///
/// /proc/locks names each flock's holder and the inode; the device there is the filesystem's
/// (a btrfs's is not the st_dev of its files, which is their subvolume's), so each candidate
/// is confirmed through the holder's own descriptor of that inode: a regular file on the btrfs
/// of the store's UUID (BTRFS_IOC_FS_INFO on it) that begins as a bolt database does (its meta
/// page's magic). Its name is not looked at: a database renamed or unlinked while the daemon
/// holds it is still its database (attack 35 Z R2, R3). A program in a container that locks a
/// bolt database on the store counts too, which only keeps more.
enum DockerDatabaseLocks {
    /// bolt's meta page: a 16-byte page header, then the magic 0xED0CDAED (little-endian here).
    static let boltMagicOffset: off_t = 16
    static let boltMagic: [UInt8] = [0xED, 0xDA, 0x0C, 0xED]

    /// An exclusive flock as /proc/locks lists it.
    struct Lock: Equatable {
        var pid: Int32
        var inode: UInt64
    }

    /// The held (not waited for) exclusive flocks in the text of /proc/locks:
    /// `1: FLOCK  ADVISORY  WRITE 25516 00:28:294 0 EOF`; a waiter's line has `->`.
    static func exclusiveFlocks(in text: String) -> [Lock] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[1] == "FLOCK", fields[3] == "WRITE", let pid = Int32(fields[4]) else { return nil }
            let device = fields[5].split(separator: ":")
            guard device.count == 3, let inode = UInt64(device[2]) else { return nil }
            return Lock(pid: pid, inode: inode)
        }
    }

    /// The pids that hold a bolt database on the btrfs `storeUUID` locked. A holder this process
    /// cannot look at (its descriptors unreadable, or a pid of
    /// another pid namespace: 0) is a `DockStoreError`: it may be such a daemon.
    static func holders(storeUUID: String, proc: String = "/proc") throws(DockStoreError) -> Set<Int32> {
        let locksPath = "\(proc)/locks"
        let text: String
        do {
            guard let read = try FileContents.readString(locksPath) else {
                throw DockStoreError.system("cannot read", locksPath, errno: ENOENT)
            }
            text = read
        } catch let error as DockStoreError {
            throw error
        } catch {
            throw DockStoreError.failed("cannot read \(locksPath): \(error)")
        }
        var found = Set<Int32>()
        var orphaned = Set<UInt64>()
        for lock in exclusiveFlocks(in: text) where !found.contains(lock.pid) {
            switch try holdsDatabase(lock, storeUUID: storeUUID, proc: proc) {
            case .store: found.insert(lock.pid)
            case .elsewhere: break
            case .notHeld: orphaned.insert(lock.inode)
            }
        }
        // An flock belongs to the open file, which a fork or a passed descriptor shares: the
        // process that took it may have exited while another holds it (attack 36 W 1b), and
        // /proc/locks still names the one that took it. Whoever has such an inode open as a bolt
        // database on the store holds it.
        if !orphaned.isEmpty {
            guard let entries = FolderEntries.names(proc) else {
                throw DockStoreError.system("cannot list the processes in", proc, errno: errno)
            }
            for pid in entries.compactMap(Int32.init).sorted() where pid > 0 && pid != getpid() && !found.contains(pid) {
                for inode in orphaned {
                    let holding: Holding
                    do {
                        holding = try holdsDatabase(Lock(pid: pid, inode: inode), storeUUID: storeUUID, proc: proc)
                    } catch where error.code == EACCES || error.code == EPERM {
                        // A process whose descriptors even root may not read (a sandbox's init):
                        // passed over in this search of every process, which only looks for the
                        // heir of a lock whose taker is gone; the taker itself is never.
                        break
                    }
                    if holding == .store {
                        found.insert(pid)
                        break
                    }
                }
            }
        }
        return found
    }

    enum Holding: Equatable {
        /// The inode open as a bolt database on the store.
        case store
        /// The inode open, but not a bolt database on the store.
        case elsewhere
        /// The process is gone or has no such inode open.
        case notHeld
    }

    /// Whether `lock`'s holder has the locked inode open as a bolt database on the store.
    static func holdsDatabase(_ lock: Lock, storeUUID: String, proc: String) throws(DockStoreError) -> Holding {
        let folder = "\(proc)/\(lock.pid)/fd"
        guard lock.pid > 0 else {
            throw DockStoreError.failed("a process of another pid namespace holds an flock that may be a Docker database (inode \(lock.inode))")
        }
        guard let descriptors = FolderEntries.names(folder) else {
            let code = errno
            if code == ENOENT || code == ESRCH { return .notHeld } // ended since /proc/locks was read
            throw DockStoreError.system("cannot list the open files of process \(lock.pid), which holds an flock that may be a Docker database, in", folder, errno: code)
        }
        var inodeOpen = false
        for descriptor in descriptors {
            let path = "\(folder)/\(descriptor)"
            // Looked at before it is opened: only a regular file of the locked inode is (a socket
            // cannot be opened through /proc, a device or a FIFO must not be).
            var seen = stat()
            guard stat(path, &seen) == 0 else {
                let code = errno
                if code == ENOENT || code == ESRCH { continue } // closed since the listing
                throw DockStoreError.system("cannot read the status of a file process \(lock.pid) has open", path, errno: code)
            }
            guard UInt64(seen.st_ino) == lock.inode, seen.st_mode & S_IFMT == S_IFREG else { continue }
            inodeOpen = true
            // Opened only on a btrfs (its UUID and the bolt magic need a descriptor): statfs on the
            // magic link follows it without an open, which another filesystem's file is spared (a
            // lease holder's break, a fanotify event: attack 41 R).
            var filesystem: Int64 = 0
            guard ds_statfs_type(path, &filesystem) == 0 else {
                let code = errno
                if code == ENOENT || code == ESRCH { continue }
                throw DockStoreError.system("cannot read the filesystem of a file process \(lock.pid) has open", path, errno: code)
            }
            guard filesystem == DockerdDataRoot.btrfsMagic else { continue }
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
            guard fd >= 0 else {
                let code = errno
                if code == ENOENT || code == ESRCH { continue }
                throw DockStoreError.system("cannot open the file process \(lock.pid) holds locked", path, errno: code)
            }
            defer { close(fd) }
            var status = stat()
            guard fstat(fd, &status) == 0 else {
                throw DockStoreError.system("cannot read the status of the file process \(lock.pid) holds locked", path, errno: errno)
            }
            // The descriptor number may have been reused between the stat and the open.
            guard status.st_ino == seen.st_ino, status.st_dev == seen.st_dev, status.st_mode & S_IFMT == S_IFREG else { continue }
            var type: Int64 = 0
            guard ds_fstatfs_type(fd, &type) == 0 else {
                throw DockStoreError.system("cannot read the filesystem of the file process \(lock.pid) holds locked", path, errno: errno)
            }
            guard type == DockerdDataRoot.btrfsMagic else { continue }
            var info = ds_btrfs_fs_info()
            switch Syscall.attempt({ ds_btrfs_fs_info(fd, &info) }) {
            case .success:
                guard formatUUID(info.fsid).lowercased() == storeUUID.lowercased() else { continue }
                var magic = [UInt8](repeating: 0, count: 4)
                let read = pread(fd, &magic, 4, Self.boltMagicOffset)
                guard read >= 0 else {
                    throw DockStoreError.system("cannot read the file process \(lock.pid) holds locked", path, errno: errno)
                }
                if read == 4, magic == Self.boltMagic { return .store }
            case .failure(let code):
                throw DockStoreError.system("cannot read the btrfs UUID of the file process \(lock.pid) holds locked", path, errno: code)
            }
        }
        return inodeOpen ? .elsewhere : .notHeld
    }
}
