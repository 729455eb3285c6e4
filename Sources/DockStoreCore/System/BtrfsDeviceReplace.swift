import CLinuxShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The kernel's device replace (BTRFS_IOC_DEV_REPLACE), as `btrfs replace` drives it: START
/// copies every device extent of the source device onto the target and then swaps them (the
/// target takes the source's devid and device UUID, the source's superblock is scratched);
/// the kernel keeps its state on disk, resumes it when the filesystem mounts, and can cancel it.
public enum BtrfsDeviceReplace {
    /// BTRFS_IOCTL_DEV_REPLACE_STATE_*.
    public enum State: UInt64, Sendable, Equatable, Codable {
        case neverStarted = 0
        case started = 1
        case finished = 2
        case canceled = 3
        /// Interrupted by an unmount (or a read-only remount): the next mount resumes it.
        case suspended = 4

        /// Started or suspended: the target is part of the filesystem (as devid 0).
        public var isOngoing: Bool { self == .started || self == .suspended }
    }

    public struct Status: Sendable, Equatable {
        public var state: State
        /// 0...1000, from the kernel's cursor over the source device.
        public var progress1000: UInt64
        public var writeErrors: UInt64
        public var uncorrectableReadErrors: UInt64

        public init(state: State, progress1000: UInt64 = 0, writeErrors: UInt64 = 0, uncorrectableReadErrors: UInt64 = 0) {
            self.state = state
            self.progress1000 = progress1000
            self.writeErrors = writeErrors
            self.uncorrectableReadErrors = uncorrectableReadErrors
        }
    }

    /// The texts btrfs-progs prints for BTRFS_IOCTL_DEV_REPLACE_RESULT_*.
    static func resultText(_ result: UInt64) -> String {
        switch result {
        case 0: return "no error"
        case 1: return "not started"
        case 2: return "a device replace is already running"
        case 3: return "a scrub is running; cancel it (btrfs scrub cancel) and re-run"
        default: return "replace result \(result)"
        }
    }

    /// STATUS. Throws when the kernel refuses it (ENOTTY/EOPNOTSUPP on a kernel without replace).
    public static func status(at mountpoint: String) throws -> Status {
        try withMountpoint(mountpoint) { fd in
            var raw = ds_btrfs_replace_status()
            var result: UInt64 = UInt64.max
            try Syscall.checkBtrfs("cannot read the device replace status of", mountpoint) { ds_btrfs_replace_status(fd, &raw, &result) }
            guard result == 0 else {
                throw DockStoreError.failed("cannot read the device replace status of \(mountpoint): \(resultText(result))")
            }
            guard let state = State(rawValue: raw.state) else {
                throw DockStoreError.failed("the device replace status of \(mountpoint) is \(raw.state), which dockstore does not know; look with btrfs replace status \(mountpoint)")
            }
            return Status(state: state, progress1000: min(raw.progress_1000, 1000), writeErrors: raw.write_errors,
                          uncorrectableReadErrors: raw.uncorrectable_read_errors)
        }
    }

    /// CANCEL. True when the kernel canceled a running or suspended replace, false when none ran.
    @discardableResult
    public static func cancel(at mountpoint: String) throws -> Bool {
        try withMountpoint(mountpoint) { fd in
            var result: UInt64 = UInt64.max
            try Syscall.checkBtrfs("cannot cancel the device replace at", mountpoint) { ds_btrfs_replace_cancel(fd, &result) }
            switch result {
            case 0: return true
            case 1: return false
            default: throw DockStoreError.failed("cannot cancel the device replace at \(mountpoint): \(resultText(result))")
            }
        }
    }

