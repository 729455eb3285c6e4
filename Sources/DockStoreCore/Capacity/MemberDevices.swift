/// Which block device the kernel holds as each member of a mounted btrfs. DEV_INFO gives the
/// path a member was added or last scanned under, not the device: `btrfs device add
/// /dev/by-hand/d2` records that path, which may since be gone or another device's node, and
/// judging the member by that path's last component read another device or none (attack 49 S
/// B8–B22: a member no boot attaches, and a node gone or re-made, all said OK).
///
/// The kernel's own list, /sys/fs/btrfs/FSID/devices/ (links named by the kernel's names), has
/// the last word: a member's path names a listed device (as `/dev/NAME`, or through its node's
/// device number) that no other member claims; a `/dev/NAME` path outranks a node that names the
/// same device; one member left over gets the one device left over. As root, a member listed
/// by any other path than its own /dev/NAME is then proven by the devices' superblocks (two
/// nodes swapped between members fool the rest); without root, two or more such members are
/// not known. Any member not known is said as "cannot tell".
enum MemberDevices {
    /// A member's path and the device it names: `kernelName` when the path is `/dev/NAME` and
    /// the kernel has a NAME, else the device its node is (nil when there is no block device).
    struct Named: Equatable {
        var devid: UInt64
        var path: String
        var device: String?
        var kernelName: Bool
        /// Why the path could not be looked at, when it could not.
        var unreadable: String? = nil
    }

    enum Resolved: Equatable {
        case device(String)
        case unknown(String)
    }

    /// The decision over what was read: `listed` is the kernel's list, nil when it could not be read.
    static func resolve(_ members: [Named], listed: [String]?) -> [UInt64: Resolved] {
        guard let listed else {
            return Dictionary(uniqueKeysWithValues: members.map { member in
                (member.devid, member.device.map(Resolved.device) ?? .unknown("sysfs does not list the filesystem's devices, and \(member.path) is no block device"))
            })
        }
        // Fewer listed than members (seed devices are listed under their own filesystem): a
        // named device not listed is taken as named.
        let covering = listed.count >= members.count
        let known = Set(listed)
        var claims: [String: [Named]] = [:]
        for member in members {
            guard let device = member.device, known.contains(device) || !covering else { continue }
            claims[device, default: []].append(member)
        }
        var resolved: [UInt64: Resolved] = [:]
        for (device, claimants) in claims {
            let byName = claimants.filter(\.kernelName)
            if let winner = claimants.count == 1 ? claimants.first : byName.count == 1 ? byName.first : nil {
                resolved[winner.devid] = .device(device)
            }
        }
        let left = members.filter { resolved[$0.devid] == nil }
        let taken = Set(resolved.values.compactMap { if case .device(let name) = $0 { return name } else { return nil } })
        let free = listed.filter { !taken.contains($0) }
        if left.count == 1, free.count == 1, listed.count == members.count, let member = left.first, let device = free.first {
            resolved[member.devid] = .device(device)
            return resolved
        }
        for member in left {
            let named = member.unreadable ?? member.device.map { "\(member.path) names \($0)" } ?? "\(member.path) is no block device now"
            resolved[member.devid] = .unknown("\(named), and the kernel's devices of the filesystem (\(listed.joined(separator: ", "))) do not single one out")
        }
        return resolved
    }

    /// What each of `members` names, read from /dev and sysfs; a missing member (no path) has no entry.
    static func read(_ members: [BtrfsFilesystem.Member], uuid: String, sysfs: String) -> [UInt64: Resolved] {
        let block = SysfsBlock(root: sysfs)
        let named = members.filter { !$0.path.isEmpty && $0.path != "<missing disk>" }.map { member -> Named in
            let tail = member.path.dropFirst("/dev/".count)
            if member.path.hasPrefix("/dev/"), !tail.isEmpty, !tail.contains("/"), PathCalls.exists("\(sysfs)/class/block/\(tail)") {
                return Named(devid: member.devid, path: member.path, device: String(tail), kernelName: true)
            }
            // A path that cannot be looked at names nothing; the kernel's list still may.
            let status: FileStatus?
            do {
                status = try FileStatus.following(member.path)
            } catch {
                return Named(devid: member.devid, path: member.path, device: nil, kernelName: false,
                             unreadable: (error as? DockStoreError)?.message ?? "\(error)")
            }
            guard let status, status.kind == .blockDevice else {
                return Named(devid: member.devid, path: member.path, device: nil, kernelName: false)
            }
            return Named(devid: member.devid, path: member.path, device: block.name(ofDevice: status.rdev), kernelName: false)
        }
        let listed = FolderEntries.names("\(sysfs)/fs/btrfs/\(uuid)/devices")?.sorted()
        let resolved = resolve(named, listed: listed)
        // A member btrfs lists by another path than its device's /dev/NAME was named by a node or
        // by elimination, which two nodes swapped between members fool (attack 50 T A2: check
        // named each member as the other). Root reads who is who from the devices themselves.
        let unproven = named.filter { member in
            if case .device(let name)? = resolved[member.devid] { return member.path != "/dev/\(name)" }
            return true
        }
        guard unproven.count > 0, let listed else { return resolved }
        if CurrentProcess.isRoot { return proven(resolved, unproven: unproven, listed: listed, uuid: uuid, sysfs: sysfs) }
        // One such member among the others named by their own /dev/NAME is the device left over;
        // of two or more, only their superblocks tell which is which, and only root reads them.
        guard unproven.count > 1 else { return resolved }
        var told = resolved
        for member in unproven {
            told[member.devid] = .unknown("btrfs lists it as \(member.path), and \(unproven.count) devices of the filesystem are listed by paths that are not their own /dev/NAME: which is which only their superblocks tell, which only root may read")
        }
        return told
    }

    /// `resolved` with each of `unproven` taken from the superblocks of the kernel's `listed`
    /// devices (their devid, under the filesystem's fsid), read through nodes made for their
    /// numbers (`PrivateBlockNodes`): what /dev holds at a name is not trusted. A device that
    /// cannot be read leaves the members it may be unknown.
    static func proven(_ resolved: [UInt64: Resolved], unproven: [Named], listed: [String], uuid: String, sysfs: String) -> [UInt64: Resolved] {
        let nodes = PrivateBlockNodes()
        defer { nodes.removeAll() }
        var byDevid: [UInt64: String] = [:]
        var unreadable: [String] = []
        for name in listed {
            do {
                guard let text = try FileContents.readString("\(sysfs)/class/block/\(name)/dev"),
                      let number = NodelessHolder.number(text) else { throw DockStoreError.failed("sysfs gives no device number") }
                guard let node = try nodes.node(for: number, name: name) else { throw DockStoreError.failed("no node can be made for it") }
                guard let block = try BtrfsSuperblock.read(node), block.fsid.lowercased() == uuid.lowercased() else {
                    throw DockStoreError.failed("it holds no superblock of the filesystem")
                }
                byDevid[block.devid] = name
            } catch {
                unreadable.append("\(name) (\((error as? DockStoreError)?.message ?? "\(error)"))")
            }
        }
        var proven = resolved
        for member in unproven {
            if let name = byDevid[member.devid] {
                proven[member.devid] = .device(name)
            } else {
                proven[member.devid] = .unknown("no device of the filesystem (\(listed.joined(separator: ", "))) says it is device \(member.devid)"
                    + (unreadable.isEmpty ? "" : "; cannot read \(unreadable.joined(separator: ", "))"))
            }
        }
        return proven
    }
}
