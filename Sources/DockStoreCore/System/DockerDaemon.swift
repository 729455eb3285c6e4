#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whether dockerd runs on the host (its pidfile names a live process, or it holds its
/// listening socket), and stopping it.
public enum DockerDaemon {
    public static let pidfile = HostPath.known("/run/docker.pid")
    /// dockerd's compiled-in default (`--pidfile`), the same file where /var/run links to /run
    /// as on every systemd host, another where an image tree has a real /var/run (attack 16, D2).
    public static let defaultPidfile = HostPath.known("/var/run/docker.pid")
    public static let socketPath = HostPath.known("/run/docker.sock")

    /// dockerd's pid, 0 when only its socket answers, nil when it does not run. A pidfile that
    /// is there but cannot be read throws: cannot tell is not "not running". A pidfile whose
    /// number now belongs to another program (dockerd died, the number was reused) does not
    /// name dockerd: that program is never reported, nor stopped, as dockerd.
    public static func running(host: Host) throws -> Int32? {
        for file in [pidfile, defaultPidfile] {
            if let text = try FileContents.readString(file, on: host),
               let pid = Int32(text.trimmingWhitespace()), pid > 0, kill(pid, 0) == 0 || errno == EPERM,
               try isDockerd(pid) {
                return pid
            }
        }
        return try socketHolder(host: host)
    }

    /// A dockerd that holds the listening socket at /run/docker.sock (or /var/run's), by the
    /// kernel's tables, never by connecting (`UnixSocketListeners`): its pid; 0 when a process
    /// of another pid namespace listens there; nil when nothing listens, or only a process
    /// that is not dockerd (systemd's docker.socket waiting to start Docker).
    static func socketHolder(host: Host) throws -> Int32? {
        let paths = [host.real(socketPath), host.real(HostPath.known("/var/run/docker.sock"))]
        switch try UnixSocketListeners.holders(of: paths) {
        case .none: return nil
        case .held(let pids) where pids.isEmpty: return 0
        case .held(let pids):
            for pid in pids where try isDockerd(pid) { return pid }
            return nil
        }
    }

    /// The process is a dockerd by its kernel name (/proc/PID/comm); false when it has ended.
    /// An unreadable name throws.
    public static func isDockerd(_ pid: Int32) throws -> Bool {
        guard let comm = try FileContents.readString("/proc/\(pid)/comm") else { return false }
        return comm.trimmingWhitespace() == "dockerd"
    }

    /// A process that has exited but not been reaped yet.
    public static func isZombie(_ pid: Int32) -> Bool {
        // Unreadable counts as not a zombie: the caller keeps waiting for the process to go.
        guard let text = (try? FileContents.readString("/proc/\(pid)/stat")).flatMap({ $0 }),
              let end = text.lastIndex(of: ")") else { return false }
        return String(text[text.index(after: end)...]).trimmingWhitespace().hasPrefix("Z")
    }

    /// Stops dockerd through systemd, or with SIGTERM, and waits up to 60 s for it to go.
    public static func stop(pid: Int32, viaSystemd: Bool, host: Host) throws {
        if viaSystemd {
            let result = try Subprocess.run("systemctl", ["stop", "docker.service", "docker.socket"], package: "systemd")
            guard result.status == 0 else { throw DockStoreError.failed("systemctl stop docker failed: \(result.reason)") }
            return
        }
        guard pid > 0 else {
            throw DockStoreError.refused("dockerd's socket answers but no pidfile names it; stop Docker yourself and re-run")
        }
        // The number is looked at again right before the signal: a dockerd that ended since the
        // plan leaves nothing to stop, and its number may be another program's now.
        guard try isDockerd(pid) else { return }
        if kill(pid, SIGTERM) != 0 && errno != ESRCH {
            throw DockStoreError.system("cannot stop dockerd, pid", "\(pid)", errno: errno)
        }
        for _ in 0..<600 {
            if kill(pid, 0) != 0 && errno == ESRCH { return }
            if isZombie(pid) { return }
            usleep(100_000)
        }
        throw DockStoreError.failed("dockerd (pid \(pid)) did not stop within 60 s; stop it yourself and re-run")
    }
}
