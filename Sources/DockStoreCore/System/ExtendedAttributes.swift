import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The extended attributes of an open file (POSIX ACLs as system.posix_acl_access, SELinux
/// and IMA labels as security.*, user.*), read from one descriptor and set on another, so an
/// atomic rewrite keeps them as `cp --preserve=xattr` does (outside attack 12, B08). Fail
/// closed: a filesystem without xattrs (ENOTSUP on the list) has none to keep; any other
/// failure to read or set one is an error naming the attribute, the file and errno.
struct ExtendedAttributes: Equatable {
    var entries: [(name: String, value: [UInt8])] = []

    static func == (a: Self, b: Self) -> Bool {
        a.entries.map(\.name) == b.entries.map(\.name) && a.entries.map(\.value) == b.entries.map(\.value)
    }

    /// Reads every attribute of `fd` (the file at `path`). Sizes are asked first and the read
    /// repeated when an attribute grew in between (ERANGE).
    static func read(_ fd: Int32, path: String) throws -> ExtendedAttributes {
        var names: [CChar] = []
        while true {
            let size: Int
            switch Syscall.attempt({ Int(ds_flistxattr(fd, nil, 0)) }) {
            case .success(let n): size = n
            case .failure(let code) where code == ENOTSUP: return ExtendedAttributes()
            case .failure(let code): throw DockStoreError.system("cannot list the extended attributes of", path, errno: code)
            }
            if size == 0 { return ExtendedAttributes() }
            names = [CChar](repeating: 0, count: size)
            switch Syscall.attempt({ Int(ds_flistxattr(fd, &names, UInt64(size))) }) {
            case .success(let n): names = Array(names.prefix(n))
            case .failure(let code) where code == ERANGE: continue
            case .failure(let code): throw DockStoreError.system("cannot list the extended attributes of", path, errno: code)
            }
            break
        }
        var result = ExtendedAttributes()
        for raw in names.split(separator: 0, omittingEmptySubsequences: true) {
            let name = String(decoding: raw.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            result.entries.append((name, try value(fd, name: name, path: path)))
        }
        return result
    }

    private static func value(_ fd: Int32, name: String, path: String) throws -> [UInt8] {
        while true {
            let size = try Syscall.check("cannot read the extended attribute \(name) of", path) { Int(ds_fgetxattr(fd, name, nil, 0)) }
            if size == 0 { return [] }
            var bytes = [UInt8](repeating: 0, count: size)
            switch Syscall.attempt({ Int(ds_fgetxattr(fd, name, &bytes, UInt64(size))) }) {
            case .success(let n): return Array(bytes.prefix(n))
            case .failure(let code) where code == ERANGE: continue
            case .failure(let code): throw DockStoreError.system("cannot read the extended attribute \(name) of", path, errno: code)
            }
        }
    }

    /// Sets every attribute on `fd` (the file at `path`), creating or replacing each.
    func apply(to fd: Int32, path: String) throws {
        for (name, value) in entries {
            _ = try Syscall.check("cannot set the extended attribute \(name) on", path) {
                value.withUnsafeBufferPointer { ds_fsetxattr(fd, name, $0.baseAddress, UInt64($0.count), 0) }
            }
        }
    }
}
