#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whether a dockerd may be using a given store, and since when: every process named
/// `dockerd` whose data root, resolved in its own view (`DockerdDataRoot`), is on the store's
/// btrfs — any folder of it, not only the data root dockstore looks at — plus the process
/// dockerd's pidfile names, plus every process that holds a bolt database on the store locked,
/// whatever its name (`DockerDatabaseLocks`). One on a filesystem that provably is another is
/// left out; one whose data root cannot be resolved is `unresolved`, never left out. One that exited — gone,
/// or a zombie none of whose threads is alive — is left out; one whose leader thread exited
/// while other threads run is read through a live thread (`ProcessRoot`).
/// A start is the process's start time from /proc, or the pidfile's time when earlier.
public enum DockerdPresence: Sendable, Equatable {
    case notRunning
    /// The latest start among them, in seconds since the epoch.
    case running(pids: [Int32], startedAt: Double)
    /// A dockerd may run but when it started cannot be read: why.
    case cannotTell(String)
    /// A dockerd runs whose data root cannot be resolved (its cmdline, config file or data
    /// root unreadable, or the process ended half-way): it may be using the store.
    case unresolved(pid: Int32, why: String)
}

public enum DockerdProcesses {
    /// - Parameter storeUUID: the btrfs UUID of the store (as `BtrfsFilesystem.uuid` gives it).
    public static func presence(storeUUID: String, host: Host, proc: String = "/proc") -> DockerdPresence {
        var pids = Set<Int32>()
        guard let entries = FolderEntries.names(proc) else {
            return .cannotTell("cannot list the processes in \(proc): \(Errno.text(errno))")
        }
        var exited = Set<Int32>()
        for name in entries {
            guard let pid = Int32(name), pid > 0 else { continue }
            do {
                // A process that ended meanwhile reads as nil: it is no dockerd any more. The
                // name is the leader's, which the kernel keeps while the process is a zombie.
                guard let comm = try FileContents.readString("\(proc)/\(pid)/comm"), comm.trimmingWhitespace() == "dockerd" else { continue }
            } catch {
                return .cannotTell("cannot tell whether process \(pid) is a dockerd: \((error as? DockStoreError)?.message ?? "\(error)")")
            }
            let rootFD: Int32
            let task: String
            switch ProcessRoot.open(pid: pid, proc: proc) {
            case .failure(let error): return .unresolved(pid: pid, why: error.message)
            // Gone, or a zombie with no live thread (exited, its parent has not reaped it yet).
            case .success(.exited): exited.insert(pid); continue
            case .success(.open(let fd, let through)): rootFD = fd; task = through
            }
            defer { close(rootFD) }
            let raw: [UInt8]
            do {
                guard let line = try FileContents.read("\(task)/cmdline") else {
                    return .unresolved(pid: pid, why: "it ended while dockstore read its command line")
                }
                raw = line
            } catch {
                return .cannotTell("cannot read the command line of dockerd (pid \(pid)): \((error as? DockStoreError)?.message ?? "\(error)")")
            }
            // A running process always has its program name there; empty is one that is exiting.
            guard !raw.isEmpty else { return .unresolved(pid: pid, why: "its command line \(task)/cmdline reads empty") }
            let words = raw.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            switch usesStore(pid: pid, words: words, storeUUID: storeUUID, rootFD: rootFD) {
            case .success(true): pids.insert(pid)
            case .success(false): continue
            case .failure(let error): return .unresolved(pid: pid, why: error.message)
            }
        }
        // A daemon by what it holds, whatever its program is called.
        do {
            for pid in try DockerDatabaseLocks.holders(storeUUID: storeUUID, proc: proc) where !exited.contains(pid) { pids.insert(pid) }
        } catch {
            return .cannotTell(error.message)
        }
        var pidfilePID: Int32? = nil
        let fromPidfile: Int32?
        do {
            fromPidfile = try DockerDaemon.running(host: host)
        } catch {
            return .cannotTell((error as? DockStoreError)?.message ?? "\(error)")
        }
        switch fromPidfile {
        case nil: break
        case 0?: return .cannotTell("dockerd's socket \(host.real(DockerDaemon.socketPath)) answers but its pidfile names no process")
        // The pidfile's process exited (a zombie not reaped yet): it uses nothing any more. Read
        // again, so that a PID reused since the scan is not taken for the one that exited.
        case let pid? where exited.contains(pid) && ProcessRoot.hasExited(pid: pid, proc: proc): break
        case let pid?: pids.insert(pid); pidfilePID = pid
        }
        if pids.isEmpty { return .notRunning }
        var latest = 0.0
        for pid in pids.sorted() {
            do {
                var start = try startTime(pid, proc: proc)
                // The boot time moves when the clock is set, a file's time does not: the
                // earlier of the two is safe against a step either way.
                if pid == pidfilePID, let written = try host.statusInRoot(DockerDaemon.pidfile)?.modificationTime {
                    start = min(start, Double(written.tv_sec) + Double(written.tv_nsec) / 1e9)
                }
                latest = max(latest, start)
            } catch {
                return .cannotTell((error as? DockStoreError)?.message ?? "\(error)")
            }
        }
        return .running(pids: pids.sorted(), startedAt: latest)
    }

    /// Whether the dockerd `pid` keeps its data on the btrfs `storeUUID`, its data root
    /// resolved below its own root open at `rootFD` (its mount namespace, its chroot).
    static func usesStore(pid: Int32, words: [String], storeUUID: String, rootFD: Int32) -> Result<Bool, DockStoreError> {
        do {
            let dataRoot = try DockerdDataRoot.path(pid: pid, words: words, rootFD: rootFD)
            switch try DockerdDataRoot.filesystem(dataRoot, rootFD: rootFD) {
            case .btrfs(let uuid): return .success(uuid.lowercased() == storeUUID.lowercased())
            case .other: return .success(false)
            }
        } catch {
            return .failure(error)
        }
    }

    /// A process's start in seconds since the epoch: field 22 of /proc/PID/stat (clock ticks
    /// after boot) plus the boot time (`btime` in /proc/stat).
    static func startTime(_ pid: Int32, proc: String) throws(DockStoreError) -> Double {
        let statPath = "\(proc)/\(pid)/stat"
        // Unreadable throws below (never "started long ago"); only the errno text is lost.
        guard let text = (try? FileContents.readString(statPath)).flatMap({ $0 }), let end = text.lastIndex(of: ")") else {
            throw DockStoreError.failed("cannot read when dockerd (pid \(pid)) started: \(statPath) is unreadable")
        }
        // Fields after the name; the state is field 3, so starttime (22) is the 20th.
        let fields = text[text.index(after: end)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]) else {
            throw DockStoreError.failed("cannot read when dockerd (pid \(pid)) started: \(statPath) has no start time")
        }
        let boot = Double(try HostBootTime.read(proc: proc))
        let hz = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard hz > 0 else { throw DockStoreError.failed("cannot read the clock tick rate (sysconf _SC_CLK_TCK)") }
        return boot + ticks / hz
    }

}

extension DockerdPresence {
    /// The one line `reclaim --orphans` refuses with, and keeps a subvolume with, when a
    /// dockerd's data root cannot be resolved.
    public static func unresolvedText(pid: Int32, why: String) -> String {
        "dockerd (pid \(pid)) may be using this store and dockstore cannot tell which data root it uses (\(why)); nothing was deleted: stop that dockerd, or make its data root and config file readable in its own root (/proc/\(pid)/root), and run again"
    }
}
