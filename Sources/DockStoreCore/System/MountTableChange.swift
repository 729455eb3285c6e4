#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whether this mount namespace's mount table changed since the watch began: the kernel
/// flags an open /proc/self/mountinfo with POLLPRI once any mount or unmount happened after
/// the open (proc_mounts' poll), however fast it came and went.
public final class MountTableChange {
    private let fd: Int32

    /// nil when /proc/self/mountinfo cannot be opened: no change can then be told.
    public init?() {
        fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
    }

    deinit { close(fd) }

    /// True once a mount or unmount happened since `init`; false when none did, or poll failed.
    public var happened: Bool {
        var request = pollfd(fd: fd, events: Int16(POLLPRI), revents: 0)
        guard poll(&request, 1, 0) == 1 else { return false }
        return request.revents & Int16(POLLPRI | POLLERR) != 0
    }

    /// True once a mount or unmount happened since `init`, waiting up to `seconds` for one.
    func awaited(within seconds: Double) -> Bool {
        var request = pollfd(fd: fd, events: Int16(POLLPRI), revents: 0)
        let end = MonotonicClock.seconds() + seconds
        while true {
            let left = max(0, end - MonotonicClock.seconds())
            let ready = poll(&request, 1, Int32((left * 1000).rounded(.up)))
            if ready == 1 { return request.revents & Int16(POLLPRI | POLLERR) != 0 }
            if ready == 0 || errno != EINTR || left == 0 { return false }
        }
    }

    /// How long a failure that rests on a mount this namespace does not show waits for that
    /// mount to be attached: a `mount -o loop` of a 256 MiB store takes a few milliseconds
    /// from the filesystem's open to the attach (attack 46 P F4's racer: 2 of 300 teardown
    /// plans refused in that window before this wait).
    static let unshownMountGrace = 0.5
}

extension MountTableChange {
    /// `body`'s result, made again when it failed while a mount or unmount happened in this
    /// namespace (a mount gone between the mount table's read and an ioctl on its path:
    /// "Inappropriate ioctl for device"; a loop device over the image read as another store's
    /// while a `mount -o loop` came and went: attack 46 P F4), until `deadline` (monotonic
    /// seconds). A result `doubtful` gives a reason for (status finding provision's refusal) is
    /// made again the same way. A failure with the mount table unchanged stands, and so does
    /// one when the change cannot be told; one that rests on a filesystem no mount here shows
    /// first waits `unshownMountGrace` for a mount (a mount under way shows its filesystem
    /// before the mount). At the deadline the last try stands, unless the mounts at or above a
    /// `watching` path changed between tries: then no try was made on a steady table, and the
    /// last one is told as that (`Unsteady`), not as what a stale read made it look like (a
    /// store "mounted where this namespace does not show", a loop device "not the image").
    static func steady<T>(until deadline: Double, watching: [String] = [], doubtful: (T) -> Doubt? = { _ in nil }, _ body: () throws -> T) throws -> T {
        var tries = 0
        var seen = WatchedMounts.readable(watching)
        var moved = false
        while true {
            let change = MountTableChange()
            tries += 1
            let outcome = Result { try body() }
            let doubt: String
            switch outcome {
            case .success(let value):
                guard let doubted = doubtful(value), let change,
                      change.happened || doubted.restsOnAnUnshownMount && change.awaited(within: unshownMountGrace) else { return value }
                doubt = doubted.reason
            case .failure(let error):
                let unshown = (error as? DockStoreError)?.restsOnAnUnshownMount == true
                guard let change, change.happened || unshown && change.awaited(within: unshownMountGrace) else { throw error }
                doubt = (error as? DockStoreError)?.message ?? "\(error)"
            }
            let now = WatchedMounts.readable(watching)
            if let now, let before = seen, now != before { moved = true }
            seen = now
            guard MonotonicClock.seconds() < deadline else {
                guard moved, !watching.isEmpty else { return try outcome.get() }
                throw Unsteady(watching: watching, tries: tries, lastSaid: doubt).refusal
            }
            MonotonicClock.sleep(0.05)
        }
    }

    /// `steady` for at most `seconds` from now.
    public static func steady<T>(for seconds: Double, watching: [String] = [], doubtful: (T) -> Doubt? = { _ in nil }, _ body: () throws -> T) throws -> T {
        try steady(until: MonotonicClock.seconds() + seconds, watching: watching, doubtful: doubtful, body)
    }

    /// Why a result that is no failure may be a stale read, and whether it rests on a
    /// filesystem instance no mount here shows (then a mount is awaited, as for such a failure).
    public struct Doubt {
        var reason: String
        var restsOnAnUnshownMount: Bool

        public init(_ reason: String, restsOnAnUnshownMount: Bool = false) {
            self.reason = reason
            self.restsOnAnUnshownMount = restsOnAnUnshownMount
        }
    }

    /// The mounts at or above the watched paths (a mount under one, such as a container's, is
    /// none of them): what a store's observation stands on.
    public struct WatchedMounts: Equatable {
        var entries: [String]

        /// nil when the table cannot be read: no change is told then, and the failure stands as it is.
        public static func readable(_ paths: [String]) -> WatchedMounts? {
            switch Result(catching: { try read(paths) }) {
            case .success(let mounts): return mounts
            case .failure: return nil
            }
        }

        /// Each by its mount ID too: the same bind mounted again is another mount.
        static func read(_ paths: [String]) throws -> WatchedMounts {
            WatchedMounts(entries: try MountInfoLine.read("/proc/self/mountinfo").filter { line in
                let target = line.target
                return paths.contains { $0 == target || target == "/" || $0.hasPrefix(target + "/") }
            }.map { "\($0.mountID) \($0.target) \($0.source) \($0.fstype) \($0.deviceNumbers) \($0.root)" })
        }
    }

    /// Every try failed while the mounts at a watched path came and went.
    struct Unsteady {
        var watching: [String]
        var tries: Int
        var lastSaid: String

        var refusal: DockStoreError {
            .refused("the mounts at \(watching.joined(separator: ", ")) kept changing while dockstore read them (\(tries) tries), so what it read may be stale (the last try said: \(lastSaid)); nothing was changed: re-run once nothing mounts or unmounts there")
        }
    }
}
