#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A process's root folder (its mount namespace and chroot), opened through /proc, and whether
/// the process still runs at all. /proc/PID/root cannot be opened (ENOENT) both for a process
/// that is gone and for a zombie: the kernel drops a task's root when that task exits. A zombie
/// is either a whole process that exited and waits to be reaped (its parent, or a PID 1 that
/// reaps late, has not waited yet), or only a thread-group leader that called `pthread_exit`
/// while other threads run on: that process runs, and is seen through a live thread's
/// /proc/PID/task/TID. Anything else that cannot be read is a failure, never "exited".
enum ProcessRoot {
    /// The root, opened at `fd` (the caller closes it), through `task`: /proc/PID, or
    /// /proc/PID/task/TID of a live thread when the leader has exited. Its cmdline is read there too.
    case open(fd: Int32, task: String)
    /// Gone from /proc, or a zombie none of whose threads is alive: it uses nothing any more.
    case exited

    /// - Parameter proc: where procfs is mounted (tests may give another).
    static func open(pid: Int32, proc: String) -> Result<ProcessRoot, DockStoreError> {
        let folder = "\(proc)/\(pid)"
        let code: Int32
        switch openRoot(folder) {
        case .success(let fd): return .success(.open(fd: fd, task: folder))
        case .failure(let failed): code = failed
        }
        let first = "cannot open its root \(folder)/root: \(Errno.text(code))"
        guard code == ENOENT || code == ESRCH else { return .failure(.failed(first)) }
        // Gone, or a zombie: which kind of zombie is told by its state and its threads.
        switch state(folder) {
        case .failure(let error): return .failure(error)
        case .success(nil): return .success(.exited)
        case .success(let state?) where state != "Z" && state != "X":
            return .failure(.failed("\(first), though it is not a zombie (state \(state))"))
        case .success: break
        }
        var reasons: [String] = []
        for _ in 0..<2 {
            let others: [Int32]
            switch threads(folder, leader: pid) {
            case .failure(let error): return .failure(error)
            case .success(nil): return .success(.exited)
            case .success(let tids?): others = tids
            }
            // Only the dead leader is left: the process exited and is not reaped yet.
            if others.isEmpty { return .success(.exited) }
            reasons = []
            for tid in others {
                let task = "\(folder)/task/\(tid)"
                switch openRoot(task) {
                case .success(let fd): return .success(.open(fd: fd, task: task))
                case .failure(let failed): reasons.append("\(task)/root: \(Errno.text(failed))")
                }
            }
            // Every thread listed ended meanwhile, or none can be opened: list them again once.
        }
        return .failure(.failed("its leader thread has exited and the root of none of its other threads can be opened (\(reasons.joined(separator: "; ")))"))
    }

    /// True only when `open` tells for certain that the process exited.
    static func hasExited(pid: Int32, proc: String) -> Bool {
        switch open(pid: pid, proc: proc) {
        case .success(.exited): return true
        case .success(.open(let fd, _)): close(fd); return false
        case .failure: return false
        }
    }

    static func openRoot(_ folder: String) -> SyscallOutcome<Int32> {
        Syscall.attempt { openFolder("\(folder)/root") }
    }

    /// The state letter of /proc/PID/status ("R", "S", "Z", …); nil when the process is gone.
    static func state(_ folder: String) -> Result<String?, DockStoreError> {
        let path = "\(folder)/status"
        let text: String?
        do {
            text = try FileContents.readString(path)
        } catch {
            return .failure(.failed("cannot read its state \(path): \((error as? DockStoreError)?.message ?? "\(error)")"))
        }
        guard let text else { return .success(nil) }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("State:") }),
              let letter = line.dropFirst("State:".count).first(where: { $0 != " " && $0 != "\t" }) else {
            return .failure(.failed("cannot read its state: \(path) has no State line"))
        }
        return .success(String(letter))
    }

    /// The thread ids of the process other than its leader's, ascending; nil when it is gone.
    static func threads(_ folder: String, leader: Int32) -> Result<[Int32]?, DockStoreError> {
        let path = "\(folder)/task"
        guard let names = FolderEntries.names(path) else {
            let code = errno
            if code == ENOENT || code == ESRCH { return .success(nil) }
            return .failure(.failed("cannot list its threads \(path): \(Errno.text(code))"))
        }
        var tids: [Int32] = []
        for name in names {
            guard let tid = Int32(name), tid > 0 else {
                return .failure(.failed("cannot list its threads: \(path) holds '\(name)', not a thread id"))
            }
            if tid != leader { tids.append(tid) }
        }
        return .success(tids.sorted())
    }
}

/// open(2) of a folder, outside `ProcessRoot`, whose `open(pid:proc:)` hides the C call's name.
private func openFolder(_ path: String) -> Int32 {
    open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
}
