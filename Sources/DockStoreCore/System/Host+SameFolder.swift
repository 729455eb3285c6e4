extension Host {
    /// Whether `path` and `other` are one folder once every link on the way is followed (inside
    /// --root, as every path dockstore reads): dockerd resolves a data root through its links
    /// (`ReadSymlinkedDirectory`), so a data root that is a link to the store's mountpoint is
    /// the store (attack 15, C04). False when either is missing; an error reading them throws.
    public func sameFolder(_ path: String, _ other: HostPath) throws -> Bool {
        // A path dockstore cannot take as a host path is judged not the store: the warning
        // then names it, the side that does not hide anything.
        let given: HostPath
        do { given = try HostPath(path, what: "data root") } catch { return false }
        guard let a = try FileStatus.following(realFollowing(given)), a.kind == .directory,
              let b = try FileStatus.following(realFollowing(other)), b.kind == .directory else { return false }
        return a.device == b.device && a.inode == b.inode
    }
}
