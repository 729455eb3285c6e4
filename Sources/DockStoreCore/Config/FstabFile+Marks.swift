/// The comments dockstore puts in /etc/fstab so that teardown can give the file back byte for
/// byte. libmount (and so `findmnt --fstab`, `mount -a` and systemd-fstab-generator) skips a
/// line whose first non-blank byte is `#`.
extension FstabFile {
    /// Before a line dockstore appended to a file whose last line had no newline: the newline
    /// that ends that line is dockstore's, and goes with the appended line.
    public static let endedLineMark = "# dockstore ended the line above (it had no newline); dockstore teardown takes that newline back with the line below"
    /// The first line of an fstab dockstore created (there was none).
    public static let createdMark = "# Created by dockstore (there was no such file); dockstore teardown removes it while it holds nothing else"
    /// The file dockstore starts from where there is no fstab.
    public static let createdByDockstore: [UInt8] = Array(createdMark.utf8) + [UInt8(ascii: "\n")]

    /// The first line that names one of `names` (a mountpoint, an image path, a `UUID=` source;
    /// absolute paths compared without doubled or trailing slashes) but that libmount cannot
    /// read, with its 0-based index and why.
    public func unreadableLine(naming names: [String]) -> (index: Int, name: String, reason: String)? {
        let wanted = names.map { Array($0.utf8) }
        for (index, line) in lines.enumerated() {
            guard case .unreadable(let reason, let fields) = line.parsed else { continue }
            let normalized = fields.map { field -> [UInt8] in
                guard field.first == UInt8(ascii: "/") else { return field }
                let parts = field.split(separator: UInt8(ascii: "/"))
                return parts.isEmpty ? [UInt8(ascii: "/")] : parts.flatMap { [UInt8(ascii: "/")] + $0 }
            }
            if let named = wanted.first(where: { normalized.contains($0) }) {
                return (index, String(decoding: named, as: UTF8.self), reason)
            }
        }
        return nil
    }
}
