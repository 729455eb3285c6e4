import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `reclaim --orphans` tells which store a running dockerd uses by the filesystem its data
/// root is on, resolved in that dockerd's own mount namespace, never by a path string: a
/// dockerd whose data root is a bind mount of the store visible only in its namespace (a unit
/// with PrivateMounts=, Docker-in-Docker) counts; one whose data root cannot be resolved
/// refuses the run; one on another filesystem is left out.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct OrphanDockerdIdentityIntegrationTests {
    static func hex(_ c: Character) -> String { String(repeating: c, count: 64) }

    @Test(.enabled(if: hasDockerd, Comment(rawValue: needsDockerd)))
    func dockerdInItsOwnMountNamespaceKeepsAPullInProgress() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            let ns = root.path + "/ns"
            let pidfile = ns + "/docker.pid"
            let socket = "unix://\(ns)/d.sock"
            // Its pidfile and socket are not the test root's: only its process tells it runs.
            // A Process held for the whole test, as Dockerd.swift starts dockerd: a shell that
            // backgrounds it and exits at once left a child Foundation never reaped (the test hung).
            try root.sh("mkdir -p \(ns)/data")
            let log = ns + "/dockerd.log"
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            let daemon = Process()
            daemon.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
            daemon.arguments = ["-m", "--propagation", "private", "/bin/sh", "-c",
                                "\(root.letGoOfOtherRootsMounts) mount --bind '\(root.mountpoint)' '\(ns)/data' && exec /usr/sbin/dockerd --data-root '\(ns)/data' --exec-root '\(ns)/x' --pidfile '\(pidfile)' --host '\(socket)' --iptables=false --ip-masq=false --bridge=none --storage-driver=btrfs"]
            daemon.currentDirectoryURL = URL(fileURLWithPath: "/")
            daemon.standardInput = FileHandle(forReadingAtPath: "/dev/null")
            daemon.standardOutput = FileHandle(forWritingAtPath: log)
            daemon.standardError = FileHandle(forWritingAtPath: log)
            try daemon.run()
            defer {
                if daemon.isRunning {
                    kill(daemon.processIdentifier, SIGTERM)
                    for _ in 0..<200 where daemon.isRunning { usleep(100_000) }
                    if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) }
                    daemon.waitUntilExit()
                }
                _ = try? root.run("/usr/bin/pkill", ["-f", "\(ns)/x/containerd"])
            }
            var answered = false
            for _ in 0..<300 where !answered {
                answered = (try? root.run("/usr/bin/docker", ["-H", socket, "info", "--format", "{{.Driver}}"]))?.status == 0
                if !answered { usleep(100_000) }
            }
            try #require(answered, "dockerd in its own mount namespace did not answer: \(root.read(ns + "/dockerd.log") ?? "")")
            let pid = try #require(root.read(pidfile)?.trimmingCharacters(in: .whitespacesAndNewlines))
            let rootfs = root.path + "/busybox-rootfs"
            _ = try root.sh("mkdir -p \(rootfs)/bin && cp /bin/busybox \(rootfs)/bin/ && tar -C \(rootfs) -c . | /usr/bin/docker -H \(socket) import - busybox:test >/dev/null")
            // The store is mounted in the host's view at the mountpoint only; the data-root path
            // dockerd was given is an empty folder here.
            #expect(try FileManager.default.contentsOfDirectory(atPath: ns + "/data").isEmpty)

            sleep(3) // younger than dockerd by more than the margin: a pull in progress
            let young = Self.hex("f")
            let subvolumes = root.mountpoint + "/btrfs/subvolumes"
            _ = try root.sh("btrfs -q subvolume create \(subvolumes)/\(young)")
            let result = try root.dockstore(["reclaim", "--orphans"])
            #expect(FileManager.default.fileExists(atPath: "\(subvolumes)/\(young)"),
                    "DATA: the pull in progress of dockerd (pid \(pid)) was deleted: \(result.stdout) \(result.stderr)")
            #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
            #expect(result.stdout.contains("kept \(subvolumes)/\(young)") && result.stdout.contains("pid \(pid)"), "\(result.stdout)")
            #expect(try root.run("/usr/bin/docker", ["-H", socket, "run", "--rm", "--network", "none", "busybox:test", "/bin/busybox", "true"]).status == 0)
        }
    }

    /// Fake dockerds (a script named dockerd): one whose config file cannot be read refuses
    /// the run (exit 2, one line naming its pid, nothing deleted); one whose data root is on
    /// another filesystem is left out (the orphan goes).
    @Test func unresolvedDataRootRefusesAndAnotherFilesystemIsLeftOut() throws {
        let cases: [(String, String, Bool)] = [
            // (name, the fake dockerd's arguments with $R the root, whether the orphan goes)
            ("a config file it was given that is gone", "--config-file $R/gone/daemon.json", false),
            ("a daemon.json whose data-root is not a string", "--config-file $R/bad.json", false),
            ("a data root that does not exist", "--data-root $R/nowhere", false),
            ("a data root on another filesystem", "--data-root $R/tmpfs", true),
            ("a daemon.json naming a data root on another filesystem", "--config-file $R/other.json", true),
        ]
        for (name, arguments, goes) in cases {
            try withTestRoot { root in
                try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
                let orphan = Self.hex("a")
                let env = "R=\(root.path); M=\(root.mountpoint)"
                try root.sh("""
                    \(env); mkdir -p $M/btrfs/subvolumes $M/image/btrfs/layerdb/sha256 $R/tmpfs $R/bin && mount -t tmpfs t $R/tmpfs && \
                    btrfs -q subvolume create $M/btrfs/subvolumes/\(orphan) && \
                    echo '{"data-root": 7}' > $R/bad.json && echo '{"data-root": "'$R'/tmpfs"}' > $R/other.json && \
                    printf '#!/usr/bin/python3\\nimport time\\ntime.sleep(60)\\n' > $R/bin/dockerd && chmod +x $R/bin/dockerd
                    """)
                defer { _ = try? root.sh("pkill -f '\(root.path)/bin/dockerd' || true; umount \(root.path)/tmpfs") }
                sleep(2) // the orphan is older than the fake dockerd by more than the margin
                // Held as a Process (not backgrounded by a shell that exits at once; see above), and
                // one process with no child: the SIGKILLed shell of `#!/bin/sh sleep 60` was seen as the
                // test process's zombie named dockerd, unreaped for about a minute while its sleep ran
                // on (Foundation hears of an exit when a socket the child inherited closes).
                let fake = Process()
                fake.executableURL = URL(fileURLWithPath: root.path + "/bin/dockerd")
                fake.arguments = arguments.replacingOccurrences(of: "$R", with: root.path).split(separator: " ").map(String.init)
                fake.currentDirectoryURL = URL(fileURLWithPath: "/")
                fake.standardInput = FileHandle(forReadingAtPath: "/dev/null")
                fake.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
                fake.standardError = FileHandle(forWritingAtPath: "/dev/null")
                try fake.run()
                defer {
                    kill(fake.processIdentifier, SIGKILL)
                    fake.waitUntilExit()
                }
                usleep(500_000)
                let pid = String(fake.processIdentifier)
                let lock = root.path + "/run/dockstore.lock"
                let lockStamp = { root.status(lock).map { "\($0.st_ino) \($0.st_mtim.tv_sec).\($0.st_mtim.tv_nsec)" } }
                let lockBefore = lockStamp()
                let result = try root.dockstore(["reclaim", "--orphans"])
                let exists = FileManager.default.fileExists(atPath: "\(root.mountpoint)/btrfs/subvolumes/\(orphan)")
                if goes {
                    #expect(result.status == 0 && !exists, "\(name): \(result.stdout) \(result.stderr)")
                } else {
                    #expect(result.status == 2, "\(name): \(result.stdout) \(result.stderr)")
                    #expect(exists, "DATA: \(name): the orphan was deleted")
                    #expect(result.stderrLines.count == 1 && result.stderr.contains("pid \(pid)"), "\(name): \(result.stderr)")
                    #expect(lockStamp() == lockBefore, "\(name): a refusal refuses before the lock (provision's lock file as it was)")
                }
            }
        }
        reliability("reclaim --orphans with a dockerd whose data root is unresolved or elsewhere", cases: cases.count, runs: cases.count)
    }
}
