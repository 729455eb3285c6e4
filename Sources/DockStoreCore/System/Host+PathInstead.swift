#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Host {
    /// What stands on the way to the folder `path` inside the root now, for a refusal's one
    /// line: the first component that is missing, a symbolic link (with its target) or not a
    /// folder, and that component's real path (what to look at with `ls -ld`). Only looks
    /// (lstat, readlink), never follows a link; nil when every component is a folder.
    func pathInstead(of path: HostPath) -> (what: String, at: String)? {
        var prefix = isRunningSystem ? "" : root
        for component in path.string.split(separator: "/") {
            prefix += "/" + component
            var st = stat()
            guard lstat(prefix, &st) == 0 else {
                return ("\(prefix) is not there (\(Errno.text(errno)))", prefix)
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                continue
            case S_IFLNK:
                var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let length = readlink(prefix, &target, target.count - 1)
                let shown = length >= 0 ? String(cChars: Array(target.prefix(length))) : "?"
                return ("\(prefix) is a symbolic link to \(shown)", prefix)
            default:
                return ("\(prefix) is not a folder", prefix)
            }
        }
        return nil
    }
}
