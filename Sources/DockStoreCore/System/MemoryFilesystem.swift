/// Filesystems kept in memory (tmpfs, ramfs): every boot starts them empty, so a store, an
/// image or a loop device's file on one does not survive a reboot.
public enum MemoryFilesystem {
    public static let names: Set<String> = ["tmpfs", "ramfs"]

    /// The memory filesystem `path` is on (statfs), or nil for any other.
    public static func of(_ path: String) throws -> String? {
        let name = try FilesystemType.of(path, checkDType: false).name
        return names.contains(name) ? name : nil
    }
}
