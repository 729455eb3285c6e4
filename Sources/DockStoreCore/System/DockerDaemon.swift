#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Whether dockerd runs on the host (its pidfile names a live process, or its socket
/// answers), and stopping it.
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
        return socketAnswers(host.real(socketPath)) ? 0 : nil
    }

    /// The process is a dockerd by its kernel name (/proc/PID/comm); false when it has ended.
    /// An unreadable name throws.
    public static func isDockerd(_ pid: Int32) throws -> Bool {
        guard let comm = try FileContents.readString("/proc/\(pid)/comm") else { return false }
        return comm.trimmingWhitespace() == "dockerd"
    }

    static func socketAnswers(_ path: String) -> Bool {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return rc == 0
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
