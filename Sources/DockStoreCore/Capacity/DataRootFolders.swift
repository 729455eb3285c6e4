/// A folder dockerd keeps inside its data root that it cannot write, although the data root
/// itself can be written: chattr +i or +a on it, another filesystem mounted on it, or a
/// read-only bind of it (attack 42 Q F6: a tmpfs over DATAROOT/btrfs, chattr +i on
/// DATAROOT/btrfs/subvolumes; `docker pull` and `docker create` failed while check said OK).
/// Mounts are judged where dockerd never mounts (its image metadata, its btrfs driver's
/// layers, its network database, …) and on the folders below which it does (a container's
/// shm, a volume created with `--opt type=tmpfs`), never deeper there; dockerd binds its
/// driver's folder onto itself, a mount of the store's own device.
public struct DataRootFolderObstacle: Sendable, Equatable, Codable {
    public enum Kind: Sendable, Equatable, Codable {
        case immutable
        case appendOnly
        /// Another filesystem (type, source) mounted on the folder, read-only or not.
        case mounted(fstype: String, source: String, readOnly: Bool)
        /// A bind of the store's own folder, read-only.
        case readOnlyBind
    }

    public var path: String
    public var kind: Kind
    /// The work folder of which `path` is an entry (`objectFolders`), and how many more of its
    /// entries carry the same attribute.
    public var entryOf: String? = nil
    public var others: Int = 0
    /// How far below `entryOf` the entries are: 1, or 2 for a thing's own entries (`thingsOwnEntries`).
    public var depth = 1

    /// Subtrees of the data root where dockerd never mounts anything but its bind of its btrfs
    /// driver's folder onto itself: any other mount there is out of the store or read-only
    /// (a read-only tmpfs on image/btrfs failed docker import; attack 45 N A, C).
    static let unmountedSubtrees: Set<String> = ["btrfs", "image", "network", "trust", "swarm", "runtimes", "buildkit"]
    /// Folders dockerd makes at the top of its data root below which it mounts (a container's
    /// rootfs and shm, a volume's options, a plugin's rootfs): only a mount on the folder itself
    /// is judged there.
    static let mountingFolders: Set<String> = ["overlay2", "containers", "volumes", "plugins"]
    /// Folders in which dockerd creates and removes entries as it works (a layer, a container, a
    /// volume, a temporary file): chattr +i or +a matters on these, since neither is inherited
    /// by what exists below. On `btrfs` or `image`, whose one entry dockerd made once, they
    /// change nothing dockerd does (a real dockerd creates and removes containers then).
    static let workFolders = ["btrfs/subvolumes", "overlay2", "containers", "volumes", "tmp"]
    /// Work folders each of whose entries is one thing dockerd made and removes whole, or
    /// rewrites (a layer's subvolume or folder, overlay2's folder of short links, a container's
    /// folder, a volume's folder, the volumes' database): chattr +i or +a on one of them fails
    /// `docker rm` or `docker rmi` of that one thing, or dockerd's start (attack 45 N D). Deeper
    /// is a layer's or a container's own content, which check does not walk.
    static let objectFolders = ["btrfs/subvolumes", "overlay2", "containers", "volumes"]
    /// The folder of the storage driver a store of this filesystem does not run: dockerd never
    /// touches it, so what is left there (after a change of driver) is no finding (attack 49 S
    /// A14). dockerd runs btrfs on a btrfs store and refuses overlay2 there; overlay2 elsewhere.
    static func otherDriversFolder(storeType: String) -> String {
        storeType == "btrfs" ? "overlay2" : "btrfs/subvolumes"
    }
    /// The entries of a thing's own folder one level further down that `docker rm` or `docker
    /// volume rm` removes or rewrites in place: a container's files (config.v2.json, hostconfig.json,
    /// hostname, hosts, resolv.conf, its log, its checkpoints and mounts folders), a local volume's
    /// one `_data` (attack 49 S A2, A3). A layer's content is not walked.
    static let thingsOwnEntries: [String: String?] = ["containers": nil, "volumes": "_data"]

