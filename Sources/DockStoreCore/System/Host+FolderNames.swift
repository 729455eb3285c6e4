#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Host {
    /// The names in a folder opened inside --root through no link at its last component,
    /// sorted; nil when it cannot be opened or read as a folder.
    func folderNamesInRoot(_ folder: HostPath) throws -> [String]? {
        guard case .success(let fd) = try openInRoot(folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW) else { return nil }
        defer { close(fd) }
        return FolderEntries.names(in: fd)?.sorted()
    }
}
