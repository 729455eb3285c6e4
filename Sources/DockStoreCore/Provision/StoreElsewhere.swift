/// A store dockstore set up that is mounted inside --root at another place than the one
/// provision is asked for (issue 15, D9: provision killed after its mount, then re-run with
/// another --mountpoint and --image, made a second store and left the first mounted with no
/// fstab line, named by no one). dockstore keeps one store per root, so provision refuses
/// while one is found, naming its mount and image.
///
/// Only a mount that is really dockstore's and really elsewhere counts, as the boot unit
/// runs provision and a refusal there leaves the instance without Docker: a btrfs with
/// dockstore's label, on a loop device whose backing file lies inside --root, mounted inside
/// --root, not at or under the mountpoint asked for, not the filesystem mounted there (a bind
/// mount of it, or the mountpoint reached through a link, has the same st_dev), not over the
/// image asked for (provision's own refusal names that one), and not a copy of that image's
/// btrfs (its UUID: a copy mounted elsewhere is not a second store and does not stop it).
/// And only a store at one of this root's own places (`OwnPlaces`): the mountpoint or image
/// the settings file names (else the defaults), or a folder this root's record says provision
/// made. A store of another tree under this root (an image being built under /mnt/image while
/// `--root /`) is that tree's, not this root's second store. And only an unfinished one: a
/// store whose mountpoint has a line in this root's fstab was finished: that line is what
/// `FinishedStoreElsewhere` refuses on when it is dockstore's (an admin's own line is kept);
/// the one D9 left behind has none, and nothing but this refusal would ever name it.
///
/// A device store counts too (attack 8, F8: `provision --device` killed after its mount, then an
/// image provision at another mountpoint made two stores): a btrfs with dockstore's label on a
/// block device that is not a loop device over a file inside --root (an EBS volume, or a loop
/// device over a file outside the root, as `provision --device` takes it), mounted at one of
/// this root's own mountpoints (`OwnPlaces.targets`: a device has no image to match).
public struct StoreElsewhere: Sendable, Equatable {
    /// Where it is mounted (real path).
    public var target: String
    /// The device mounted there.
    public var source: String
    /// For an image store, the loop device's backing file, as the kernel names it; nil for a
    /// device store.
    public var image: String?
    /// Its btrfs UUID.
    public var uuid: String

    public init(target: String, source: String, image: String?, uuid: String) {
        self.target = target
        self.source = source
        self.image = image
        self.uuid = uuid
    }

    /// Where this root's own store would be, as real paths: the settings file's (else the
    /// default) mountpoint and the folders the record says provision made (`targets`), and the
    /// settings file's (else the default) image (`images`).
    public struct OwnPlaces: Sendable, Equatable {
        public var targets: Set<String>
        public var images: Set<String>
        /// The real paths this root's fstab mounts something at: a store there is finished.
        public var inFstab: Set<String>

        public init(targets: Set<String>, images: Set<String>, inFstab: Set<String> = []) {
            self.targets = targets
            self.images = images
            self.inFstab = inFstab
        }

        func contain(target: String, backing: String) -> Bool {
            let suffix = " (deleted)"
            let image = backing.hasSuffix(suffix) ? String(backing.dropLast(suffix.count)) : backing
            return targets.contains(target) || images.contains(image)
        }
    }

    /// One mount the observer read: its entry and, for a loop device, what it holds.
    public struct Candidate: Sendable, Equatable {
        public var entry: MountEntry
        public var label: String?
        public var uuid: String?
        public var backingFile: String?

        public init(entry: MountEntry, label: String?, uuid: String?, backingFile: String?) {
            self.entry = entry
            self.label = label
            self.uuid = uuid
            self.backingFile = backingFile
        }
    }

    /// Whether `path` (real) lies inside `root` (real); every path does under "/".
    public static func inside(_ path: String, root: String) -> Bool {
        root == "/" || path.sameBytes(root) || path.hasBytePrefix(root + "/")
    }

    /// The mounts that are a store dockstore set up elsewhere in the root, one per filesystem.
    /// `mountpoint` and `image` are the real paths asked for; `mountedDevice` the st_dev of
    /// what is mounted at the mountpoint (nil when nothing is); `imageUUID` the btrfs UUID the
    /// image asked for holds; `own` where this root's store would be.
    public static func find(_ candidates: [Candidate], root: String, mountpoint: String, mountedDevice: UInt64?,
                            image: String, imageUUID: String? = nil, label: String, own: OwnPlaces) -> [StoreElsewhere] {
        var found: [StoreElsewhere] = []
        var seen: Set<UInt64> = []
        for candidate in candidates {
            let entry = candidate.entry
            guard entry.fstype == "btrfs", candidate.label == label, let uuid = candidate.uuid, uuid != imageUUID,
                  inside(entry.target, root: root), !entry.target.sameBytes(mountpoint), !entry.target.hasBytePrefix(mountpoint + "/"),
                  entry.device != mountedDevice, !seen.contains(entry.device), !own.inFstab.contains(entry.target) else { continue }
            let storeImage: String?
            if let backing = candidate.backingFile, inside(backing, root: root) {
                guard !backing.sameBytes(image), !backing.sameBytes(image + " (deleted)"), own.contain(target: entry.target, backing: backing) else { continue }
                storeImage = backing
            } else {
                // A device store: only at one of this root's own mountpoints.
                guard own.targets.contains(entry.target) else { continue }
                storeImage = nil
            }
            seen.insert(entry.device)
            found.append(StoreElsewhere(target: entry.target, source: entry.source, image: storeImage, uuid: uuid))
        }
        return found
    }

    /// provision's refusal: one line naming the mount, its image, and the two ways out (finish
    /// it with provision, or take it down with teardown, each with its mountpoint and image).
    /// For a device store, provision names the device and teardown the mountpoint alone.
    public func refusal(asked mountpoint: String, host: Host) -> DockStoreError {
        let rootFlags = host.root == "/" ? [] : ["--root", host.root]
        let at = ["--mountpoint", Self.hostPath(target, root: host.root)]
        let what: String
        let finish: [String]
        let takeDown: [String]
        if let image {
            let flags = at + ["--image", Self.hostPath(image, root: host.root)] + rootFlags
            (what, finish, takeDown) = ("\(source), the image \(image), btrfs \(uuid)", flags, flags)
        } else {
            (what, finish, takeDown) = ("the device \(source), btrfs \(uuid)", at + ["--device", source] + rootFlags, at + rootFlags)
        }
        return DockStoreError.refused("\(target) has a store dockstore set up mounted on it (\(what)), not at \(mountpoint): dockstore keeps one store per root; finish that one (dockstore provision \(finish.joined(separator: " "))) or take it down (dockstore teardown \(takeDown.joined(separator: " "))), then re-run; nothing was changed")
    }

    /// The path as given under `root` (the flag's value); the real path itself under "/".
    static func hostPath(_ path: String, root: String) -> String {
        root == "/" || !path.hasBytePrefix(root + "/") ? path : String(path.dropFirst(root.count))
    }
}
