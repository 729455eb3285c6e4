/// A mount inside a `--root` tree, on the way to the image or the mountpoint, that brings a
/// folder from outside the tree: a bind of another root's /var/lib over this root's (attack 45
/// N G: with this root's store unmounted, `mount --rbind R2/var/lib R/var/lib` made check say
/// OK about R2's store, provision "in place", and teardown of R unmount R2's store and delete
/// R2's folders and records through the bind). Every path dockstore resolves inside the tree
/// would be that folder's, so every command refuses while it is there, and check says so.
///
/// Whole filesystems mounted in the tree (a partition of an image being built, a tmpfs, a
/// btrfs subvolume) are part of it, unless also mounted outside it, and so are binds of the
/// tree's own folders (a folder bound onto itself, another folder of the tree, a folder of a
/// filesystem mounted in the tree): only a bound folder found nowhere in the tree is foreign,
/// and an overlay with a layer outside the tree. The running system
/// (`--root /`) has no outside. Told from mountinfo and statx's mount id of each folder on the
/// way (Linux 5.8); a kernel that does not report mount ids is not asked.
public struct ForeignTreeMount: Sendable, Equatable {
    public var target: String
    public var source: String
    /// The folder of `source`'s filesystem mounted there (mountinfo's root field); for an
    /// overlay, its layer outside the tree.
    public var folder: String
    /// An overlay filesystem with a layer outside the tree (`outsideLayer`).
    public var overlay = false
    /// Where the same folder of the same filesystem is mounted outside the tree (`shownOutside`).
    public var alsoAt: String? = nil

    /// The first foreign mount on the folders from `root` down to each of `paths` (real paths
    /// inside it), the paths themselves left out.
    public static func find(root: String, paths: [String], mountinfo: String = "/proc/self/mountinfo", depth: Int = 0) throws -> ForeignTreeMount? {
        guard root != "/" else { return nil }
        let lines = try MountInfoLine.read(mountinfo)
        let byID = Dictionary(lines.map { ($0.mountID, $0) }, uniquingKeysWith: { first, _ in first })
        guard let rootID = try MountRoot.mountID(of: root), let base = byID[Substring(String(rootID))] else { return nil }
        let rootFolder = location(of: root, in: base)
        var judged: Set<Substring> = [base.mountID]
        // The folders on the way, not the paths themselves: what is mounted at the mountpoint
        // (a subvolume, a folder of the store bound there) is the store rules' to judge.
        for path in paths {
            var folder = AtomicFile.parentFolder(of: path)
            while folder.hasBytePrefix(root + "/") {
                defer { folder = AtomicFile.parentFolder(of: folder) }
                let id: UInt64?
                do {
                    id = try MountRoot.mountID(of: folder)
                } catch let error as DockStoreError where error.code == Errno.noSuchFileOrDirectory || error.code == Errno.notDirectory
                                                      || error.code == Errno.tooManySymbolicLinkLevels {
                    // A folder links lead to in a loop holds nothing a write could reach: the
                    // confined open says why.
                    continue
                }
                guard let id, let mount = byID[Substring(String(id))], judged.insert(mount.mountID).inserted else { continue }
                guard mount.target.hasBytePrefix(root + "/") else { continue }
                if mount.fstype == "overlay", let layer = try outsideLayer(mount, root: root, depth: depth) {
                    return ForeignTreeMount(target: mount.target, source: mount.source, folder: layer, overlay: true)
                }
                if mount.root == "/" || showsWholeSubvolume(mount) {
                    // A whole filesystem or subvolume is the tree's own, unless it is also
                    // mounted outside the tree: another tree's /var (attack 48 R C7, C8: a bind
                    // of A/var, a subvolume, onto B/var, and teardown of B deleted A's image).
                    if let elsewhere = shownOutside(mount, root: root, base: base, lines: lines) {
                        return ForeignTreeMount(target: mount.target, source: mount.source, folder: mount.root, alsoAt: elsewhere.target)
                    }
                    continue
                }
                if let parent = byID[mount.parentID], parent.deviceNumbers == mount.deviceNumbers,
                   mount.root.sameBytes(location(of: mount.target, in: parent)) { continue }
                if mount.deviceNumbers == base.deviceNumbers, within(mount.root, rootFolder) { continue }
                // A folder of a filesystem mounted in the tree (a folder of the store bound onto
                // the mountpoint) is in the tree too.
                if lines.contains(where: { other in
                    other.mountID != mount.mountID && other.deviceNumbers == mount.deviceNumbers
                        && (other.target.sameBytes(root) || other.target.hasBytePrefix(root + "/")) && within(mount.root, other.root)
                }) { continue }
                return ForeignTreeMount(target: mount.target, source: mount.source, folder: mount.root)
            }
        }
        return nil
    }

