extension ProvisionSettings {
    /// Refuses the settings file at `real` when a folder on its way from the root (the root
    /// itself included) is not owned by root, or is writable by its group or others without
    /// the sticky bit: whoever can write such a folder can rename another file over the
    /// settings, whatever the file's own mode (sudo and sshd check their files' folders the
    /// same way). The folders are those of the path resolved inside the root, so a folder
    /// reached through a link is checked where it really is.
    static func refuseLooseFolders(of real: String, root: String) throws {
        var folders: [String] = []
        var folder = parent(of: real)
        while true {
            folders.append(folder)
            if folder == root || folder == "/" || !folder.hasPrefix(root == "/" ? "/" : root + "/") { break }
            folder = parent(of: folder)
        }
        for folder in folders.reversed() {
            guard let status = try FileStatus.following(folder) else { return }
            if let problem = looseness(uid: status.uid, mode: status.mode) {
                throw DockStoreError.refused("refusing \(real): its folder \(folder) is \(problem); whoever can write there can put another file in the settings' place: chown root \(folder) and chmod go-w \(folder)")
            }
        }
    }

    /// Why a folder with this owner and mode lets someone other than root replace its files;
    /// nil when it does not.
    static func looseness(uid: UInt32, mode: UInt32) -> String? {
        if uid != 0 { return "owned by uid \(uid), not root" }
        guard mode & 0o1000 == 0 else { return nil }
        let writers = [(UInt32(0o020), "its group"), (UInt32(0o002), "others")].filter { mode & $0.0 != 0 }.map(\.1)
        guard !writers.isEmpty else { return nil }
        return "writable by \(writers.joined(separator: " and ")) without the sticky bit (mode \(String(mode, radix: 8)))"
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
