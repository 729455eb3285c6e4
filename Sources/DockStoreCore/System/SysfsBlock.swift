#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Block devices as /sys describes them: names by device number, partitions and their
/// disks, holders (device-mapper, md), NVMe serials and models. The root is injectable so
/// unit tests can build NVMe trees in a temporary folder.
public struct SysfsBlock: Sendable {
    public let root: String

    public init(root: String = "/sys") { self.root = root }

    /// The kernel name (`nvme1n1`, `loop3`, `vda1`) of the block device with this number.
    public func name(ofDevice rdev: UInt64) -> String? {
        let link = "\(root)/dev/block/\(major(rdev)):\(minor(rdev))"
        guard let resolved = realpath(link, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved).split(separator: "/").last.map(String.init)
    }

    public func isPartition(_ name: String) -> Bool {
        access("\(root)/class/block/\(name)/partition", F_OK) == 0
    }

    /// The whole disk a partition belongs to; the name itself for a disk.
    public func disk(of name: String) -> String {
        guard isPartition(name), let resolved = realpath("\(root)/class/block/\(name)", nil) else { return name }
        defer { free(resolved) }
        let parts = String(cString: resolved).split(separator: "/")
        return parts.count >= 2 ? String(parts[parts.count - 2]) : name
    }

    /// The partitions of a disk (`nvme1n1p1`, …). A folder that cannot be read throws: a
    /// mounted partition it hides would make the disk look free.
    public func partitions(of disk: String) throws -> [String] {
        try listed("\(root)/block/\(disk)").filter { access("\(root)/block/\(disk)/\($0)/partition", F_OK) == 0 }
    }

    /// What holds the device open for itself: device-mapper or md devices built on it. A
    /// holders folder that cannot be read throws: cannot tell is not "held by nothing".
    public func holders(of name: String) throws -> [String] {
        try listed("\(root)/class/block/\(name)/holders")
    }

    /// The whole disks whose name starts with a prefix (`nvme`), sorted.
    public func disks(prefix: String) -> [String] {
        entries("\(root)/block").filter { $0.hasPrefix(prefix) }.sorted()
    }

    /// A trimmed attribute such as `device/serial` or `device/model`.
    public func attribute(_ name: String, _ attribute: String) -> String? {
        // An identity that cannot be read matches no volume id, so the device is not found
        // (the command waits or refuses); it never makes another device match.
        guard let text = try? FileContents.readString("\(root)/block/\(name)/\(attribute)") else { return nil }
        let trimmed = text.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    func entries(_ folder: String) -> [String] {
        (FolderEntries.names(folder) ?? []).sorted()
    }

    /// `entries` for a folder every device has: one that cannot be read throws with its errno.
    func listed(_ folder: String) throws -> [String] {
        guard let names = FolderEntries.names(folder) else {
            throw DockStoreError.system("cannot read", folder, errno: errno)
        }
        return names.sorted()
    }
}
