#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The processes that hold block devices open, by a descriptor in /proc/PID/fd, as
/// `fuser -v /dev/X` lists them. A loop device open in a process is not let go by its detach
/// (the kernel only marks it to go once free), and neither O_EXCL nor the mount table shows
/// that use (attack 35 Y C4: teardown detached a second loop device over the image that a
/// process held open, then stopped halfway, its hints all about the mountpoint).
public enum BlockDeviceOpeners {
    public struct Opener: Sendable, Equatable {
        public var pid: Int32
        /// /proc/PID/comm.
        public var name: String
    }

    /// Device number (st_rdev) → the processes holding it open, in pid order. A process that
    /// ended during the scan, or whose descriptors this user may not read, is skipped: callers
    /// use this to refuse early, and check again after they act.
    /// This process is left out (its own descriptors are the ones it acts through).
    public static func of(_ devices: Set<UInt64>, proc: String = "/proc") throws -> [UInt64: [Opener]] {
        guard !devices.isEmpty else { return [:] }
        guard let entries = FolderEntries.names(proc) else {
            throw DockStoreError.system("cannot list the processes in", proc, errno: errno)
        }
        var found: [UInt64: [Opener]] = [:]
        for pid in entries.compactMap(Int32.init).sorted() where pid > 0 && pid != getpid() {
            let folder = "\(proc)/\(pid)/fd"
            guard let descriptors = FolderEntries.names(folder) else { continue }
            var held = Set<UInt64>()
            for descriptor in descriptors {
                var status = stat()
                guard stat("\(folder)/\(descriptor)", &status) == 0, status.st_mode & S_IFMT == S_IFBLK else { continue }
                let device = UInt64(status.st_rdev)
                guard devices.contains(device), !isPathOnly("\(proc)/\(pid)/fdinfo/\(descriptor)") else { continue }
                held.insert(device)
            }
            guard !held.isEmpty else { continue }
            let name = ((try? FileContents.readString("\(proc)/\(pid)/comm")) ?? nil)?.trimmingWhitespace() ?? "?"
            for device in held { found[device, default: []].append(Opener(pid: pid, name: name)) }
        }
        return found
    }

    /// An O_PATH descriptor (its `flags:` in fdinfo, octal) names the node without opening the
    /// device, so it holds nothing (attack 35 Z T1). An fdinfo that cannot be read counts as a
    /// real open.
    static func isPathOnly(_ fdinfo: String) -> Bool {
        guard let text = (try? FileContents.readString(fdinfo)) ?? nil,
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags:") }),
              let flags = Int(String(line.dropFirst("flags:".count)).trimmingWhitespace(), radix: 8) else { return false }
        return flags & pathOnlyFlag != 0
    }

    /// O_PATH (`__O_PATH`, 010000000 on every Linux architecture dockstore builds for), a
    /// macro Swift does not import.
    static let pathOnlyFlag = 0o10000000

    /// "process 1234 (sleep), process 99 (dd)".
    public static func text(_ openers: [Opener]) -> String {
        openers.map { "process \($0.pid) (\($0.name))" }.joinedText(", ")
    }
}
