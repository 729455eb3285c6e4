/// A filesystem mounted at the mountpoint that a path there no longer reaches, because a mount
/// on a folder above it, made later, covers it (`mount --bind /var/lib /var/lib`, or a volume
/// mounted on /var/lib while the store was mounted; attack 43 P C10). The mount table still
/// lists the store at the mountpoint, so provision, status, grow and teardown read it as
/// mounted and their btrfs ioctls reached the covering filesystem ("Inappropriate ioctl for
/// device"), while check, which asks the path, said "nothing is mounted" and sent the admin to
/// provision. Told from the kernel's mount id of the path (statx, Linux 5.8) against
/// mountinfo's: a kernel that does not report it is not asked, as before.
public struct HiddenMount: Sendable, Equatable {
    public var mountpoint: String
    /// The hidden mount: its filesystem type and source.
    public var fstype: String
    public var source: String
    /// The mount the path reaches instead, on a folder above the mountpoint.
    public var coverTarget: String
    public var coverType: String
    public var coverSource: String
    /// What a path at the mountpoint reaches when the cover brings a filesystem there (a
    /// recursive bind); nil when it reaches the cover's own folder.
    public var reachedInstead: String? = nil

    /// nil when nothing is mounted at `mountpoint`, the path reaches every filesystem mounted
    /// there, or the kernel does not report mount ids.
    /// The mount table is read again (up to `attempts` times) while it changes under the read:
    /// a store unmounted between the read and the path's statx is no store hidden by the mount
    /// the path then reaches (attack 46 P F3: "hidden by a mount at / … umount / once").
    public static func find(at mountpoint: String, mountinfo: String = "/proc/self/mountinfo", attempts: Int = 5) throws -> HiddenMount? {
        var attempt = 1
        while true {
            do {
                return try findOnce(at: mountpoint, lines: try MountInfoLine.read(mountinfo))
            } catch is TableChanged where attempt < attempts {
                attempt += 1
                MonotonicClock.sleep(0.02)
            } catch let changed as TableChanged {
                throw changed.error
            }
        }
    }

    /// The mount table changed between its read and the path's statx: what the path reaches is
    /// no verdict on what the table lists.
    struct TableChanged: Error {
        var error: DockStoreError
        init(_ mountpoint: String, _ what: String) {
            error = DockStoreError.failed("cannot tell what is mounted at \(mountpoint): \(what) (the mounts there changed while dockstore read them); re-run once they are settled")
        }
    }

    /// The same over mountinfo's lines already read. The mounts a path at the mountpoint
    /// reaches are the one statx names and those it sits on at the same path (a stack there,
    /// `MountStack`); any other filesystem listed at the mountpoint is hidden, unless the same
    /// filesystem and folder are reachable through a copy (a recursive bind above copies the
    /// mounts under it). A cover that brings another filesystem to the mountpoint (a recursive
    /// bind of another root's /var/lib: attack 44 O 1h) hides the store as well.
    static func find(at mountpoint: String, lines: [MountInfoLine]) throws -> HiddenMount? {
        do {
            return try findOnce(at: mountpoint, lines: lines)
        } catch is TableChanged {
            return try find(at: mountpoint)
        }
    }

    private static func findOnce(at mountpoint: String, lines: [MountInfoLine]) throws -> HiddenMount? {
        let here = lines.filter { $0.target.sameBytes(mountpoint) }
        guard let last = here.last else { return nil }
        let id: UInt64?
        do {
            id = try MountRoot.mountID(of: mountpoint)
        } catch let error as DockStoreError where error.code == Errno.noSuchFileOrDirectory || error.code == Errno.notDirectory {
            // The folder is gone from what covers the mountpoint: hidden all the same.
            return covering(mountpoint, hidden: last, lines: lines)
        }
        guard let id else { return nil }
        let (stack, cover) = try reach(mountpoint, id: id, lines: lines)
        let hidden = here.filter { line in
            !stack.contains { $0.mountID == line.mountID || ($0.deviceNumbers == line.deviceNumbers && $0.root == line.root) }
        }
        guard let store = hidden.last else { return nil }
        // A cover is made after what it hides, so the table lists it later: one listed before
        // is what the path reaches once the store was unmounted after the table was read.
        guard let storeIndex = lines.lastIndex(where: { $0.mountID == store.mountID }),
              let coverIndex = lines.firstIndex(where: { $0.mountID == cover.mountID }), coverIndex > storeIndex else {
            throw TableChanged(mountpoint, "the table lists the \(store.fstype) \(store.source) there, but a path there reaches \(cover.target)'s folder, which was mounted before it")
        }
        var found = HiddenMount(mountpoint: mountpoint, fstype: store.fstype, source: store.source,
                                coverTarget: cover.target, coverType: cover.fstype, coverSource: cover.source)
        if let brought = stack.first { found.reachedInstead = "the \(brought.fstype) \(brought.source) that mount brings there" }
        return found
    }

