extension Teardowner {
    /// Teardown finds the store's fstab line and configuration by the mountpoint as written and
    /// its mount where the path leads. A mountpoint that reaches the store's folder by another
    /// spelling than the one fstab's line or the drop-in writes (through a linked folder, or the
    /// real folder when they go through a link) would unmount the store and keep the line that
    /// mounts it again at the next boot. Such a run is refused before anything is planned,
    /// naming the spelling to give. A path through a link that no line or drop-in spells
    /// otherwise is taken as given (a killed teardown's re-run finds no line left).
    static func refuseOtherSpellingOfMountpoint(_ mountpoint: HostPath, dropIn: [UInt8]?, on host: Host) throws {
        let fstab = try FileContents.read(HostPaths.fstab, on: host).map(FstabFile.init(bytes:))
        if let fstab, !fstab.entries(mountingAt: mountpoint).isEmpty { return }
        let leadsTo = ConfinedPath.resolve(root: host.root, mountpoint, followingLast: true)
        var spellings = fstab?.lines.compactMap { $0.entry?.fstype == "btrfs" ? $0.entry?.normalizedTarget : nil } ?? []
        if let dropIn, let named = DockerDropIn.mountpoint(in: dropIn) { spellings.append(named) }
        for spelling in spellings where spelling.hasPrefix("/") {
            // Only which advice to give depends on this: a spelling that is no valid path names nothing.
            let other: HostPath
            do { other = try HostPath(spelling, what: "a mountpoint fstab or the drop-in names") } catch { continue }
            guard other != mountpoint, ConfinedPath.resolve(root: host.root, other, followingLast: true).sameBytes(leadsTo) else { continue }
            throw DockStoreError.refused("--mountpoint \(mountpoint) reaches the store's folder \(leadsTo) by another path than \(other), the one its fstab line and configuration write (a symbolic link is on the way), and teardown finds those by the path as written; nothing was changed: give --mountpoint \(other)")
        }
    }
}
