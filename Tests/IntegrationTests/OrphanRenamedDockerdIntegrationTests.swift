import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attack 35 Y C1: a dockerd run from a copy of its program under another name
/// (`docker-daemon`), with its pidfile and socket elsewhere, was not seen (dockstore looked for
/// a process named dockerd and the root's pidfile), and `reclaim --orphans` deleted a subvolume
/// made after it started: a layer it may be pulling. A daemon is now also known by what it
/// holds: an exclusive flock on the volume database of a data root on the store.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct OrphanRenamedDockerdIntegrationTests {
    static func hex(_ c: Character) -> String { String(repeating: c, count: 64) }

    @Test(.enabled(if: hasDockerd, Comment(rawValue: needsDockerd)))
    func aDockerdUnderAnotherNameKeepsAPullInProgress() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            let other = root.path + "/other"
            try root.sh("mkdir -p '\(other)' && cp /usr/sbin/dockerd '\(other)/docker-daemon'")
            let daemon = Dockerd(root: root)
            let script = "exec \"$ROOT/other/docker-daemon\" --data-root \"$DATA\" --exec-root \"$ROOT/run/docker\" --pidfile \"$ROOT/other/daemon.pid\" --host \"unix://$ROOT/run/docker.sock\" --iptables=false --ip-masq=false --bridge=none --storage-driver=btrfs"
            let (started, log) = try Dockerd.launch(daemon, "/bin/bash", ["-c", script], dataRoot: root.mountpoint)
            let dockerd = try #require(started, "\(log)")
            defer { dockerd.stop() }
            let pid = try #require(root.read(other + "/daemon.pid")?.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(root.read("/proc/\(pid)/comm") == "docker-daemon\n")
            try dockerd.importBusybox()
            sleep(3) // younger than the daemon by more than the margin: a pull in progress
            let young = Self.hex("e")
            let subvolumes = root.mountpoint + "/btrfs/subvolumes"
            _ = try root.sh("btrfs -q subvolume create \(subvolumes)/\(young)")

            let dry = try root.dockstore(["reclaim", "--orphans", "--dry-run"])
            #expect(dry.stdout.contains("kept \(subvolumes)/\(young): created after dockerd (pid \(pid)) started"), "\(dry.stdout)")
            let result = try root.dockstore(["reclaim", "--orphans"])
            #expect(FileManager.default.fileExists(atPath: "\(subvolumes)/\(young)"),
                    "DATA: the pull in progress of the daemon (pid \(pid)) was deleted: \(result.stdout) \(result.stderr)")
            #expect(result.status == 2 && result.stdout.contains("kept \(subvolumes)/\(young): created after dockerd (pid \(pid)) started"),
                    "\(result.stdout) \(result.stderr)")

            dockerd.stop()
            let after = try root.dockstore(["reclaim", "--orphans"])
            #expect(after.status == 0 && after.stdout.contains("deleted \(subvolumes)/\(young)"), "\(after.stdout) \(after.stderr)")
        }
    }

    /// The lock is what counts, and only on this store: a process holding a volume database of
    /// the store locked (a python3 holding an flock here) keeps a subvolume younger than it; one holding a file of
    /// that name on another filesystem does not.
    @Test func aLockOnTheStoresVolumeDatabaseCountsOneElsewhereDoesNot() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let subvolumes = root.mountpoint + "/btrfs/subvolumes"
            let elsewhere = root.path + "/elsewhere/volumes"
            let layerdb = root.mountpoint + "/image/btrfs/layerdb"
            try root.sh("mkdir -p '\(subvolumes)' '\(layerdb)/sha256' '\(layerdb)/mounts' '\(root.mountpoint)/volumes' '\(elsewhere)' && touch '\(root.mountpoint)/volumes/metadata.db' '\(elsewhere)/metadata.db'")
            for (file, kept) in [(elsewhere + "/metadata.db", false), (root.mountpoint + "/volumes/metadata.db", true)] {
                let holder = Process()
                holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
                holder.arguments = ["-c", "import fcntl, sys, time; f = open(sys.argv[1]); fcntl.flock(f, fcntl.LOCK_EX); time.sleep(600)", file]
                holder.standardOutput = FileHandle.nullDevice
                holder.standardError = FileHandle.nullDevice
                try holder.run()
                defer {
                    kill(holder.processIdentifier, SIGKILL)
                    holder.waitUntilExit()
                }
                var locked = false
                for _ in 0..<100 where !locked {
                    locked = (root.read("/proc/locks") ?? "").contains(" \(holder.processIdentifier) ")
                    if !locked { usleep(50_000) }
                }
                try #require(locked, "flock took its lock")
                sleep(3)
                let young = Self.hex(kept ? "b" : "a")
                _ = try root.sh("btrfs -q subvolume create \(subvolumes)/\(young)")
                let result = try root.dockstore(["reclaim", "--orphans"])
                #expect(FileManager.default.fileExists(atPath: "\(subvolumes)/\(young)") == kept, "\(file): \(result.stdout) \(result.stderr)")
                #expect(result.status == (kept ? 2 : 0), "\(file): \(result.stdout) \(result.stderr)")
                if kept {
                    #expect(result.stdout.contains("created after dockerd (pid \(holder.processIdentifier)) started"), "\(result.stdout)")
                }
            }
        }
    }
}
