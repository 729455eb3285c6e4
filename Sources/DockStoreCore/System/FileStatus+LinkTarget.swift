#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension FileStatus {
    /// The target of the symbolic link at `path`, as written in the link.
    static func linkTarget(_ path: String) throws -> String {
        guard let target = ConfinedPath.readLink(path) else {
            throw DockStoreError.system("cannot read the link", path, errno: errno)
        }
        return target
    }
}
