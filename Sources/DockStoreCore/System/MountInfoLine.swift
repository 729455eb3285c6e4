/// One line of /proc/self/mountinfo split into its fields, without libmount (so `check` loads
/// no library): `ID PARENT MAJ:MIN ROOT TARGET OPTIONS [TAGS…] - TYPE SOURCE SUPER_OPTIONS`.
/// The one splitter behind `MountInfoOptions` and `MountStack`.
struct MountInfoLine {
    let fields: [Substring]
    /// The index of the `-` that ends the optional tags.
    let dash: Int

    init?(_ line: Substring) {
        let fields = line.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count >= 10, let dash = fields.firstIndex(of: "-"), dash >= 6, dash + 3 < fields.count else { return nil }
        (self.fields, self.dash) = (fields, dash)
    }

    /// The lines of the mount table at `path`; a missing file is an error (no /proc), never "nothing mounted".
    static func read(_ path: String) throws -> [MountInfoLine] {
        guard let text = try FileContents.readString(path) else {
            throw DockStoreError.failed("cannot read the mount table \(path): it does not exist; is /proc mounted?")
        }
        return lines(text)
    }

    static func lines(_ text: String) -> [MountInfoLine] {
        text.split(separator: "\n").compactMap(MountInfoLine.init)
    }

    /// The mount's ID, unique across mount namespaces.
    var mountID: Substring { fields[0] }
    /// The ID of the mount this one is mounted on.
    var parentID: Substring { fields[1] }
    /// `MAJ:MIN` as written.
    var deviceNumbers: Substring { fields[2] }
    var root: String { MountInfoOptions.unescape(fields[3]) }
    var target: String { MountInfoOptions.unescape(fields[4]) }
    var mountOptions: Substring { fields[5] }
    var fstype: String { MountInfoOptions.unescape(fields[dash + 1]) }
    var source: String { MountInfoOptions.unescape(fields[dash + 2]) }
    var superblockOptions: Substring { fields[dash + 3] }
    /// The optional tags between the mount options and the `-` (`shared:N`, `master:N`,
    /// `propagate_from:N`, `unbindable`).
    var tags: ArraySlice<Substring> { fields[6..<dash] }
    /// N of `shared:N`: the peer group whose mounts and unmounts propagate to this one's peers
    /// and slaves; nil for a private or slave-only mount.
    var peerGroup: Substring? { tags.first { $0.hasPrefix("shared:") }?.dropFirst("shared:".count) }
}
