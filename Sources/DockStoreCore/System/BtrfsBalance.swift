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
    /// ENOSPC, so a caller can tell "needs room" from other failures.
    public static func run(_ mountpoint: String, dataUsage: Int?, metadataUsage: Int?) throws -> Ending {
        try Syscall.withFolder(mountpoint) { fd in
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

    /// The running or paused balance's counters; nil when there is none.
    public static func progress(_ mountpoint: String) throws -> Counters? {
        try Syscall.withFolder(mountpoint) { fd in
            var status = ds_btrfs_balance_status()
            switch Syscall.attempt({ ds_btrfs_balance_progress(fd, &status) }) {
            case .success: return Counters(status)
            case .failure(let code) where code == ENOTCONN: return nil
            case .failure(let code): throw DockStoreError.system("cannot read the balance progress of", mountpoint, errno: code)
            }
        }
    }

    /// Cancels the running or paused balance, waiting until the chunk being moved is done.
    /// No balance to cancel is not a failure.
    public static func cancel(_ mountpoint: String) throws {
        try Syscall.withFolder(mountpoint) { fd in
            switch Syscall.attempt({ ds_btrfs_balance_cancel(fd) }) {
            case .success: return
            case .failure(let code) where code == ENOTCONN: return
            case .failure(let code): throw DockStoreError.system("cannot cancel the balance of", mountpoint, errno: code)
            }
        }
    }

    /// `-dusage=5 -musage=5`, as btrfs-progs spells the filters.
    public static func describe(dataUsage: Int?, metadataUsage: Int?) -> String {
        [dataUsage.map { "-dusage=\($0)" }, metadataUsage.map { "-musage=\($0)" }].compactMap { $0 }.joined(separator: " ")
    }
}