    /// What stands in dockerd's way in the data root at `mountpoint`, from mountinfo's lines and
    /// statx. A mount's verdict: another filesystem, or a read-only mount, anywhere in
    /// `unmountedSubtrees` (dockerd's own same-device bind of btrfs/ aside) or on one of
    /// `mountingFolders`; on tmp/ only a read-only one (dockerd's temporary files may go on a
    /// tmpfs: attack 45 N L). A user who may not look inside the data root (dockerd makes it
    /// 0710 root:root) sees its mounts but not its folders' attributes: those are root's to read.
    static func find(mountpoint: String, isRoot: Bool, lines: [MountInfoLine]) throws -> [DataRootFolderObstacle] {
        guard let store = lines.last(where: { $0.target.sameBytes(mountpoint) }) else { return [] }
        let unused = otherDriversFolder(storeType: store.fstype)
        var found: [DataRootFolderObstacle] = []
        var topAt: [String: MountInfoLine] = [:]
        var order: [String] = []
        for line in lines where line.target.hasBytePrefix(mountpoint + "/") {
            if topAt[line.target] == nil { order.append(line.target) }
            topAt[line.target] = line
        }
        for target in order {
            guard let line = topAt[target] else { continue }
            let relative = String(target.dropFirst(mountpoint.count + 1))
            let first = String(relative.split(separator: "/", maxSplits: 1).first ?? "")
            let readOnly = line.mountOptions.split(separator: ",").contains("ro")
            let sameDevice = line.deviceNumbers == store.deviceNumbers
            let judged: Bool
            if unmountedSubtrees.contains(first) || (mountingFolders.contains(first) && relative == first) {
                judged = !sameDevice || readOnly
            } else if first == "tmp" {
                judged = readOnly
            } else {
                judged = false
            }
            guard judged else { continue }
            found.append(DataRootFolderObstacle(path: target, kind: sameDevice ? .readOnlyBind : .mounted(fstype: line.fstype, source: line.source, readOnly: readOnly)))
        }
        for name in workFolders where name != unused {
            let path = mountpoint + "/" + name
            let locks: (immutable: Bool, appendOnly: Bool)?
            do {
                locks = try PathWriteLocks.read(path)
            } catch let error as DockStoreError where !isRoot && (error.code == Errno.permissionDenied || error.code == Errno.notPermitted) {
                break
            }
            if locks?.immutable == true { found.append(DataRootFolderObstacle(path: path, kind: .immutable)) }
            if locks?.appendOnly == true { found.append(DataRootFolderObstacle(path: path, kind: .appendOnly)) }
        }
        for name in objectFolders where name != unused {
            let folder = mountpoint + "/" + name
            let entries: [PathWriteLocks.Entry]
            do {
                entries = try PathWriteLocks.entries(of: folder) ?? []
            } catch let error as DockStoreError where !isRoot && (error.code == Errno.permissionDenied || error.code == Errno.notPermitted) {
                break
            }
            found += lockedEntryObstacles(in: folder, entries)
            if let own = thingsOwnEntries[name] {
                found += try ownEntryObstacles(in: folder, things: entries.filter(\.isFolder), only: own)
            }
        }
        return found
    }

    /// The locked entries one level down in each thing's folder `things` of `folder`
    /// (`thingsOwnEntries`): every entry, or only the one named `only`; one finding per
    /// attribute for them all.
    static func ownEntryObstacles(in folder: String, things: [PathWriteLocks.Entry], only: String?) throws -> [DataRootFolderObstacle] {
        var locked: [PathWriteLocks.Entry] = []
        for thing in things.sorted(by: { $0.name.lexicographicallyPrecedes($1.name) }) {
            // dockerd names its things in ASCII (ids, volume names): another name is no path to judge here.
            guard let name = String(validating: thing.name, as: UTF8.self) else {
                throw DockStoreError.failed("cannot read the attributes (chattr's i and a) below \(folder)/\(ShownBytes.text(thing.name)): its name is not UTF-8")
            }
            let path = folder + "/" + name
            if let only {
                guard let locks = try PathWriteLocks.read(path + "/" + only), locks.immutable || locks.appendOnly else { continue }
                locked.append(.init(name: Array((name + "/" + only).utf8), immutable: locks.immutable, appendOnly: locks.appendOnly))
            } else {
                for entry in try PathWriteLocks.entries(of: path) ?? [] where entry.immutable || entry.appendOnly {
                    locked.append(.init(name: Array((name + "/").utf8) + entry.name, immutable: entry.immutable, appendOnly: entry.appendOnly))
                }
            }
        }
        return lockedEntryObstacles(in: folder, locked, depth: 2)
    }