    /// A btrfs mount of a whole subvolume (`mount -o subvol=@var`, as SUSE mounts /var): its
    /// mountinfo root is the subvolume btrfs names in its options, a filesystem of its own in
    /// btrfs's model, and part of the tree (attack 46 P F1: it was refused as another tree's
    /// folder, and the advice `umount -R` made provision write under the mount the boot makes
    /// again). A bind of a folder inside a subvolume shows a root below it.
    static func showsWholeSubvolume(_ mount: MountInfoLine) -> Bool {
        guard mount.fstype == "btrfs" else { return false }
        for option in mount.superblockOptions.split(separator: ",") where option.hasPrefix("subvol=") {
            return mount.root.sameBytes(MountInfoOptions.unescape(option.dropFirst("subvol=".count)))
        }
        return false
    }

    /// The first layer (lower, upper, work or data folder) of an overlay mount that is not in
    /// the tree at `root`, by its real path, or that a foreign mount in the tree brings there
    /// (attack 48 R C12: a lower layer inside by path, a bind of another tree's folder); one that
    /// cannot be resolved (a relative path, as mount was given it) counts as outside.
    /// An overlay whose lower layer is another root's /var/lib shows that root's files, and
    /// opening one for writing copies it up: provision made a block copy of the other root's
    /// store this way (attack 46 P F2).
    static func outsideLayer(_ mount: MountInfoLine, root: String, depth: Int) throws -> String? {
        for layer in overlayLayers(mount.superblockOptions) {
            guard layer.hasPrefix("/"), case .success(let real) = PathCalls.realPath(layer), real.sameBytes(root) || real.hasBytePrefix(root + "/") else { return layer }
            // The layer's own folder judged as a folder on the way (a path below it).
            if depth < 4, try find(root: root, paths: [real + "/-"], depth: depth + 1) != nil { return layer }
        }
        return nil
    }

    /// Another mount, outside the tree, of the same filesystem showing `mount`'s folder or one
    /// inside it: the folder is another tree's too. The same place of this very tree seen at
    /// another path is not (the tree's folder shown elsewhere: `--root` a bind of the tree, a
    /// copy mount propagation made in a peer of the tree's mount, attack 48 R C2).
    static func shownOutside(_ mount: MountInfoLine, root: String, base: MountInfoLine, lines: [MountInfoLine]) -> MountInfoLine? {
        let rootFolder = location(of: root, in: base)
        let belowRoot = String(mount.target.dropFirst(root.count))
        func outside(_ line: MountInfoLine) -> Bool { !(line.target.sameBytes(root) || line.target.hasBytePrefix(root + "/")) }
        // Where else the tree's own folder shows: each such place plus the mount's path in the tree.
        let sameTreeTargets: [String] = lines.compactMap { line in
            guard line.deviceNumbers == base.deviceNumbers, outside(line), within(rootFolder, line.root) else { return nil }
            let inside = line.root == "/" ? rootFolder : String(rootFolder.dropFirst(line.root.count))
            return (line.target == "/" ? "" : line.target) + (inside == "/" ? "" : inside) + belowRoot
        }
        return lines.first { other in
            other.mountID != mount.mountID && other.deviceNumbers == mount.deviceNumbers && outside(other)
                && within(other.root, mount.root) && !sameTreeTargets.contains { other.target.sameBytes($0) }
        }
    }

