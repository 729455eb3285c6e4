/// Remedies that work in the state they are named for, on the kind of store they are named
/// for, as commands that act on this very store: `dockstore grow` only where it can grow
/// something (an image; a device only once EBS enlarged it), `migrate-ebs` only from an
/// image, and the paths inside the `--root` the figures were read under.
enum Remedy {
    /// What grow and migrate-ebs can do with a store.
    enum Kind: Equatable {
        /// A loop device over an image (grow --to SIZE, migrate-ebs).
        case image
        /// A loop device fstab mounts as a device store (`RemedyContext.deviceStore`): its
        /// file is enlarged by hand, then grow takes the device's new size.
        case loopVolume
        /// An EBS volume: Elastic Volumes enlarges it, then grow takes the new size.
        case ebs
        /// A Xen virtual disk: an EBS volume on a Xen-based instance, or an instance-store
        /// disk; nothing on the instance tells which.
        case xenDisk
        /// Another block device: nothing in dockstore makes it larger.
        case fixedDevice
        /// One member besides the temporary member an interrupted reclaim lent (its journal
        /// names it): `dockstore reclaim` gives it back; grow and migrate-ebs refuse until then.
        case roomLent
        /// More than one member: a migration's (its journal is open) or of unknown origin;
        /// grow refuses.
        case several
        /// Not btrfs: its own tools grow it.
        case other(String)
    }

    static func kind(_ f: CapacityFigures) -> Kind {
        guard f.filesystem == "btrfs" else { return .other(f.filesystem) }
        let present = f.devices.filter { !$0.isMissing }
        if present.count > 1 {
            return present.filter { !lentMembers(f).contains($0.devid) }.count == 1 ? .roomLent : .several
        }
        if f.host != nil || present.first?.path.hasPrefix("/dev/loop") == true {
            return f.remedyContext?.deviceStore == true ? .loopVolume : .image
        }
        if let member = present.first, f.remedyContext?.ebsMembers.contains(member.devid) == true { return .ebs }
        if let member = present.first, f.remedyContext?.xenMembers.contains(member.devid) == true { return .xenDisk }
        return .fixedDevice
    }

    /// A path of the store as dockstore's options take it: inside `--root` when the figures
    /// were read under one; nil when it lies outside that root.
    static func hostPath(_ path: String, _ f: CapacityFigures) -> String? {
        let root = f.remedyContext?.root ?? "/"
        if root == "/" { return path }
        if path == root { return "/" }
        return path.hasBytePrefix(root + "/") ? String(path.dropFirst(root.count)) : nil
    }

    /// `--root R --mountpoint M`, and for an image store `--image I` where the command takes it.
    static func scope(_ f: CapacityFigures, image: Bool = false) -> String {
        let root = f.remedyContext?.root ?? "/"
        guard let mountpoint = hostPath(f.mountpoint, f) else { return "--mountpoint \(f.mountpoint.shellWord)" }
        var words = root == "/" ? [] : ["--root \(root.shellWord)"]
        words.append("--mountpoint \(mountpoint.shellWord)")
        if image, kind(f) == .image, let path = f.host?.image, let inside = hostPath(path, f) {
            words.append("--image \(inside.shellWord)")
        }
        return words.joined(separator: " ")
    }

    static func reclaim(_ f: CapacityFigures) -> String { "dockstore reclaim \(scope(f, image: true))" }

    /// The devids of the temporary members this store's reclaim journal names: read with
    /// the remedy context, or with check's maintenance records.
    static func lentMembers(_ f: CapacityFigures) -> Set<UInt64> {
        var devids = Set(f.remedyContext?.reclaimMembers ?? [])
        if let lent = f.lentRoom, lent.journal.room?.kind == .device, let devid = lent.journal.room?.devid { devids.insert(devid) }
        return devids
    }

    /// The store as it is once reclaim has given back its temporary member.
    static func withoutLentMembers(_ f: CapacityFigures) -> CapacityFigures {
        var rest = f
        let lent = lentMembers(f)
        rest.devices.removeAll { lent.contains($0.devid) }
        rest.maintenance = nil
        rest.remedyContext?.reclaimMembers = []
        return rest
    }

