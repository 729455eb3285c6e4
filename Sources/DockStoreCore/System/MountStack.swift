/// The filesystems mounted on top of each other at one mountpoint, in the order they were
/// mounted (the last one is the one a path there reaches). The one reader of "what is mounted
/// over what" for check, status, provision and teardown (attack 12, B02, B10): an ext4 loop
/// mount or a bind mount of a host folder over the store hides the store, and every command
/// says so in the words of `MountedOver`.
public struct MountStack: Sendable, Equatable {
    /// At least two mounts, the lowest first.
    public let entries: [MountEntry]

    /// The mounts at `target` in `entries` (a mount table in its order), or nil when at most
    /// one filesystem is mounted there.
    public static func at(_ target: String, in entries: [MountEntry]) -> MountStack? {
        let here = entries.filter { $0.target.sameBytes(target) }
        return here.count > 1 ? MountStack(entries: here) : nil
    }

    /// The mounts at `target` read from /proc/self/mountinfo without libmount, so `check` loads
    /// no library for it; nil when at most one filesystem is mounted there.
    public static func read(at target: String, mountinfo path: String = "/proc/self/mountinfo") throws -> MountStack? {
        at(target, in: entries(try MountInfoLine.read(path)))
    }

    /// mountinfo's lines as mount entries.
    static func parse(_ text: String) -> [MountEntry] {
        entries(MountInfoLine.lines(text))
    }

    static func entries(_ lines: [MountInfoLine]) -> [MountEntry] {
        lines.compactMap { line -> MountEntry? in
            let numbers = line.deviceNumbers.split(separator: ":")
            guard numbers.count == 2, let major = UInt64(numbers[0]), let minor = UInt64(numbers[1]) else { return nil }
            return MountEntry(source: line.source, target: line.target, fstype: line.fstype, options: String(line.mountOptions),
                              device: makeDevice(major, minor), root: line.root)
        }
    }

    /// The top mount, the one a path at the mountpoint reaches.
    public var top: MountEntry { entries[entries.count - 1] }

    /// One filesystem listed several times (a recursive bind of a folder above onto itself).
    public var isOneFilesystem: Bool { Set(entries.map { "\($0.source)\u{0}\($0.device)\u{0}\($0.root)" }).count == 1 }

    /// Whether one unmount at `target` takes every mount listed there: the copies of one
    /// filesystem whose parents' peer group receives the unmount by propagation (attack 46 P F7:
    /// teardown refused a recursive bind under shared propagation, and its advice, umount -R of
    /// the bind, took the store down with it).
    public func goesWithOneUnmount(at target: String) throws -> Bool {
        try isOneFilesystem && ForeignMounts.copiesAtTargetReceivingUnmount(at: target) == entries.count - 1
    }

    /// What covers the store when the lowest mount that `isStore` accepts has others above it
    /// that are not the same filesystem mounted again (same source and device): those others,
    /// bottom first. nil when no mount here is the store, or nothing else is above it.
    public func covering(_ isStore: (MountEntry) throws -> Bool) rethrows -> MountedOver? {
        guard let index = try entries.firstIndex(where: isStore) else { return nil }
        let store = entries[index]
        let above = entries[(index + 1)...].filter { !($0.source == store.source && $0.device == store.device && $0.root == store.root) }
        guard !above.isEmpty else { return nil }
        return MountedOver(store: MountedOver.Layer(store), over: above.map(MountedOver.Layer.init))
    }
}
