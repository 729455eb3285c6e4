/// A folder dockerd keeps inside its data root that it cannot write, although the data root
/// itself can be written: chattr +i or +a on it, another filesystem mounted on it, or a
/// read-only bind of it (attack 42 Q F6: a tmpfs over DATAROOT/btrfs, chattr +i on
/// DATAROOT/btrfs/subvolumes; `docker pull` and `docker create` failed while check said OK).
/// Only the folders dockerd itself makes at the top of its data root are asked: deeper mounts
/// are Docker's own (a container's shm, a volume created with `--opt type=tmpfs`), and
/// dockerd binds its driver's folder onto itself, a mount of the store's own device.
public struct DataRootFolderObstacle: Sendable, Equatable, Codable {
    public enum Kind: Sendable, Equatable, Codable {
        case immutable
        case appendOnly
        /// Another filesystem (type, source) mounted on the folder.
        case mounted(fstype: String, source: String)
        /// A bind of the store's own folder, read-only.
        case readOnlyBind
    }

    public var path: String
    public var kind: Kind

    /// The folders dockerd makes at the top of its data root: the drivers' own, its image
    /// metadata, its containers' and volumes' folders, its temporary folder. Any of them with
    /// another filesystem on it is out of the store.
    static let folders = ["btrfs", "btrfs/subvolumes", "overlay2", "image", "containers", "volumes", "tmp"]
    /// Those in which dockerd creates and removes entries as it works (a layer, a container, a
    /// volume, a temporary file): chattr +i or +a matters on these alone, since neither is
    /// inherited by what exists below. On `btrfs` or `image`, whose one entry dockerd made once,
    /// they change nothing dockerd does (a real dockerd creates and removes containers then).
    static let workFolders: Set<String> = ["btrfs/subvolumes", "overlay2", "containers", "volumes", "tmp"]

    /// What stands in dockerd's way in the data root at `mountpoint`, from mountinfo and statx.
    /// A user who may not look inside the data root (dockerd makes it 0710 root:root) sees its
    /// folders' mounts but not their attributes: those are root's to read, and not judged then.
    static func find(mountpoint: String, isRoot: Bool, lines: [MountInfoLine]) throws -> [DataRootFolderObstacle] {
        guard let store = lines.last(where: { $0.target.sameBytes(mountpoint) }) else { return [] }
        var found: [DataRootFolderObstacle] = []
        var attributesReadable = true
        for name in folders {
            let path = mountpoint + "/" + name
            if let top = lines.last(where: { $0.target.sameBytes(path) }) {
                if top.deviceNumbers != store.deviceNumbers {
                    found.append(DataRootFolderObstacle(path: path, kind: .mounted(fstype: top.fstype, source: top.source)))
                    continue
                }
                if top.mountOptions.split(separator: ",").contains("ro") {
                    found.append(DataRootFolderObstacle(path: path, kind: .readOnlyBind))
                }
            }
            guard attributesReadable, workFolders.contains(name) else { continue }
            let locks: (immutable: Bool, appendOnly: Bool)?
            do {
                locks = try PathWriteLocks.read(path)
            } catch let error as DockStoreError where !isRoot && (error.code == Errno.permissionDenied || error.code == Errno.notPermitted) {
                attributesReadable = false
                continue
            }
            if locks?.immutable == true { found.append(DataRootFolderObstacle(path: path, kind: .immutable)) }
            if locks?.appendOnly == true { found.append(DataRootFolderObstacle(path: path, kind: .appendOnly)) }
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
        switch kind {
        case .immutable:
            return "the folder \(path) in the data root has the immutable attribute (lsattr -d \(p)): nothing can be created, renamed or removed in it, so dockerd cannot write what it keeps there (docker pull and docker create fail); chattr -i \(p)"
        case .appendOnly:
            return "the folder \(path) in the data root has the append-only attribute (lsattr -d \(p)): entries can be created in it but not removed or renamed, so whatever dockerd replaces by a rename or removes there fails; chattr -a \(p)"
        case .mounted(let fstype, let source):
            return "\(fstype) \(source) is mounted at \(path), inside the data root: what dockerd keeps there goes onto that filesystem, not the store, and is out of sight once it is unmounted; stop Docker (systemctl stop docker), umount \(p), then start Docker"
        case .readOnlyBind:
            return "\(path) in the data root is a read-only mount of the store's own folder: dockerd cannot write what it keeps there (docker pull and docker create fail); stop Docker (systemctl stop docker), umount \(p) (dockerd binds its driver's folder again when it starts), then start Docker"
        }
    }
}
