import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// chattr's immutable and append-only attributes of a path (a link not followed), read with
/// statx(2) without opening it.
enum PathWriteLocks {
    /// nil when nothing is at `path`; fails with the errno kept in the error's `code` (EACCES
    /// for a user who may not look inside a folder on the way).
    static func read(_ path: String) throws -> (immutable: Bool, appendOnly: Bool)? {
        var immutable: Int32 = 0
        var appendOnly: Int32 = 0
        switch Syscall.attempt({ ds_statx_write_locks(path, &immutable, &appendOnly) }) {
        case .success: return (immutable != 0, appendOnly != 0)
        case .failure(let code) where code == ENOENT: return nil
        case .failure(let code): throw DockStoreError.system("cannot read the attributes (chattr's i and a) of", path, errno: code)
        }
    }
}

extension PathWriteLocks {
    /// An entry of a folder with chattr's immutable and append-only attributes and whether it
    /// is a folder, from one statx: its name as the bytes readdir gave.
    struct Entry: Equatable {
        var name: [UInt8]
        var immutable: Bool
        var appendOnly: Bool
        var isFolder = false
    }

    /// The entries of `folder`, in readdir's order; nil when nothing is at `folder`. Fails with
    /// the errno in the error's `code` when the folder cannot be listed or an entry's
    /// attributes cannot be read (an entry removed meanwhile is skipped).
    static func entries(of folder: String) throws -> [Entry]? {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT { return nil }
            throw DockStoreError.system("cannot list", folder, errno: code)
        }
        guard let stream = fdopendir(fd) else {
            let code = errno
            close(fd)
            throw DockStoreError.system("cannot list", folder, errno: code)
        }
        defer { closedir(stream) }
        var found: [Entry] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw DockStoreError.system("cannot list", folder, errno: errno) }
                return found
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix(while: { $0 != 0 })) }
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            var immutable: Int32 = 0
            var appendOnly: Int32 = 0
            var isFolder: Int32 = 0
            let rc = name.withUnsafeBufferPointer { bytes -> Int32 in
                var cName = bytes.map { CChar(bitPattern: $0) }
                cName.append(0)
                return ds_statx_write_locks_at(dirfd(stream), cName, &immutable, &appendOnly, &isFolder)
            }
            if rc != 0 {
                let code = errno
                if code == ENOENT { continue }
                throw DockStoreError.system("cannot read the attributes (chattr's i and a) of", folder + "/" + ShownBytes.text(name), errno: code)
            }
            found.append(Entry(name: name, immutable: immutable != 0, appendOnly: appendOnly != 0, isFolder: isFolder != 0))
        }
    }
}
