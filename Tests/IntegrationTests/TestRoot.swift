import DockStoreCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

let isRoot = getuid() == 0
let needsRoot = "needs root: real loop devices, btrfs and mounts (run scripts/test as root)"

/// What a run of the dockstore binary did.
struct RunResult {
    var status: Int32
    /// Set when the process was killed by a signal.
    var signal: Int32?
    var stdout: String
    var stderr: String

    /// Standard error's lines, but the warning that a loop device taken as a volume is attached
    /// by no boot: the device tests stand loop devices in for EBS volumes, so provision --device
    /// and migrate-ebs say it in each of them (`LoopDeviceVolumeWarningIntegrationTests`
    /// asserts it), and a refusal after it is still one line of its own.
    var stderrLines: [Substring] { stderr.split(separator: "\n").filter { !Self.isLoopVolumeWarning($0) } }

    static func isLoopVolumeWarning(_ line: Substring) -> Bool {
        line.hasPrefix("dockstore: warning: /dev/loop") && line.contains(" is a loop device over ")
            && line.contains(", which no boot attaches unless a unit of yours runs losetup before dockstore-provision.service")
    }
}

/// A temporary --root with var/lib, etc and run, for one test. `cleanUp()` unmounts
/// everything mounted below it, detaches every loop device backed by a file in it and
/// removes it; `withTestRoot` calls it whether the test passes, fails or throws.
final class TestRoot {
    let path: String

