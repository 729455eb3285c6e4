#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Host {
    /// A symbolic link is at `path` inside the root now (the folders on the way resolved inside
    /// it, the last component not followed). Nothing there, or a file on the way (ENOTDIR), is
    /// no link; any other failure to look is thrown.
    func isSymlinkInRoot(_ path: HostPath) throws -> Bool {
        let shown = real(path)
        var st = stat()
        switch Syscall.attempt({ lstat(shown, &st) }) {
        case .success: return st.st_mode & S_IFMT == S_IFLNK
        case .failure(let code) where code == ENOENT || code == ENOTDIR: return false
        case .failure(let code) where code == ELOOP: throw FileStatus.linkLoop(shown)
        case .failure(let code): throw DockStoreError.system("cannot look at", shown, errno: code)
        }
    }
}