    /// One finding per attribute for the entries of `folder` that carry it: the first named,
    /// the rest counted (`chattr -R +i` on a store of a thousand layers is one finding, not a
    /// thousand lines).
    static func lockedEntryObstacles(in folder: String, _ entries: [PathWriteLocks.Entry], depth: Int = 1) -> [DataRootFolderObstacle] {
        var found: [DataRootFolderObstacle] = []
        for (kind, has) in [(Kind.immutable, { (e: PathWriteLocks.Entry) in e.immutable }), (Kind.appendOnly, { (e: PathWriteLocks.Entry) in e.appendOnly })] {
            let locked = entries.filter(has)
            guard let first = locked.first else { continue }
            found.append(DataRootFolderObstacle(path: folder + "/" + ShownBytes.text(first.name), kind: kind, entryOf: folder, others: locked.count - 1, depth: depth))
        }
        return found
    }

    /// check's figure for it: the attributes are `data_root_attribute`'s, a mount is its own.
    public var figure: String {
        switch kind {
        case .immutable, .appendOnly: return "data_root_attribute"
        case .mounted, .readOnlyBind: return "mounted_in_data_root"
        }
    }

    public var verdict: String {
        let p = path.shellWord
        let more = others > 0 ? " and \(others) more \(others == 1 ? "entry" : "entries") of \(entryOf ?? "")" : ""
        let listed = others > 0 ? (entryOf ?? "").shellWord + (depth == 2 ? "/*/*" : "/*") : p
        switch kind {
        case .immutable where entryOf != nil:
            return "\(path)\(more) in the data root \(others > 0 ? "have" : "has") the immutable attribute (lsattr -d \(listed)): dockerd can neither change nor remove \(others > 0 ? "them" : "it") (docker rm, docker rmi or docker volume rm of what \(others > 0 ? "they hold" : "it holds") fails); chattr -i \(listed)"
        case .appendOnly where entryOf != nil:
            return "\(path)\(more) in the data root \(others > 0 ? "have" : "has") the append-only attribute (lsattr -d \(listed)): dockerd can neither remove \(others > 0 ? "them" : "it") nor replace what is in \(others > 0 ? "them" : "it") (docker rm, docker rmi or docker volume rm of what \(others > 0 ? "they hold" : "it holds") fails); chattr -a \(listed)"
        case .immutable:
            return "the folder \(path) in the data root has the immutable attribute (lsattr -d \(p)): nothing can be created, renamed or removed in it, so dockerd cannot write what it keeps there (docker pull and docker create fail); chattr -i \(p)"
        case .appendOnly:
            return "the folder \(path) in the data root has the append-only attribute (lsattr -d \(p)): entries can be created in it but not removed or renamed, so whatever dockerd replaces by a rename or removes there fails; chattr -a \(p)"
        case .mounted(let fstype, let source, true):
            return "\(fstype) \(source) is mounted read-only at \(path), inside the data root: dockerd cannot write what it keeps there (docker pull, docker create or docker network create fail); stop Docker (systemctl stop docker), umount \(p), then start Docker"
        case .mounted(let fstype, let source, false):
            return "\(fstype) \(source) is mounted at \(path), inside the data root: what dockerd keeps there goes onto that filesystem, not the store, and is out of sight once it is unmounted; stop Docker (systemctl stop docker), umount \(p), then start Docker"
        case .readOnlyBind:
            return "\(path) in the data root is a read-only mount of the store's own folder: dockerd cannot write what it keeps there (docker pull, docker create or docker network create fail); stop Docker (systemctl stop docker), umount \(p) (dockerd binds its driver's folder again when it starts), then start Docker"
        }
    }
}