    /// The folders an overlay's options name: `lowerdir=` (split at `:`), `lowerdir+=`,
    /// `upperdir=`, `workdir=`, `datadir+=`. mountinfo octal-escapes a comma, a space or a
    /// backslash in a value (so options split at every comma first), and overlayfs's own
    /// backslash escape of a `:` in a lower layer's name is taken off after the split.
    static func overlayLayers(_ options: Substring) -> [String] {
        var layers: [String] = []
        for option in options.split(separator: ",").map({ MountInfoOptions.unescape($0) }) {
            guard let equals = option.firstIndex(of: "=") else { continue }
            let key = option[..<equals]
            let value = String(option[option.index(after: equals)...])
            switch key {
            case "lowerdir": layers += splitUnescaped(value, at: ":").map(unescapeOverlay)
            case "lowerdir+", "upperdir", "workdir", "datadir+": layers.append(unescapeOverlay(value))
            default: continue
            }
        }
        return layers.filter { !$0.isEmpty }
    }

    /// `text` split at each `separator` not preceded by a backslash, the backslashes kept.
    static func splitUnescaped(_ text: String, at separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                current.append(character)
                escaped = true
            } else if character == separator {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    static func unescapeOverlay(_ text: String) -> String {
        var out = ""
        var escaped = false
        for character in text {
            if !escaped && character == "\\" { escaped = true; continue }
            out.append(character)
            escaped = false
        }
        return out
    }

    /// Refuses a changing command in a tree with a foreign mount on the way to `paths` (host
    /// paths inside `host`'s root), before it reads or writes anything there. The store's
    /// observation says it too, but only where something is mounted: with nothing mounted,
    /// teardown removed the other tree's mountpoint folder through an overlay (attack 46 P F2).
    /// The files every command consults (`HostPaths.consulted`) are asked with `paths`.
    public static func refuse(host: Host, paths: [HostPath]) throws {
        guard !host.isRunningSystem, let foreign = try find(root: host.root, paths: (paths + HostPaths.consulted).map { host.real($0) }) else { return }
        throw DockStoreError.refused("refusing: \(foreign.refusal(root: host.root))")
    }

    /// Whether `folder` is `top` or below it (every folder is below "/").
    static func within(_ folder: String, _ top: String) -> Bool {
        top == "/" || folder.sameBytes(top) || folder.hasBytePrefix(top + "/")
    }

    /// Where `path`, which `mount` holds, is in that mount's filesystem.
    static func location(of path: String, in mount: MountInfoLine) -> String {
        let below = mount.target == "/" ? path : String(path.dropFirst(mount.target.count))
        if mount.root == "/" { return below.isEmpty ? "/" : below }
        return mount.root + below
    }

    /// One line: where, what it brings, and what to do.
    public func refusal(root: String) -> String {
        if let alsoAt {
            return "\(target) inside \(root) shows the folder \(folder) of \(source), which is also mounted outside that tree, at \(alsoAt) (another tree's folder, such as another root's /var, bound or mounted into this one): what dockstore would read and change there is that tree's store and records too; unmount it here (umount -R \(target.shellWord)) and re-run; nothing was changed"
        }
        if overlay && !folder.hasPrefix("/") {
            return "\(target) inside \(root) is an overlay filesystem with the layer \(folder), named by a relative path, which dockstore cannot place inside or outside that tree: mount the overlay with absolute layer paths (umount \(target.shellWord), then mount -t overlay with lowerdir=/…) and re-run; nothing was changed"
        }
        if overlay {
            return "\(target) inside \(root) is an overlay filesystem with the layer \(folder), which is not in that tree (another tree's folder shown through it, such as another root's /var/lib): what dockstore would read there is that folder's, another tree's store and records, and a file opened for writing is copied up into the overlay, a second copy of it; unmount it (umount -R \(target.shellWord)) and re-run; nothing was changed"
        }
        return "\(target) inside \(root) is a mount of the folder \(folder) of \(source), which is not in that tree (a bind of another tree's folder, such as another root's /var/lib): what dockstore would read and change there is that folder's, another tree's store and records; unmount it (umount -R \(target.shellWord)) and re-run; nothing was changed"
    }
}