    /// The mount above `mountpoint` that the mounts a path there reaches sit on, when it is not
    /// the one the first mount listed there sits on: a recursive bind of a folder above, which
    /// copied the mounts under it (`mount --rbind /var/lib /var/lib` lists the store twice).
    /// nil when the path reaches the mounts first made there, or the kernel does not say.
    public static func laterCover(at mountpoint: String, mountinfo: String = "/proc/self/mountinfo") throws -> String? {
        let lines = try MountInfoLine.read(mountinfo)
        guard let first = lines.first(where: { $0.target.sameBytes(mountpoint) }), let id = try MountRoot.mountID(of: mountpoint) else { return nil }
        let cover: MountInfoLine
        do {
            cover = try reach(mountpoint, id: id, lines: lines).cover
        } catch let changed as TableChanged {
            throw changed.error
        }
        return cover.mountID == first.parentID || cover.target.sameBytes(mountpoint) ? nil : cover.target
    }

    /// The mounts a path at `mountpoint` reaches, the mount `id` statx names first and those it
    /// sits on at that same path, and the mount above that they sit on (the lowest of them for
    /// the namespace's root mount). A mount id missing from `lines` means the table changed
    /// while it was read: that cannot be told.
    private static func reach(_ mountpoint: String, id: UInt64, lines: [MountInfoLine]) throws -> (stack: [MountInfoLine], cover: MountInfoLine) {
        let byID = Dictionary(lines.map { ($0.mountID, $0) }, uniquingKeysWith: { first, _ in first })
        guard var reached = byID[Substring(String(id))] else {
            throw TableChanged(mountpoint, "the mount the path reaches (id \(id)) is not in the mount table")
        }
        var stack: [MountInfoLine] = []
        while reached.target.sameBytes(mountpoint) {
            stack.append(reached)
            // The namespace's root mount sits on nothing this namespace lists.
            guard let parent = byID[reached.parentID], parent.mountID != reached.mountID else { break }
            reached = parent
        }
        return (stack, reached)
    }

    /// The latest mount on a folder above `mountpoint`, for a mountpoint whose folder the
    /// covering filesystem does not have.
    private static func covering(_ mountpoint: String, hidden: MountInfoLine, lines: [MountInfoLine]) -> HiddenMount? {
        guard let index = lines.lastIndex(where: { $0.target.sameBytes(mountpoint) }),
              let cover = lines[(index + 1)...].last(where: { $0.target == "/" || mountpoint.hasBytePrefix($0.target + "/") }) else { return nil }
        return HiddenMount(mountpoint: mountpoint, fstype: hidden.fstype, source: hidden.source,
                           coverTarget: cover.target, coverType: cover.fstype, coverSource: cover.source)
    }

    /// `the btrfs /dev/loop3 mounted at MP is hidden by a mount at X (ext4 /dev/vda1) made after it`.
    public var described: String {
        "the \(fstype) \(source) mounted at \(mountpoint) is hidden by a mount at \(coverTarget) (\(coverType) \(coverSource)) made after it: a path there reaches \(reachedInstead ?? "\(coverTarget)'s folder"), not the store"
    }

    /// What to do: unmount the cover once, which uncovers the store where it was.
    public func remedy(then next: String) -> String {
        "umount \(coverTarget) once to uncover the store (if that mount is wanted, mount it before the store, as fstab's order does at boot), then \(next)"
    }
}