    init() throws {
        // scripts/test gives each run a folder of its own, so its sweep never touches another run's.
        let parent = ProcessInfo.processInfo.environment["DOCKSTORE_TEST_TMPDIR"] ?? "/tmp"
        var template = Array("\(parent)/dockstore-test.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestFailure("mkdtemp: \(String(cString: strerror(errno)))") }
        path = String(cString: made)
        for folder in ["var/lib", "etc", "run"] {
            try FileManager.default.createDirectory(atPath: "\(path)/\(folder)", withIntermediateDirectories: true)
        }
    }

    var image: String { path + "/var/lib/docker-storage.btrfs" }
    var mountpoint: String { path + "/var/lib/docker" }
    var fstab: String { path + "/etc/fstab" }
    var sysconfig: String { path + "/etc/sysconfig/docker" }
    var dropIn: String { path + "/etc/systemd/system/docker.service.d/dockstore.conf" }

    static var binary: String {
        if let explicit = ProcessInfo.processInfo.environment["DOCKSTORE_BIN"] { return explicit }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        if folder.path.hasSuffix(".xctest/Contents/MacOS") { folder = folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
        return folder.appendingPathComponent("dockstore").path
    }

    /// A shell line for a new mount namespace: lazily unmounts its copies of other test roots'
    /// mounts (every mount of the moment is copied), which would make their teardowns refuse
    /// ("also mounted in another mount namespace") while suites run side by side.
    var letGoOfOtherRootsMounts: String {
        let others = (path as NSString).deletingLastPathComponent + "/dockstore-test."
        return "findmnt -rn -o TARGET | grep -F '\(others)' | grep -vF '\(path)/' | sort -r | while read -r t; do umount -l \"$t\" 2>/dev/null || true; done;"
    }

    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34), which the Glibc module does not declare.
    static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// Runs `dockstore <arguments> --root <this root>` with no stdin.
    @discardableResult
    func dockstore(_ arguments: [String], environment: [String: String] = [:], root: Bool = true) throws -> RunResult {
        try run(Self.binary, arguments + (root ? ["--root", path] : []), environment: environment)
    }

    /// Runs `executable` with no stdin, its output into files, and waits for it itself
    /// (posix_spawn, waitpid): Foundation's Process reaps its children on one queue, and a
    /// `Holder` (a long `sleep` started with Process) once held the reap of a dockstore run
    /// for the holder's whole 600 s (the run had long exited; btrfs committed meanwhile and
    /// the test's bytes check failed).
    func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> RunResult {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "DOCKSTORE_FAILPOINT")
        environment.forEach { env[$0.key] = $0.value }
        let outPath = "\(path)/.out-\(UUID().uuidString)"
        let errPath = "\(path)/.err-\(UUID().uuidString)"
        defer { unlink(outPath); unlink(errPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // Nothing of the test process's but 0, 1 and 2 (a loop device it holds open is not dockstore's).
        guard let closeFrom = Self.addCloseFrom else { throw TestFailure("posix_spawn_file_actions_addclosefrom_np is not in this C library (glibc 2.34)") }
        closeFrom(&actions, 3)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = withDefaultSignals { posix_spawn(&pid, executable, &actions, &$0, argv, envp) }
        guard spawned == 0 else { throw TestFailure("posix_spawn \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw TestFailure("waitpid \(pid): \(String(cString: strerror(errno)))") }
        }
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        // WIFSIGNALED: the low 7 bits are the signal; else WEXITSTATUS is the second byte.
        let signal = status & 0x7f
        if signal != 0 && signal != 0x7f {
            return RunResult(status: signal, signal: signal, stdout: out, stderr: err)
        }
        return RunResult(status: (status >> 8) & 0xff, signal: nil, stdout: out, stderr: err)
    }

    /// Runs a shell command for test setup; throws when it fails.
    @discardableResult
    func sh(_ command: String) throws -> String {
        let result = try run("/bin/sh", ["-c", command])
        guard result.status == 0 else { throw TestFailure("`\(command)` failed: \(result.stderr)") }
        return result.stdout
    }

    func read(_ file: String) -> String? { try? String(contentsOfFile: file, encoding: .utf8) }

    func write(_ file: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: false, encoding: .utf8)
    }

    func status(_ file: String) -> stat? {
        var st = stat()
        return lstat(file, &st) == 0 ? st : nil
    }

    /// Where the symlink `file` points, or nil when it is not one.
    func linkTarget(_ file: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: file)
    }

    /// Targets mounted at or below this root, deepest first.
    func mounts() -> [MountEntry] {
        ((try? MountTable.read())?.mounts(within: path) ?? []).reversed()
    }

    /// The backing files (in this root) of the loop devices attached now.
    func loopBackingFiles() -> Set<String> {
        Set(loopDevices().compactMap { device in
            (try? String(contentsOfFile: "/sys/block/\((device as NSString).lastPathComponent)/loop/backing_file", encoding: .utf8))?
                .trimmingCharacters(in: .newlines)
        })
    }

    /// Loop devices whose backing file lies in this root.
    func loopDevices() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/block")) ?? []
        return names.filter { $0.hasPrefix("loop") }.compactMap { name in
            guard let backing = try? String(contentsOfFile: "/sys/block/\(name)/loop/backing_file", encoding: .utf8)
            else { return nil }
            return backing.hasPrefix(path + "/") ? "/dev/\(name)" : nil
        }
    }

    /// Makes the kernel's btrfs forget these devices (as a reboot would), one by one: a bare
    /// `btrfs device scan --forget` would also drop the devices of another test run's
    /// filesystem that is not mounted yet. Pass the names while they are still attached or
    /// just detached (the kernel matches the device number).
    func forgetBtrfs(_ devices: [String]) {
        for device in Set(devices) { _ = try? sh("btrfs device scan --forget \(device) 2>/dev/null") }
    }

