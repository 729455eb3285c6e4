import Foundation
#if canImport(Glibc)
import Glibc
#endif

let hasBindfs = FileManager.default.isExecutableFile(atPath: "/usr/bin/bindfs")
let needsBindfs = "needs root and bindfs (scripts/test installs it)"

/// A loop device whose reads hang, as one over a file on a filesystem that stopped answering
/// does (outside attack 12, A13): its backing file sits on a bindfs (FUSE) mount under the
/// test root, and `stop` sends the bindfs daemon SIGSTOP. Attributes are cached for an hour,
/// so a stat of the backing file (and the loop driver's status) still answers: only the
/// device's reads that miss the page cache hang, in uninterruptible sleep. `release` (also
/// run by a watchdog `watchdogSeconds` after `stop`, so that code that waits for the device
/// fails its test instead of hanging it) resumes the daemon, detaches and unmounts.
final class HungLoopDevice: @unchecked Sendable {
    let device: String
    let mount: String
    let daemon: pid_t
    private let lock = NSLock()
    private var released = false
    private(set) var resumedByWatchdog = false

    init(in root: TestRoot, megabytes: Int = 128) throws {
        let source = root.path + "/hung-source"
        mount = root.path + "/hung-mount"
        try root.sh("mkdir -p '\(source)' '\(mount)' && truncate -s \(megabytes)M '\(source)/disk'")
        // The daemon must not keep the pipes and sockets the test reads until their end: every
        // descriptor above 2 is closed before bindfs starts.
        try root.sh("python3 -c 'import os,sys; os.closerange(3, 65536); os.execvp(sys.argv[1], sys.argv[1:])' bindfs -o attr_timeout=3600,entry_timeout=3600 '\(source)' '\(mount)' </dev/null >/dev/null 2>&1")
        let pids = try root.sh("pgrep -f -x 'bindfs -o attr_timeout=3600,entry_timeout=3600 \(source) \(mount)'")
            .split(separator: "\n").compactMap { pid_t($0) }
        guard pids.count == 1 else { throw TestFailure("bindfs of \(mount): pids \(pids)") }
        daemon = pids[0]
        device = try root.sh("stat -c %s '\(mount)/disk' >/dev/null && losetup -f --show '\(mount)/disk'")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// From now on reads of the device that miss the page cache hang.
    func stop(in root: TestRoot, watchdogSeconds: Double = 40) throws {
        try root.sh("blockdev --flushbufs \(device) && sync && echo 1 > /proc/sys/vm/drop_caches")
        guard kill(daemon, SIGSTOP) == 0 else { throw TestFailure("SIGSTOP bindfs \(daemon): \(String(cString: strerror(errno)))") }
        DispatchQueue.global().asyncAfter(deadline: .now() + watchdogSeconds) { [self] in
            lock.lock()
            if !released { resumedByWatchdog = true; kill(daemon, SIGCONT) }
            lock.unlock()
        }
    }

    /// Whether the device still hangs (the daemon is stopped and was not released).
    var stillHung: Bool {
        lock.lock(); defer { lock.unlock() }
        return !released && !resumedByWatchdog
    }

    func release(in root: TestRoot) {
        lock.lock()
        released = true
        kill(daemon, SIGCONT)
        lock.unlock()
        _ = try? root.sh("losetup -d \(device); umount '\(mount)' || umount -l '\(mount)'")
    }
}
