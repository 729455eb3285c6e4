#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whether a dockerd may be using a given data root, and since when: every process named
/// `dockerd` whose `--data-root` is that folder or is not given on its command line (then
/// daemon.json may name any folder, so it counts), plus the process dockerd's pidfile names.
/// A start is the process's start time from /proc, or the pidfile's time when earlier.
public enum DockerdPresence: Sendable, Equatable {
    case notRunning
    /// The latest start among them, in seconds since the epoch.
    case running(pids: [Int32], startedAt: Double)
    /// A dockerd may run but when it started cannot be read: why.
    case cannotTell(String)
}

public enum DockerdProcesses {
    public static func presence(dataRoot: String, host: Host, proc: String = "/proc") -> DockerdPresence {
        let target = canonical(dataRoot)
        var pids = Set<Int32>()
        guard let entries = FolderEntries.names(proc) else {
            return .cannotTell("cannot list the processes in \(proc): \(Errno.text(errno))")
        }
        for name in entries {
            guard let pid = Int32(name), pid > 0 else { continue }
            let raw: [UInt8]
            do {
                // A process that ended meanwhile reads as nil: it is no dockerd any more.
                guard let comm = try FileContents.readString("\(proc)/\(pid)/comm"), comm.trimmingWhitespace() == "dockerd",
                      let line = try FileContents.read("\(proc)/\(pid)/cmdline") else { continue }
                raw = line
            } catch {
                return .cannotTell("cannot tell whether process \(pid) is a dockerd: \((error as? DockStoreError)?.message ?? "\(error)")")
            }
            let words = raw.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            // Another data root rules a dockerd out only when that is certain: an absolute
            // --data-root seen from the host's own root. A relative one (resolved against the
            // process's working folder) or a chrooted dockerd counts as using this store.
            if let root = dataRootFlag(words), root.hasPrefix("/"), rootIsHost(pid, proc: proc), canonical(root) != target { continue }
            pids.insert(pid)
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
        case let pid?: pids.insert(pid); pidfilePID = pid
        }
        if pids.isEmpty { return .notRunning }
        var latest = 0.0
        for pid in pids.sorted() {
            do {
                var start = try startTime(pid, proc: proc)
                // The boot time moves when the clock is set, a file's time does not: the
                // earlier of the two is safe against a step either way.
                if pid == pidfilePID, let written = try FileStatus.of(host.real(DockerDaemon.pidfile))?.modificationTime {
                    start = min(start, Double(written.tv_sec) + Double(written.tv_nsec) / 1e9)
                }
                latest = max(latest, start)
            } catch {
                return .cannotTell((error as? DockStoreError)?.message ?? "\(error)")
            }
        }
        return .running(pids: pids.sorted(), startedAt: latest)
    }

    /// Whether the process sees the same "/" as dockstore (/proc/PID/root); false when it
    /// cannot be read, so an unreadable process never rules itself out.
    static func rootIsHost(_ pid: Int32, proc: String) -> Bool {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("\(proc)/\(pid)/root", &buffer, buffer.count - 1)
        guard n > 0 else { return false }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) == "/"
    }

    /// The value of `--data-root` (or the old `-g` / `--graph`), the last one winning as in dockerd.
    static func dataRootFlag(_ words: [String]) -> String? {
        var found: String? = nil
        var index = 1
        while index < words.count {
            let word = words[index]
            for flag in ["--data-root", "--graph", "-g"] {
                if word == flag, index + 1 < words.count { found = words[index + 1]; index += 1 }
                else if word.hasPrefix(flag + "=") { found = String(word.dropFirst(flag.count + 1)) }
            }
            index += 1
        }
        return found
    }

    static func canonical(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
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
        guard let procStat = (try? FileContents.readString("\(proc)/stat")).flatMap({ $0 }),
              let line = procStat.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
              let boot = Double(line.dropFirst(6).trimmingCharacters()) else {
            throw DockStoreError.failed("cannot read the boot time (btime in \(proc)/stat)")
        }
        let hz = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard hz > 0 else { throw DockStoreError.failed("cannot read the clock tick rate (sysconf _SC_CLK_TCK)") }
        return boot + ticks / hz
    }

}

private extension Substring {
    func trimmingCharacters() -> String { String(self).trimmingWhitespace() }
}
