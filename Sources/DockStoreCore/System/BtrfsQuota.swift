import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What btrfs quotas allow the store's data root: the figures and limits of the qgroup of the
/// subvolume mounted there (0/5 for the top level) and of every qgroup above it, whose limits
/// cap the same writes (EDQUOT). Read from /sys/fs/btrfs/<uuid>/qgroups (kernel 5.9 on; the
/// folder is there only while quotas are enabled); which qgroups are above it only the quota
/// tree tells (BTRFS_IOC_TREE_SEARCH, as `btrfs qgroup show` reads it: one bounded search per
/// qgroup on the chain). Bounded: a handful of sysfs files per qgroup on the data root's chain,
/// never one per subvolume (a user who may not search lists the qgroups folder instead).
public struct QuotaReading: Sendable, Equatable, Codable {
    /// One qgroup's figures (sysfs `referenced`, `exclusive`, `max_*`, `limit_flags`).
    public struct Group: Sendable, Equatable, Codable {
        /// `0/5`, `1/100`.
        public var qgroup: String
        public var referenced: UInt64
        public var exclusive: UInt64
        /// The limits in force (limit_flags bits BTRFS_QGROUP_LIMIT_MAX_RFER / MAX_EXCL); nil: none.
        public var maxReferenced: UInt64?
        public var maxExclusive: UInt64?

        public init(qgroup: String, referenced: UInt64, exclusive: UInt64, maxReferenced: UInt64? = nil, maxExclusive: UInt64? = nil) {
            self.qgroup = qgroup
            self.referenced = referenced
            self.exclusive = exclusive
            self.maxReferenced = maxReferenced
            self.maxExclusive = maxExclusive
        }

        /// The tighter of the limits, as (what is left, the limit, which figure); nil without a limit.
        public var room: (free: UInt64, limit: UInt64, figure: String)? {
            var best: (free: UInt64, limit: UInt64, figure: String)?
            for (limit, used, figure) in [(maxReferenced, referenced, "referenced"), (maxExclusive, exclusive, "exclusive")] {
                guard let limit else { continue }
                let free = limit > used ? limit - used : 0
                if best.map({ free < $0.free }) ?? true { best = (free, limit, figure) }
            }
            return best
        }
    }

    /// `qgroup` (full accounting) or `squota` (simple quotas); nil where the kernel does not say.
    public var mode: String?
    /// /sys/fs/btrfs/<uuid>/qgroups/inconsistent: the figures are off until a rescan finishes
    /// (one runs or is needed).
    public var inconsistent: Bool
    /// The data root's qgroup first, then those above it.
    public var groups: [Group]

    public init(mode: String? = nil, inconsistent: Bool = false, groups: [Group]) {
        self.mode = mode
        self.inconsistent = inconsistent
        self.groups = groups
    }

    /// The qgroup with the least room under its limit, and that room; nil when none has a limit.
    public var tightest: (group: Group, free: UInt64, limit: UInt64, figure: String)? {
        var best: (group: Group, free: UInt64, limit: UInt64, figure: String)?
        for group in groups {
            guard let room = group.room else { continue }
            if best.map({ room.free < $0.free }) ?? true { best = (group, room.free, room.limit, room.figure) }
        }
        return best
    }

    /// The qgroup id `level/id` as sysfs names its folder (`level_id`).
    static func name(_ qgroupid: UInt64) -> String { "\(qgroupid >> 48)/\(qgroupid & ((1 << 48) - 1))" }

    /// Reads the quota figures of the btrfs `uuid` mounted at `mountpoint` for the subvolume
    /// `subvolume` (the one mounted there); nil when quotas are not enabled. Throws when they
    /// are enabled but a figure or the qgroups above cannot be read.
    public static func read(uuid: String, mountpoint: String, subvolume: UInt64, sysfs: String = "/sys") throws -> QuotaReading? {
        let base = "\(sysfs)/fs/btrfs/\(uuid)/qgroups"
        // The folder is there only while quotas are enabled; `enabled` is in it from 5.9 on.
        guard let enabled = try FileContents.readString("\(base)/enabled"), enabled.trimmingWhitespace() != "0" else { return nil }
        var reading = QuotaReading(groups: [])
        reading.mode = try FileContents.readString("\(base)/mode").map { $0.trimmingWhitespace() }
        if let text = try FileContents.readString("\(base)/inconsistent") { reading.inconsistent = text.trimmingWhitespace() != "0" }
        var chain: [UInt64] = [subvolume]
        do {
            var seen: Set<UInt64> = [subvolume]
            var index = 0
            while index < chain.count {
                for parent in try parents(of: chain[index], mountpoint: mountpoint) where !seen.contains(parent) {
                    guard chain.count < 64 else {
                        throw DockStoreError.failed("cannot judge the qgroups of \(mountpoint): more than 64 qgroups are above \(name(subvolume))")
                    }
                    seen.insert(parent)
                    chain.append(parent)
                }
                index += 1
            }
        } catch let error as DockStoreError where error.code == Errno.permissionDenied || error.code == Errno.notPermitted {
            // Only root may search the quota tree. Without a qgroup of a level above 0 (made by
            // hand: btrfs qgroup create 1/100) the data root's has no parent, which sysfs shows;
            // that listing has an entry per subvolume, so it is read only here, not as root.
            guard let names = FolderEntries.names(base) else { throw DockStoreError.system("cannot list", base, errno: errno) }
            let higher = names.contains { name in name.split(separator: "_").first.map { $0 != "0" && UInt64($0) != nil } ?? false }
            if higher { throw error }
            chain = [subvolume]
        }
        for id in chain {
            reading.groups.append(try group(id, base: base))
        }
        return reading
    }

    static func group(_ id: UInt64, base: String) throws -> Group {
        let folder = "\(base)/\(id >> 48)_\(id & ((1 << 48) - 1))"
        func number(_ file: String) throws -> UInt64 {
            guard let text = try FileContents.readString("\(folder)/\(file)") else {
                throw DockStoreError.failed("cannot read qgroup \(name(id)): \(folder)/\(file) is not there")
            }
            guard let value = UInt64(text.trimmingWhitespace()) else {
                throw DockStoreError.failed("cannot read qgroup \(name(id)): \(folder)/\(file) holds '\(text.trimmingWhitespace())'")
            }
            return value
        }
        let flags = try number("limit_flags")
        var group = Group(qgroup: name(id), referenced: try number("referenced"), exclusive: try number("exclusive"))
        if flags & 1 != 0 { group.maxReferenced = try number("max_referenced") }
        if flags & 2 != 0 { group.maxExclusive = try number("max_exclusive") }
        return group
    }

    /// The qgroups directly above `qgroupid`, from its relation items in the quota tree.
    static func parents(of qgroupid: UInt64, mountpoint: String) throws -> [UInt64] {
        try Syscall.withFolder(mountpoint) { fd in
            var out = [UInt64](repeating: 0, count: 64)
            var count: UInt64 = 0
            switch Syscall.attempt({ ds_btrfs_qgroup_parents(fd, qgroupid, &out, 64, &count) }) {
            case .success: break
            case .failure(let code):
                throw DockStoreError.system("cannot read which qgroups are above \(name(qgroupid)) (the quota tree) of", mountpoint, errno: code)
            }
            guard count <= 64 else {
                throw DockStoreError.failed("cannot judge the qgroups of \(mountpoint): qgroup \(name(qgroupid)) has more than 64 parents")
            }
            return Array(out.prefix(Int(count)))
        }
    }
}