    /// A snapshot of the whole tree under the root, to prove a refusal changed nothing: every
    /// entry's kind, mode, owner and (for a regular file) size and modification time, with
    /// the bytes of each file up to 1 MiB, without following a symlink or opening anything
    /// else (a FIFO stays unopened); plus the mounts and what the mountpoint holds.
    func snapshot() -> [String: String] {
        var result: [String: String] = [:]
        let backing = loopBackingFiles()
        // Also by inode: a backing file under another name than the kernel's (a hard link kept
        // after the attached name was removed, which the kernel shows "(deleted)").
        let backingInodes = Set(loopDevices().compactMap { device -> String? in
            guard let loop = try? LoopDevice.status(device) else { return nil }
            return "\(loop.backingDevice):\(loop.backingInode)"
        })
        func walk(_ relative: String) {
            let full = relative.isEmpty ? path : path + "/" + relative
            var st = stat()
            guard lstat(full, &st) == 0 else { result[relative] = "<gone: \(errno)>"; return }
            var entry = "\(st.st_mode) \(st.st_uid):\(st.st_gid)"
            switch st.st_mode & S_IFMT {
            case S_IFREG where backing.contains(full) || backingInodes.contains("\(st.st_dev):\(st.st_ino)"):
                // A loop device's backing file (the mounted image, a test disk): the kernel
                // writes it on its own (commits, trims); its apparent size is what a command changes.
                entry += " \(st.st_size)"
            case S_IFREG:
                entry += " \(st.st_size) \(st.st_blocks) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
                if st.st_size <= 1 << 20, let bytes = FileManager.default.contents(atPath: full) {
                    entry += " " + bytes.base64EncodedString()
                }
            case S_IFLNK:
                entry += " -> " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? "?")
            case S_IFDIR:
                let names = (try? FileManager.default.contentsOfDirectory(atPath: full)) ?? ["<unreadable>"]
                for name in names.sorted() { walk(relative.isEmpty ? name : relative + "/" + name) }
            default:
                break
            }
            result[relative] = entry
        }
        walk("")
        result[""] = nil
        result["mounts"] = mounts().map { "\($0.source) \($0.target)" }.joined(separator: ";")
        return result
    }

    /// The entries that differ from an earlier snapshot (empty: nothing changed), so a
    /// failure names what changed. The run lock is left out: taking it creates the file.
    func changes(since before: [String: String]) -> [String] {
        let after = snapshot()
        return Set(before.keys).union(after.keys).sorted().filter { before[$0] != after[$0] && $0 != "run/dockstore.lock" }
    }

    func cleanUp() {
        for _ in 0..<3 {
            for entry in mounts() where umount2(entry.target, 0) != 0 {
                _ = umount2(entry.target, Int32(MNT_DETACH))
            }
            // Detached by name only while the device still reads the file it read when listed:
            // an image's loop device the kernel autoclears after the listing is free at once,
            // and another run attaching a disk may get that name before a `losetup -d` by name
            // (a process start later, seconds under load) would detach that run's disk.
            for listed in loopDevices().compactMap({ try? LoopDevice.status($0) }) {
                guard let now = try? LoopDevice.status(listed.path),
                      now.backingDevice == listed.backingDevice, now.backingInode == listed.backingInode else { continue }
                try? LoopDevice.detach(listed.path)
            }
            if mounts().isEmpty && loopDevices().isEmpty { break }
            usleep(200_000)
        }
        // A test may have made files immutable or append-only (chattr): undo that first.
        _ = try? run("/bin/sh", ["-c", "find '\(path)' -xdev -print0 2>/dev/null | xargs -0r chattr -i -a 2>/dev/null; true"])
        _ = try? run("/bin/rm", ["-rf", "--one-file-system", path])
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` with a fresh root and always cleans it up.
func withTestRoot(_ body: (TestRoot) throws -> Void) throws {
    let root = try TestRoot()
    defer { root.cleanUp() }
    try body(root)
}

/// One line of scripts/reliability's summary table: `RELIABILITY|test|area|cases|runs`.
/// The script adds the failures (issues swift-testing recorded in that test) and the data
/// lost (those of them whose message starts with "DATA:", the checksum and inventory checks).
func reliability(_ area: String, cases: Int, runs: Int, test: String = #function) {
    print("RELIABILITY|\(test)|\(area)|\(cases)|\(runs)")
}
