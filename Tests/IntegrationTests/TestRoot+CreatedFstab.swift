import DockStoreCore

extension TestRoot {
    /// A test root has no /etc/fstab, so provision creates one that starts with
    /// `FstabFile.createdMark`: the created file as the test expects it, given its lines after the mark.
    static func createdFstab(_ lines: String) -> String { FstabFile.createdMark + "\n" + lines }

    /// The fstab's lines after the mark of a created file (or all of them when it has none).
    var fstabAfterCreatedMark: String? {
        guard let text = read(fstab) else { return nil }
        let mark = FstabFile.createdMark + "\n"
        return text.hasPrefix(mark) ? String(text.dropFirst(mark.count)) : text
    }
}
