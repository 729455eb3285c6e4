#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A mount of a filesystem in a mount namespace other than dockstore's own: a copy that a
/// process made with `unshare -m`, a container or `systemd-nspawn` started while the store was
/// mounted (attack 15, C14/C15). It keeps the filesystem, and its loop device or device, in use
/// after the unmount here, and no mount table of this namespace shows it.
public struct ForeignMount: Sendable, Equatable {
    /// One process of that namespace (the lowest pid dockstore saw the mount in).
    public let pid: Int32
    /// That process's name (/proc/PID/comm).
    public let command: String
    /// Where it is mounted, as that namespace sees it.
    public let target: String
    /// The kernel's ID of that mount (unique across namespaces).
    public let mountID: Substring

    /// "pid 4711 (sleep) at /var/lib/docker"
    public var described: String { "pid \(pid) (\(command)) at \(target)" }

    /// What an admin runs to see it, and to take it down there.
    public var remedy: String { "nsenter -t \(pid) -m umount \(target.shellWord), or stop that process" }
}

extension [ForeignMount] {
    /// "pid 4711 (sleep) at /var/lib/docker; pid 4800 (…) at …"
    public var described: String { map(\.described).joined(separator: "; ") }
    public var remedy: String { map(\.remedy).joined(separator: "; ") }
}

public enum ForeignMounts {
    /// The mounts, in every other mount namespace that has a process, of the filesystem whose
    /// st_dev is `device` (the superblock's number: every mount of it, a bind or subvolume too,
    /// carries it) or whose source is a node of one of `blockDevices` (for a filesystem not
    /// mounted here, whose number this namespace cannot see; the source is the path that
    /// namespace mounted, looked up here). One entry per mount. A process that
    /// exits while it is read is left out; any other error is thrown: "cannot tell" is never
    /// "mounted nowhere else".
    ///
    /// With `receivingUnmountsOf` (the peer group of the parent of the mount here that is about
    /// to be unmounted), a copy the unmount propagates to is left out: one whose parent is that
    /// group's peer (`shared:N`) or slave (`master:N`) and that has no mount below it (the kernel
    /// does not unmount a propagated copy with children). systemd starts every service with
    /// PrivateTmp= or ProtectSystem= in such a slave copy of a shared /; a copy made private
    /// (`unshare -m`, private by default), one under a private parent, or a separate mount of
    /// the same filesystem stays.
    public static func find(device: UInt64?, blockDevices: Set<UInt64> = [], receivingUnmountsOf peerGroup: Substring? = nil,
                            proc: String = "/proc") throws -> [ForeignMount] {
        guard case .named(let own) = try namespace(of: "self", proc: proc) else {
            throw DockStoreError.failed("cannot read \(proc)/self/ns/mnt, this process's own mount namespace; is /proc mounted?")
        }
        // Mount IDs are unique across namespaces: a copy in another namespace has an ID of its
        // own, so a line whose ID this namespace lists is this namespace's own mount. That judges
        // a process whose namespace link dockstore may not read (a non-dumpable PID 1 in a
        // container: EACCES even for root).
        let ownIDs = Set(try MountInfoLine.read("\(proc)/self/mountinfo").map(\.mountID))
        guard let names = FolderEntries.names(proc) else {
            throw DockStoreError.system("cannot list the processes in", proc, errno: Errno.current)
        }
        let wanted = device.map { "\(major($0)):\(minor($0))" }
        var seen: Set<String> = [own]
        var found: [ForeignMount] = []
        for pid in names.compactMap(Int32.init).filter({ $0 > 0 }).sorted() {
            let ns: String?
            switch try namespace(of: String(pid), proc: proc) {
            case .exited: continue
            case .named(let name): if seen.contains(name) { continue }; ns = name
            case .unreadable: ns = nil
            }
            let lines: [MountInfoLine]
            do {
                guard let text = try FileContents.readString("\(proc)/\(pid)/mountinfo") else { continue }
                lines = MountInfoLine.lines(text)
            } catch let error as DockStoreError where error.code.map(exitedCodes.contains) == true {
                continue
            }
            if let ns { seen.insert(ns) }
            let byID = Dictionary(lines.map { ($0.mountID, $0) }, uniquingKeysWith: { first, _ in first })
            let parents = Set(lines.map(\.parentID))
            func receivesUnmount(_ line: MountInfoLine) -> Bool {
                guard let peerGroup, !parents.contains(line.mountID), let parent = byID[line.parentID] else { return false }
                return parent.tags.contains { $0 == "shared:\(peerGroup)" || $0 == "master:\(peerGroup)" }
            }
            let matching = try lines.filter { line in
                if ownIDs.contains(line.mountID) || receivesUnmount(line) { return false }
                if wanted.map({ line.deviceNumbers == $0[...] }) == true { return true }
                guard !blockDevices.isEmpty, line.source.hasPrefix("/dev/"), let node = try FileStatus.following(line.source) else { return false }
                return node.kind == .blockDevice && blockDevices.contains(node.rdev)
            }
            for line in matching where !found.contains(where: { $0.mountID == line.mountID }) {
                found.append(ForeignMount(pid: pid, command: commandName(pid, proc: proc), target: line.target, mountID: line.mountID))
            }
        }
        return found
    }

