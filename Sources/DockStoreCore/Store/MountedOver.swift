/// Another filesystem mounted over the store at its mountpoint (`MountStack.covering`): an ext4
/// volume mounted at the wrong place, a bind mount of a host folder (`mount --bind /srv/docker
/// /var/lib/docker`). A path at the mountpoint reaches the top one, so Docker writes there and
/// not on the store, and every figure read through the path is the top one's. check says it
/// (CRITICAL, `mounted_over`), status lists it, provision refuses it and teardown too, all in
/// the words of `verdict` (attack 12, B02, B10).
public struct MountedOver: Sendable, Equatable, Codable {
    /// One mount as a person finds it with findmnt: its source (with the folder a bind mount
    /// shows, as findmnt's `/dev/vda[/srv/docker]`) and its type.
    public struct Layer: Sendable, Equatable, Codable {
        public var source: String
        public var fstype: String
        /// The folder of its filesystem the mount shows; "/" for the whole filesystem.
        public var root: String

        public init(source: String, fstype: String, root: String = "/") {
            self.source = source
            self.fstype = fstype
            self.root = root
        }

        init(_ entry: MountEntry) { self.init(source: entry.source, fstype: entry.fstype, root: entry.root) }

        /// `SOURCE, FSTYPE`, the source with its folder when it is a bind mount's.
        var named: String {
            let source = root.isEmpty || root == "/" ? self.source : "\(self.source)[\(root)]"
            return "\(source.isEmpty ? "none" : source), \(fstype.isEmpty ? "unknown type" : fstype)"
        }
    }

    /// The store's own mount, under the others.
    public var store: Layer
    /// What is mounted over it, bottom first.
    public var over: [Layer]

    public init(store: Layer, over: [Layer]) {
        self.store = store
        self.over = over
    }

    /// "another filesystem (SOURCE, FSTYPE) is mounted over the store (SOURCE, FSTYPE) at
    /// MOUNTPOINT: …; unmount it (umount MOUNTPOINT once)": what check, status and provision say.
    public func verdict(mountpoint: String) -> String {
        let what = over.count == 1 ? "another filesystem (\(over[0].named)) is"
            : "\(over.count) other filesystems (\(over.map(\.named).joined(separator: "; "))) are"
        let times = over.count == 1 ? "once" : over.count == 2 ? "twice" : "\(over.count) times"
        let unmount = over.count == 1 ? "unmount it" : "unmount them"
        return "\(what) mounted over the store (\(store.named)) at \(mountpoint): Docker would write there, not on the store, and the store's figures cannot be read through it; \(unmount) (umount \(mountpoint.shellWord) \(times)), which leaves the store mounted"
    }

    /// The refusal of a command that acts on the btrfs store at `mountpoint` while another
    /// filesystem is mounted over it there (attack 50 T B1, B2: grow called the store ext4 and
    /// advised resize2fs of the cover, a host folder's disk for a bind mount; reclaim and
    /// migrate-ebs called it not btrfs). nil when nothing covers a btrfs there.
    public static func refusal(at mountpoint: String, doing: String) throws -> DockStoreError? {
        guard let cover = try MountStack.read(at: mountpoint)?.covering({ $0.fstype == "btrfs" }) else { return nil }
        return .refused("refusing to \(doing): \(cover.verdict(mountpoint: mountpoint)), then re-run; nothing was changed")
    }
}

