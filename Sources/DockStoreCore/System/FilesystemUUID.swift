/// The text form of a filesystem UUID as libblkid and /sys/fs/btrfs give it:
/// 8-4-4-4-12 hexadecimal digits.
public enum FilesystemUUID {
    public static func isValid(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.utf8.count) == [8, 4, 4, 4, 12]
            && groups.allSatisfy { $0.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) } }
    }
}
