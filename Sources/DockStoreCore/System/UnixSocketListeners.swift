#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Who listens on a unix socket path, read from the kernel without connecting to it.
///
/// A connection to /run/docker.sock held by systemd (docker.socket, socket activation) starts
/// docker.service, and with it its requirements (dockstore-provision.service): a monitoring
/// probe every minute woke Docker, re-ran provision and tripped the socket's trigger limit,
/// which left docker.socket failed (outside attack 18, B-F3). So the listeners are found in
/// /proc/net/unix (a listening socket bound at the path) and the processes that hold one
/// (`socket:[INODE]` in /proc/PID/fd).
public enum UnixSocketListeners {
    public enum Holders: Sendable, Equatable {
        /// Nothing listens at the path in this network namespace.
        case none
        /// The pids of this pid namespace that hold a listening socket bound at the path; empty
        /// when one listens but no process here holds it (another pid namespace).
        case held([Int32])
    }

    /// `paths`: the bound path as the kernel shows it (any of them).
    public static func holders(of paths: [String], proc: String = "/proc") throws -> Holders {
        guard let table = try FileContents.readString("\(proc)/net/unix") else {
            throw DockStoreError.system("cannot read", "\(proc)/net/unix", errno: Errno.noSuchFileOrDirectory)
        }
        var inodes = Set<String>()
        for line in table.split(separator: "\n").dropFirst() {
            // Num RefCount Protocol Flags Type St Inode Path; Flags 00010000: listening.
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 8, let flags = UInt32(fields[3], radix: 16), flags & 0x10000 != 0,
                  paths.contains(fields[7...].joined(separator: " ")) else { continue }
            inodes.insert(String(fields[6]))
        }
        guard !inodes.isEmpty else { return .none }
        let wanted = Set(inodes.map { "socket:[\($0)]" })
        guard let entries = FolderEntries.names(proc) else {
            throw DockStoreError.system("cannot list", proc, errno: Errno.current)
        }
        var pids: [Int32] = []
        var hidden = 0
        for entry in entries {
            guard let pid = Int32(entry) else { continue }
            guard let fds = FolderEntries.names("\(proc)/\(entry)/fd") else {
                // Ended since the listing: holds nothing. Not ours to list: it may be the holder.
                if errno == EACCES || errno == EPERM { hidden += 1 }
                continue
            }
            if fds.contains(where: { fd in ConfinedPath.readLink("\(proc)/\(entry)/fd/\(fd)").map(wanted.contains) ?? false }) {
                pids.append(pid)
            }
        }
        // No holder seen while some processes could not be looked at: that is "cannot tell",
        // not "another pid namespace" (a check run as nobody beside root's dockerd).
        if pids.isEmpty && hidden > 0 {
            throw DockStoreError.failed("cannot tell which process listens on \(paths[0]): the open files of \(hidden) processes are not readable as uid \(getuid()); run as root")
        }
        return .held(pids.sorted())
    }
}