    /// How to make the store larger, or nil when dockstore cannot.
    static func grow(_ f: CapacityFigures) -> String? {
        switch kind(f) {
        case .image:
            return "grow the image (dockstore grow --to SIZE \(scope(f)); the host needs the room)"
        case .ebs:
            return "enlarge the EBS volume (aws ec2 modify-volume), then dockstore grow \(scope(f))"
        case .loopVolume:
            let device = f.devices.first { !$0.isMissing }?.path ?? "DEVICE"
            let file = f.host?.image ?? "FILE"
            if let limit = f.remedyContext?.loopSizeLimit {
                return "\(device) is attached with a size limit of \(ByteSize.format(limit)), which caps it however large \(file.shellWord) grows: with Docker stopped and the store unmounted, attach the file again with a larger --sizelimit (or none) and mount it, then dockstore grow \(scope(f))"
            }
            return "enlarge the loop device's file (truncate -s SIZE \(file.shellWord); losetup -c \(device)), then dockstore grow \(scope(f))"
        case .xenDisk:
            return "if it is an EBS volume, enlarge it with Elastic Volumes (aws ec2 modify-volume), then dockstore grow \(scope(f)) (an instance-store disk cannot be enlarged)"
        case .fixedDevice:
            return nil
        case .roomLent:
            let then = grow(withoutLentMembers(f)).map { ", then \($0)" } ?? ""
            return "run \(reclaim(f)) to give the lent room back (an interrupted reclaim's temporary member, which grow refuses)\(then)"
        case .several:
            return f.remedyContext?.migrating == true
                ? "finish the migration (dockstore migrate-ebs \(scope(f, image: true))), then grow the store"
                : nil
        case .other(let type):
            return type == "xfs" ? "grow it (xfs_growfs \(f.mountpoint.shellWord))" : "grow it with its own tools (resize2fs for ext4)"
        }
    }

    /// Every way to get more room for data: delete, grow, move.
    static func moreRoom(_ f: CapacityFigures) -> String {
        var ways = ["remove unused images (docker image prune -a)"]
        if let grow = grow(f) { ways.append(grow) }
        if kind(f) == .image { ways.append("move it to an EBS volume (dockstore migrate-ebs DEVICE \(scope(f, image: true)))") }
        if kind(f) == .fixedDevice { ways.append("this device cannot be enlarged (not an EBS volume): move the data to a larger disk") }
        return ways.joined(separator: ", ")
    }

    /// How to get unallocated space back. A balance can only return data chunks when the
    /// data chunks hold enough free space to take a chunk's worth of extents elsewhere;
    /// `dockstore reclaim` balances the emptier chunks by rising usage until this rule is
    /// quiet again, and lends the store room when the balance itself runs out of space
    /// (where a bare `btrfs balance start -dusage=10` moves nothing or fails with ENOSPC).
    static func unallocated(_ f: CapacityFigures) -> String {
        let slack = f.dataSize > f.dataUsed ? f.dataSize - f.dataUsed : 0
        let average = f.dataSize == 0 ? 100 : Int((Double(f.dataUsed) * 100 / Double(f.dataSize)).rounded(.up))
        let grow = grow(f)
        if slack >= max(f.metadataChunkNeed, 64 << 20), average <= 90 {
            return "the data chunks are \(average)% full on average, so return the emptier ones: \(reclaim(f))\(grow.map { " (or \($0))" } ?? "")"
        }
        let delete = "delete data (docker image prune -a; docker builder prune) and then run \(reclaim(f))"
        return "the data chunks have only \(ByteSize.format(slack)) free (\(average)% full), too little for a balance to return one: \(grow.map { "\($0), or \(delete)" } ?? delete)"
    }

    /// What to do when reclaim cannot bring the store back by balancing.
    static func afterReclaim(_ f: CapacityFigures) -> String {
        let delete = "delete data (docker image prune -a; docker builder prune)"
        return grow(f).map { "\(delete) or \($0)" } ?? delete
    }

    /// How to save a store whose image file is gone while its loop device still holds it.
    static func copyOut(loop: String, image: String, to recovered: String, mountpoint: String) -> String {
        let copy = recovered.shellWord
        return "do not unmount, detach \(loop) or reboot: the data lives only in \(loop) now; stop Docker and keep it stopped until the copy is mounted (systemctl stop docker), freeze the store (fsfreeze -f \(mountpoint.shellWord)), copy it out past the page cache, which can hold stale blocks, into a file only root reads, which needs room for what the store holds in that folder (df -h) and a dd that ends without an error ((umask 077; dd if=\(loop) of=\(copy) bs=1M iflag=direct conv=excl,sparse,fsync)), thaw it (fsfreeze -u \(mountpoint.shellWord)), put the copy at the image's name (mv -n \(copy) \(image.shellWord)), and run dockstore check, which says how to mount it"
    }
}
