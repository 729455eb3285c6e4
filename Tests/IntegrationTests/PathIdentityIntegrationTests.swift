import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Paths as issue 15's outside attack used them (F7, F8 and the unmount by path), run for real:
/// a /proc magic link in the tree is refused naming the path and the link, through openat2 and
/// through the hand walk alike; a path that would display as another is refused and every path
/// dockstore prints reaches the terminal escaped; teardown unmounts only the store it planned.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct PathIdentityIntegrationTests {
    /// (what, the link made in the tree after procfs is mounted at ROOT/proc, the command, the
    /// path given and the link named in the message).
    static let magicLinks: [(String, String, [String], String, String)] = [
        ("etc/sysconfig -> a descriptor (F7)", "rm -rf etc/sysconfig && ln -s /proc/self/fd/0 etc/sysconfig",
         ["provision", "--size", "256M"], "ROOT/etc/sysconfig/docker", "/fd/0 (reached through the link ROOT/etc/sysconfig)"),
        ("etc/docker -> a process's root", "rm -rf etc/docker && ln -s /proc/self/root/etc etc/docker",
         ["backend", "vfs", "--force"], "ROOT/etc/docker/daemon.json", "/root (reached through the link ROOT/etc/docker)"),
        ("run -> a process's cwd, for the lock", "rm -rf run && ln -s /proc/self/cwd run",
         ["provision", "--size", "256M"], "ROOT/run", "/cwd (reached through the link ROOT/run)"),
        ("var/lib -> a process's cwd, for the image and the mountpoint", "rm -rf var/lib && ln -s /proc/thread-self/cwd var/lib",
         ["provision", "--size", "256M"], "ROOT/var/lib", "/cwd (reached through the link ROOT/var/lib)"),
    ]

    @Test(arguments: magicLinks, PathResolver.allCases)
    func aMagicLinkInTheTreeIsRefusedNamingThePathAndTheLink(_ c: (String, String, [String], String, String), _ resolver: PathResolver) throws {
        let (what, setup, arguments, given, link) = c
        try withTestRoot { root in
            try root.write(root.sysconfig, "DOCKER_OPTS=\"\"\n")
            try root.write(root.path + "/etc/docker/daemon.json", "{}\n")
            _ = try root.sh("cd '\(root.path)' && mkdir -p var/lib run proc && mount -t proc proc proc && \(setup)")
            // The tree without procfs (TestRoot.snapshot would walk into it) and the run's own files.
            let tree = "cd '\(root.path)' && find . -mindepth 1 -xdev \\( -path ./proc -o -path ./run -o -path ./.oracle -o -name '.out-*' -o -name '.err-*' -o -name dockstore.lock \\) -prune -o -printf '%p %y %m %s %T@ %l\\n' | LC_ALL=C sort"
            let before = try root.sh(tree)
            let run = try root.dockstore(arguments, resolver: resolver)
            let message = run.stderr.replacingOccurrences(of: root.path, with: "ROOT")
            #expect(run.status == 2, "\(what): \(message)")
            #expect(run.stderrLines.count == 1, "one line: \(message)")
            #expect(message.contains("\(given)") && message.contains("crosses the /proc magic link /proc/") && message.contains(link), "\(what): \(message)")
            #expect(message.contains("replace the link") && message.contains("and re-run"), "says what to do: \(message)")
            #expect(try root.sh(tree) == before, "nothing in the tree changed")
            #expect(!root.mounts().contains { $0.fstype == "btrfs" }, "nothing mounted")
        }
        reliability("confinement: /proc magic link in the tree, \(resolver.rawValue)", cases: 1, runs: 1)
    }

    /// F8: a bidirectional control in --mountpoint is refused (exit 64) with the path escaped,
    /// and nothing in any output carries it raw.
    @Test(arguments: ["\u{202E}", "\u{200E}", "\u{200F}", "\u{202A}", "\u{2066}", "\u{2069}", "\u{061C}"])
    func aPathWithABidiControlIsRefusedAndShownEscaped(_ control: String) throws {
        try withTestRoot { root in
            let before = root.snapshot()
            let escaped = Array(control.utf8).map { "\\x" + String($0, radix: 16, uppercase: true) }.joined()
            for arguments in [["provision", "--size", "256M", "--mountpoint", "/var/lib/\(control)rekcod"],
                              ["status", "--mountpoint", "/var/lib/\(control)rekcod"],
                              ["teardown", "--image", "/var/lib/\(control)x.btrfs"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 64, "\(arguments): \(run.stderr)")
                #expect(run.stderrLines.count == 1, "\(run.stderr)")
                #expect(run.stderr.contains("'/var/lib/\(escaped)"), "shown escaped: \(run.stderr)")
                #expect(!(run.stdout + run.stderr).contains(control), "nothing printed raw")
            }
            try root.write(root.path + "/etc/sysconfig/dockstore", "DOCKSTORE_MOUNTPOINT=\"/var/lib/\(control)rekcod\"\n")
            let settings = try root.dockstore(["provision", "--size", "256M"])
            #expect(settings.status == 64 && settings.stderr.contains(escaped) && !settings.stderr.contains(control), "\(settings.stderr)")
            #expect(root.changes(since: before).allSatisfy { $0.hasPrefix("etc/sysconfig") || $0.hasPrefix("run") }, "\(root.changes(since: before))")
        }
    }

    /// A path read from the system is shown escaped too: a folder named with a U+202E, where an
    /// fstab line dockstore does not own mounts something, appears in teardown's plan escaped.
    @Test func aPathReadFromTheSystemIsShownEscaped() throws {
        try withTestRoot { root in
            #expect(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let odd = "/srv/\u{202E}kcol"
            try root.write(root.fstab, (root.read(root.fstab) ?? "") + "tmpfs \(odd) tmpfs defaults 0 0\n")
            try root.sh("mkdir -p '\(root.path)/srv/\u{202E}kcol' && mount -t tmpfs tmpfs '\(root.path)/srv/\u{202E}kcol'")
            let status = try root.dockstore(["status"])
            let dry = try root.dockstore(["teardown", "--dry-run"])
            let json = try root.dockstore(["status", "--json"])
            for run in [status, dry, json] {
                #expect(!(run.stdout + run.stderr).contains("\u{202E}"), "nothing printed raw: \(run.stdout) \(run.stderr)")
            }
            #expect(dry.status == 0 && dry.stdout.contains("unmount \(root.mountpoint)"), "\(dry.stdout) \(dry.stderr)")
        }
    }

    /// The unmount re-checks at the moment it acts: the store is swapped for a tmpfs (or another
    /// btrfs) at the mountpoint while teardown pauses before its unmount step; teardown refuses
    /// with what it found and leaves that mount alone.
    @Test(arguments: ["tmpfs", "btrfs"])
    func teardownRefusesToUnmountWhatWasMountedInTheStoresPlace(_ other: String) throws {
        try withTestRoot { root in
            #expect(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let otherImage = root.path + "/other.btrfs"
            if other == "btrfs" {
                _ = try root.sh("truncate -s 200M '\(otherImage)' && mkfs.btrfs -q -L other '\(otherImage)'")
            }
            let mount = other == "tmpfs" ? "mount -t tmpfs -o size=1M other '\(root.mountpoint)'" : "mount -o loop '\(otherImage)' '\(root.mountpoint)'"
            let run = Process()
            run.executableURL = URL(fileURLWithPath: TestRoot.binary)
            run.arguments = ["teardown", "--root", root.path]
            run.environment = ProcessInfo.processInfo.environment.merging([Failpoint.pauseVariable: "unmount"]) { $1 }
            let stderr = Pipe()
            run.standardOutput = FileHandle.nullDevice
            run.standardError = stderr
            try run.run()
            usleep(400_000)
            _ = try root.sh("umount '\(root.mountpoint)' && \(mount)")
            run.waitUntilExit()
            let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(run.terminationStatus == 2, "\(message)")
            #expect(message.split(separator: "\n").count == 1, "one line: \(message)")
            #expect(message.contains("refusing to unmount \(root.mountpoint): ") && message.contains("is mounted there now, not the btrfs "), "\(message)")
            let there = root.mounts().filter { $0.target == root.mountpoint }
            #expect(there.count == 1 && there.first?.fstype == other, "the other mount is left alone: \(there)")
        }
        reliability("teardown: the store swapped for another mount before the unmount (paused)", cases: 1, runs: 1)
    }

    /// Without a swap the same paused teardown unmounts the store (the check lets it through).
    @Test func teardownUnmountsTheStoreItPlanned() throws {
        try withTestRoot { root in
            #expect(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let run = try root.dockstore(["teardown"], environment: [Failpoint.pauseVariable: "unmount"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(!root.mounts().contains { $0.target == root.mountpoint }, "unmounted")
        }
    }
}