    /// The replace target while a replace is under way: the kernel lists it as devid 0
    /// (as `btrfs filesystem show` does). Nil when there is none.
    public static func target(at mountpoint: String) throws -> BtrfsReading.Device? {
        try withMountpoint(mountpoint) { fd in
            var dev = ds_btrfs_dev_info()
            switch Syscall.attempt({ ds_btrfs_dev_info(fd, 0, &dev) }) {
            case .success: break
            case .failure(let code) where code == ENODEV: return nil
            case .failure(let code): throw DockStoreError.system("cannot read the replace target (btrfs devid 0) of", mountpoint, errno: code)
            }
            let path = withUnsafeBytes(of: dev.path) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            return BtrfsReading.Device(devid: 0, path: path, size: dev.total_bytes, used: dev.bytes_used)
        }
    }

    /// START in a child process (the ioctl runs until the copy is done and a signal does not
    /// end it): the replace outlives a killed dockstore, whose next run finds it running.
    public static func start(replacing devid: UInt64, with target: String, at mountpoint: String) throws -> Run {
        try withMountpoint(mountpoint) { fd in
            var report: Int32 = -1
            let pid = try Syscall.check("cannot start replacing btrfs device \(devid) with \(target) at", mountpoint) {
                ds_btrfs_replace_start_child(fd, devid, target, &report)
            }
            return Run(pid: pid, report: report, devid: devid, target: target, mountpoint: mountpoint)
        }
    }

    /// A START running in a child process.
    public struct Run: Sendable {
        let pid: pid_t
        let report: Int32
        let devid: UInt64
        let target: String
        let mountpoint: String

        /// Nil while the child runs; once it has ended, whether the kernel said the replace
        /// finished (it throws for -1 with errno, a positive btrfs error code, or a result
        /// other than "no error").
        public func poll() throws -> Bool? {
            var status: Int32 = 0
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == 0 { return nil }
            defer { close(report) }
            let operation = "cannot replace btrfs device \(devid) with \(target) at"
            guard waited == pid else { throw DockStoreError.system("cannot wait for the device replace of", mountpoint, errno: errno) }
            var outcome = ds_btrfs_replace_outcome()
            let got = withUnsafeMutableBytes(of: &outcome) { read(report, $0.baseAddress, $0.count) }
            guard got == MemoryLayout<ds_btrfs_replace_outcome>.size else {
                throw DockStoreError.failed("\(operation) \(mountpoint): the process that ran it ended without saying how it went (exit status \(status)); look with btrfs replace status \(mountpoint)")
            }
            if outcome.rc < 0 { throw DockStoreError.system(operation, mountpoint, errno: Int32(outcome.error)) }
            // A positive return is the replace result when the kernel also put it in
            // `result` (ALREADY_STARTED), else a btrfs error code (another exclusive operation).
            if outcome.rc > 0 && outcome.result != UInt64(outcome.rc) {
                throw DockStoreError.failed("\(operation) \(mountpoint): \(BtrfsErrorCode.text(Int32(outcome.rc)))")
            }
            if outcome.result != 0 && outcome.result != UInt64.max {
                throw DockStoreError.failed("\(operation) \(mountpoint): \(resultText(outcome.result))")
            }
            return true
        }

        /// `poll()` after waiting up to `seconds` for the child to write its outcome (or die):
        /// the caller learns that the replace ended when it ends, not at its next sleep's end.
        public func wait(upTo seconds: Double) throws -> Bool? {
            var entry = pollfd(fd: report, events: Int16(POLLIN), revents: 0)
            let timeout = Int32(max(0, (seconds * 1000).rounded(.up)))
            #if canImport(Glibc)
            let ready = Glibc.poll(&entry, 1, timeout)
            #else
            let ready = Musl.poll(&entry, 1, timeout)
            #endif
            if ready < 0 && errno != EINTR {
                throw DockStoreError.system("cannot wait for the device replace of", mountpoint, errno: errno)
            }
            guard ready > 0 else { return try poll() }
            // The outcome is written (or the pipe closed): the child exits right after.
            for _ in 0..<2000 {
                if let done = try poll() { return done }
                usleep(1000)
            }
            return try poll()
        }
    }

    private static func withMountpoint<T>(_ mountpoint: String, _ body: (Int32) throws -> T) throws -> T {
        try Syscall.withFolder(mountpoint, body)
    }
}
