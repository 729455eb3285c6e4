import DockStoreCore
import Foundation
import Testing

/// Issue 15 item 4, attack 31 Q A3: a command run with `--root` writes nothing outside it,
/// its child processes included (mkfs.btrfs -U rewrote the host's /run/blkid/blkid.tab, the
/// libblkid cache it keeps while it checks that the UUID is unique). Every command of a
/// store's life runs under strace -f; each call that creates, writes, renames, links, removes
/// or makes a folder is judged by its absolute path: inside the root, or a device node, sysfs
/// or procfs (loop devices, their sysfs attributes, /proc/self), or /dev/null.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct WritesOutsideRootIntegrationTests {
    static let traced = "trace=open,openat,openat2,creat,truncate,rename,renameat,renameat2,link,linkat,symlink,symlinkat,unlink,unlinkat,mkdir,mkdirat,rmdir,chmod,fchmodat,chown,fchownat,utimensat"

    /// The calls in `log` that change a path outside `root`.
    static func outside(_ log: String, root: String) -> [String] {
        let allowed = [root + "/", "/dev/", "/sys/", "/proc/"]
        return log.split(separator: "\n").map(String.init).filter { line in
            guard let call = line.split(separator: "(", maxSplits: 1).first?.split(separator: " ").last else { return false }
            let name = String(call)
            let reads = name.hasPrefix("open") || name == "creat"
            if reads, !(line.contains("O_WRONLY") || line.contains("O_RDWR") || line.contains("O_CREAT") || line.contains("O_TRUNC") || name == "creat") {
                return false
            }
            if line.hasSuffix("ENOENT (No such file or directory)") && !reads { return false }
            // Every quoted absolute path in the call.
            let paths = line.split(separator: "\"", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
            return paths.contains { path in
                path.hasPrefix("/") && path != root && path != "/dev/null" && !allowed.contains { path.hasPrefix($0) }
            }
        }
    }

    @Test func aStoresWholeLifeWritesNothingOutsideTheRoot() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 1024)
            let commands: [[String]] = [
                ["provision", "--size", "512M"], ["grow", "--to", "600M"], ["backend", "btrfs"], ["status"], ["check"],
                ["reclaim", "--budget", "5s"], ["migrate-ebs", disk, "--yes"], ["teardown", "--delete-image"],
                ["provision", "--device", disk], ["teardown"],
            ]
            for command in commands {
                let log = root.path + "/.strace"
                let run = try root.run("/usr/bin/strace", ["-f", "-qq", "-e", Self.traced, "-o", log, TestRoot.binary] + command + ["--root", root.path])
                #expect(run.status == 0 || (command == ["check"] && run.status <= 1), "\(command): exit \(run.status): \(run.stdout)\(run.stderr)")
                let text = root.read(log) ?? ""
                #expect(!text.isEmpty, "strace wrote its log")
                let found = Self.outside(text, root: root.path)
                #expect(found.isEmpty, "\(command) wrote outside \(root.path):\n\(found.prefix(20).joined(separator: "\n"))")
                _ = try root.sh("rm -f '\(log)'")
            }
            root.forgetBtrfs([disk])
        }
    }
}