    /// The targets, in this namespace, of the copies of the mount at `target` that its unmount
    /// takes down too by propagation (attack 32, S td4b/td4c: a --root under a shared mount with
    /// a slave or peer rbind copy): a copy whose parent is a peer (`shared:N`) or slave
    /// (`master:N`) of the peer group of `target`'s parent, with the same filesystem and no mount
    /// below it, as `find` judges another namespace's copies.
    public static func copiesReceivingUnmount(at target: String, proc: String = "/proc") throws -> Set<String> {
        Set(try copyLinesReceivingUnmount(at: target, proc: proc).map(\.target))
    }

    /// How many of those copies are at `target` itself: a recursive bind of a folder above onto
    /// itself lists the store there twice, and under shared propagation one unmount takes both
    /// (attack 46 P F7).
    public static func copiesAtTargetReceivingUnmount(at target: String, proc: String = "/proc") throws -> Int {
        try copyLinesReceivingUnmount(at: target, proc: proc).filter { $0.target.sameBytes(target) }.count
    }

    static func copyLinesReceivingUnmount(at target: String, proc: String) throws -> [MountInfoLine] {
        let lines = try MountInfoLine.read("\(proc)/self/mountinfo")
        guard let mount = lines.last(where: { $0.target.sameBytes(target) }),
              let group = lines.first(where: { $0.mountID == mount.parentID })?.peerGroup else { return [] }
        let byID = Dictionary(lines.map { ($0.mountID, $0) }, uniquingKeysWith: { first, _ in first })
        let parents = Set(lines.map(\.parentID))
        return lines.filter { line in
            guard line.mountID != mount.mountID, line.deviceNumbers == mount.deviceNumbers, !parents.contains(line.mountID),
                  let parent = byID[line.parentID] else { return false }
            return parent.tags.contains { $0 == "shared:\(group)" || $0 == "master:\(group)" }
        }
    }

    /// The peer group of the parent of the mount at `target` in this namespace (the last one
    /// there): the unmount at `target` propagates through it.
    public static func parentPeerGroup(at target: String, proc: String = "/proc") throws -> Substring? {
        let lines = try MountInfoLine.read("\(proc)/self/mountinfo")
        guard let mount = lines.last(where: { $0.target.sameBytes(target) }) else { return nil }
        return lines.first { $0.mountID == mount.parentID }?.peerGroup
    }

    /// The errors reading a process's files gives once it has exited (or is a zombie, whose
    /// mount namespace is gone: EINVAL).
    static let exitedCodes: Set<Int32> = [ENOENT, ESRCH, EINVAL]

    /// The process's name, only to show it: one that exited since is "exited".
    static func commandName(_ pid: Int32, proc: String) -> String {
        do {
            return try FileContents.readString("\(proc)/\(pid)/comm")?.trimmingWhitespace() ?? "exited"
        } catch {
            return "name unreadable"
        }
    }

    enum Namespace { case named(String), unreadable, exited }

    /// The link text of /proc/PID/ns/mnt ("mnt:[4026531841]"); `unreadable` where the kernel
    /// refuses it (EACCES: a non-dumpable process), `exited` for a process that exited.
    static func namespace(of pid: String, proc: String) throws -> Namespace {
        let path = "\(proc)/\(pid)/ns/mnt"
        var buffer = [CChar](repeating: 0, count: 64)
        let count = readlink(path, &buffer, buffer.count - 1)
        if count < 0 {
            if exitedCodes.contains(errno) { return .exited }
            if errno == EACCES || errno == EPERM { return .unreadable }
            throw DockStoreError.system("cannot read the mount namespace link", path, errno: errno)
        }
        return .named(String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}
