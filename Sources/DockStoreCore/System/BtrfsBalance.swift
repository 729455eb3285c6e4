import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The kernel's balance (BTRFS_IOC_BALANCE_V2 and friends), with usage filters only: it
/// relocates the chunks less full than a percentage, so never a full balance.
public enum BtrfsBalance {
    /// A balance's counters: chunks expected, looked at, relocated.
    public struct Counters: Sendable, Equatable {
        public var expected: UInt64
        public var considered: UInt64
        public var completed: UInt64

        public init(expected: UInt64 = 0, considered: UInt64 = 0, completed: UInt64 = 0) {
            self.expected = expected
            self.considered = considered
            self.completed = completed
        }

        init(_ raw: ds_btrfs_balance_status) {
            self.init(expected: raw.expected, considered: raw.considered, completed: raw.completed)
        }
    }

    /// How a balance ended.
    public enum Ending: Sendable, Equatable {
        case finished(Counters)
        /// Cancelled (BALANCE_CTL, a fatal signal) or paused (`btrfs balance pause`, an unmount).
        case interrupted(Counters)
    }

    /// Runs one balance and waits for it. ENOSPC is thrown as a failure whose `code` is
    /// ENOSPC, so a caller can tell "needs room" from other failures. With `uuid`, only while
    /// the btrfs of the descriptor the balance goes through is that filesystem.
    public static func run(_ mountpoint: String, uuid: String? = nil, dataUsage: Int?, metadataUsage: Int?) throws -> Ending {
        try withFilesystem(mountpoint, uuid: uuid) { fd in
            var status = ds_btrfs_balance_status()
            let what = "cannot balance (\(describe(dataUsage: dataUsage, metadataUsage: metadataUsage)))"
            while true {
                let rc = ds_btrfs_balance_usage(fd, Int32(dataUsage ?? -1), Int32(metadataUsage ?? -1), &status)
                if rc == 0 { return .finished(Counters(status)) }
                if rc > 0 { throw DockStoreError(.failed, "\(what) \(mountpoint): \(BtrfsErrorCode.text(rc))") }
                let code = errno
                switch code {
                case EINTR: continue
                case ECANCELED: return .interrupted(Counters(status))
                case EINPROGRESS:
                    throw DockStoreError(.refused, "\(what) \(mountpoint): another balance is running (btrfs balance status \(mountpoint))", code: code)
                default: throw DockStoreError.system(what, mountpoint, errno: code)
                }
            }
        }
    }

    /// The running or paused balance's counters; nil when there is none. With `uuid`, read
    /// only while the btrfs there is that filesystem.
    public static func progress(_ mountpoint: String, uuid: String? = nil) throws -> Counters? {
        try withFilesystem(mountpoint, uuid: uuid) { fd in
            var status = ds_btrfs_balance_status()
            switch Syscall.attempt({ ds_btrfs_balance_progress(fd, &status) }) {
            case .success: return Counters(status)
            case .failure(let code) where code == ENOTCONN: return nil
            case .failure(let code): throw DockStoreError.system("cannot read the balance progress of", mountpoint, errno: code)
            }
        }
    }

    /// Cancels the running or paused balance, waiting until the chunk being moved is done.
    /// No balance to cancel is not a failure. With `uuid`, only that filesystem's balance.
    public static func cancel(_ mountpoint: String, uuid: String? = nil) throws {
        try withFilesystem(mountpoint, uuid: uuid) { fd in
            switch Syscall.attempt({ ds_btrfs_balance_cancel(fd) }) {
            case .success: return
            case .failure(let code) where code == ENOTCONN: return
            case .failure(let code): throw DockStoreError.system("cannot cancel the balance of", mountpoint, errno: code)
            }
        }
    }

    /// Runs `body` with a descriptor of `mountpoint` whose btrfs is `uuid` (any, when nil):
    /// the filesystem ID is read from that descriptor, so another filesystem mounted there
    /// after the caller looked is neither balanced nor read.
    /// A mountpoint that is no longer a folder (gone, or a link or file in its place) is refused
    /// too when `uuid` is given: the store is not where dockstore saw it.
    private static func withFilesystem<T>(_ mountpoint: String, uuid: String?, _ body: (Int32) throws -> T) throws -> T {
        var opened = false
        do {
            return try withOpenedFilesystem(mountpoint, uuid: uuid) { fd in
                opened = true
                return try body(fd)
            }
        } catch let error as DockStoreError where uuid != nil && !opened
                    && [ENOENT, ENOTDIR, ELOOP].contains(error.code ?? 0) {
            throw DockStoreError(.refused, "refusing to balance the btrfs at \(mountpoint): \(mountpoint) is not a folder there now (\(Errno.text(error.code ?? 0))), not the store btrfs \(uuid ?? "") dockstore looked at; no balance was started, read or canceled: look with ls -ld \(mountpoint) and findmnt \(mountpoint), and re-run", code: error.code)
        }
    }

    private static func withOpenedFilesystem<T>(_ mountpoint: String, uuid: String?, _ body: (Int32) throws -> T) throws -> T {
        try Syscall.withFolder(mountpoint) { fd in
            if let uuid {
                var info = ds_btrfs_fs_info()
                let found: String
                switch Syscall.attempt({ ds_btrfs_fs_info(fd, &info) }) {
                case .success: found = "btrfs " + formatUUID(info.fsid)
                case .failure(let code) where code == ENOTTY || code == EINVAL: found = "a filesystem that is not btrfs"
                case .failure(let code): throw DockStoreError.system("cannot read the btrfs filesystem info of", mountpoint, errno: code)
                }
                guard found == "btrfs " + uuid.lowercased() else {
                    throw DockStoreError.refused("refusing to balance the btrfs at \(mountpoint): \(found) is mounted there now, not btrfs \(uuid), which dockstore looked at; no balance was started, read or canceled: look with findmnt \(mountpoint) and re-run")
                }
            }
            return try body(fd)
        }
    }

    /// `-dusage=5 -musage=5`, as btrfs-progs spells the filters.
    public static func describe(dataUsage: Int?, metadataUsage: Int?) -> String {
        [dataUsage.map { "-dusage=\($0)" }, metadataUsage.map { "-musage=\($0)" }].compactMap { $0 }.joined(separator: " ")
    }
}
