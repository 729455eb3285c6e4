extension Teardowner {
    /// A symbolic link given (or recorded) as the mountpoint is refused before anything is
    /// observed or planned: teardown unmounts only at a folder, never through a link (provision
    /// refuses a link there too; status shows what is mounted at the folder it leads to). The
    /// one line says where the link leads inside the root and gives that folder as the
    /// --mountpoint to use (attack 9: it planned the unmount through the link, then refused with
    /// "a link took its place after dockstore looked", which was not what happened).
    static func refuseLinkedMountpoint(_ mountpoint: HostPath, on host: Host) throws {
        // Nothing there, or a file on the way, is no link: the rest of teardown says what it finds.
        guard try host.isSymlinkInRoot(mountpoint) else { return }
        // Resolved inside the root, as every read through a link there is (`realFollowing`).
        let leadsTo = ConfinedPath.resolve(root: host.root, mountpoint, followingLast: true)
        let below = host.isRunningSystem ? leadsTo : String(leadsTo.dropFirst(host.root.count))
        let inRoot = below.isEmpty ? "/" : below
        // Only the advice depends on this look: the run is refused either way.
        let target: FileStatus?
        do { target = try FileStatus.following(leadsTo) } catch { target = nil }
        let fix = target?.kind == .directory
            ? "give the folder it leads to: --mountpoint \(inRoot)"
            : "it leads to no folder: give the folder the store is mounted on as --mountpoint"
        throw DockStoreError.refused("\(host.real(mountpoint)) is a symbolic link to \(leadsTo), not a folder: teardown unmounts the store only at its folder, never through a link; nothing was changed: \(fix)")
    }
}
