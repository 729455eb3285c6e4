import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What `dockstore reclaim` refuses, each with one line and nothing changed.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ReclaimRefusalIntegrationTests {
    /// The snapshot without the image's times and blocks, which btrfs's own periodic commit
    /// changes through the loop device whatever dockstore does.
    func files(_ root: TestRoot) -> [String: String] {
        var snapshot = root.snapshot()
        snapshot["image"] = root.status(root.image).map { "\($0.st_mode) \($0.st_size)" } ?? "<missing>"
        snapshot["run/dockstore.lock"] = nil // taking the run lock creates it; that is no change
        return snapshot
    }

    func unchanged(_ root: TestRoot, _ before: [String: String], _ what: String) {
        #expect(files(root) == before, "\(what): nothing changed")
        #expect(root.status(root.reclaimJournal) == nil, "\(what): no journal")
        #expect(root.status(root.path + "/var/lib/dockstore/last-reclaim.json") == nil, "\(what): no record")
    }

    @Test func refusesWhileAnotherBalanceIsPaused() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            try root.exhaustMetadata(keepEvery: 4)
            // A balance of someone else's, paused: the exclusive operation stays taken.
            let balance = Process()
            balance.executableURL = URL(fileURLWithPath: "/bin/sh")
            balance.arguments = ["-c", "btrfs balance start --full-balance \(root.mountpoint) >/dev/null 2>&1"]
            try balance.run()
            let start = Date()
            while (try? BtrfsBalance.progress(root.mountpoint)) == nil, balance.isRunning, Date().timeIntervalSince(start) < 30 { usleep(2_000) }
            _ = try? root.sh("btrfs balance pause \(root.mountpoint)")
            balance.waitUntilExit()
            let uuid = try #require(CapacityProbe.read(mountpoint: root.mountpoint).uuid)
            let operation = root.read("/sys/fs/btrfs/\(uuid)/exclusive_operation")?.trimmingCharacters(in: .whitespacesAndNewlines)
            try #require(operation == "balance paused", "a paused balance holds the exclusive operation: \(operation ?? "")")
            let before = files(root)
            let result = try root.dockstore(["reclaim"])
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("a btrfs balance is paused on"), "\(result.stderr)")
            // A paused balance never finishes by itself: the remedy is to resume or cancel it.
            #expect(result.stderr.contains("btrfs balance resume \(root.mountpoint)") && result.stderr.contains("btrfs balance cancel \(root.mountpoint)"),
                    "\(result.stderr)")
            #expect(!result.stderr.contains("once that has finished"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
            unchanged(root, before, "paused balance")
            try root.sh("btrfs balance cancel \(root.mountpoint)")
        }
    }

    @Test func refusesWhatIsNotABtrfsStore() throws {
        try withTestRoot { root in
            try root.sh("mkdir -p \(root.mountpoint)")
            let before = files(root)
            let nothing = try root.dockstore(["reclaim"])
            #expect(nothing.status == 2)
            #expect(nothing.stderr.contains("nothing is mounted at"), "\(nothing.stderr)")
            unchanged(root, before, "nothing mounted")
            try root.sh("mount -t tmpfs -o size=16m tmpfs \(root.mountpoint)")
            let tmpfs = files(root)
            let result = try root.dockstore(["reclaim"])
            #expect(result.status == 2)
            #expect(result.stderr.contains("is tmpfs, not btrfs"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
            unchanged(root, tmpfs, "tmpfs")
        }
    }

    /// `reclaim --orphans` observes and decides before it locks: nothing mounted, a store that
    /// is not btrfs, and a dockerd that may be making the only orphan (nothing provably unused)
    /// are refused with exit 2 and one line, and every entry of the tree stays as it was, with
    /// no run/dockstore.lock made.
    @Test func orphansRefusalsLeaveTheTreeIdentical() throws {
        let orphan = String(repeating: "a", count: 64)
        let cases: [(String, String, String)] = [
            ("nothing mounted", "mkdir -p $M", "nothing is mounted at"),
            ("tmpfs", "mkdir -p $M && mount -t tmpfs -o size=16m tmpfs $M", "is not on a btrfs filesystem"),
            // The fake dockerd is started below, held as a Process for the whole case. Backgrounded by
            // the setup shell, it inherited the socket by which Foundation learns that shell exited,
            // so sh() returned only when its `sleep 30` ended: reclaim then met it exited, a zombie
            // this VM's PID 1 had not reaped yet (~1.5 s), whose /proc/PID/root is gone (ENOENT).
            ("a dockerd younger than the only orphan",
             "sleep 1.5 && mkdir -p $M/btrfs/subvolumes $M/image/btrfs/layerdb/sha256 $M/image/btrfs/layerdb/mounts && btrfs -q subvolume create $M/btrfs/subvolumes/\(orphan) && rm $R/run/dockstore.lock",
             "1 orphan candidate(s) kept"),
        ]
        for (name, setup, says) in cases {
            try withTestRoot { root in
                var fake: Process? = nil
                defer {
                    if let fake {
                        if fake.isRunning { kill(fake.processIdentifier, SIGKILL) }
                        fake.waitUntilExit()
                    }
                }
                if name.contains("dockerd") {
                    try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
                    // A script named dockerd, one process with no child (SIGKILL ends all of it; a
                    // Process's SIGTERM is blocked, inherited from the Dispatch thread that started it).
                    try root.write(root.path + "/bin/dockerd", "#!/usr/bin/python3\nimport time\ntime.sleep(600)\n")
                    try root.sh("chmod +x \(root.path)/bin/dockerd")
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: root.path + "/bin/dockerd")
                    process.arguments = ["--data-root", root.mountpoint]
                    process.currentDirectoryURL = URL(fileURLWithPath: "/")
                    process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
                    process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
                    process.standardError = FileHandle(forWritingAtPath: "/dev/null")
                    try process.run()
                    fake = process
                }
                try root.sh("R=\(root.path); M=\(root.mountpoint); \(setup)")
                let before = try RefusedTreeIntegrationTests().tree(root)
                let result = try root.dockstore(["reclaim", "--orphans"])
                #expect(result.status == ExitStatus.refused.rawValue, "\(name): \(result.stdout) \(result.stderr)")
                #expect(result.stderrLines.count == 1 && result.stderr.contains(says), "\(name): \(result.stderr)")
                #expect(try RefusedTreeIntegrationTests().tree(root) == before, "\(name): nothing changed")
                #expect(root.status(root.path + "/run/dockstore.lock") == nil, "\(name): no run lock made")
                if let fake {
                    #expect(fake.isRunning, "\(name): the fake dockerd ran throughout")
                    #expect(result.stdout.contains("kept \(root.mountpoint)/btrfs/subvolumes/\(orphan): created after dockerd")
                            && result.stdout.contains("pid \(fake.processIdentifier)"), "\(result.stdout)")
                    #expect(FileManager.default.fileExists(atPath: "\(root.mountpoint)/btrfs/subvolumes/\(orphan)"))
                }
            }
        }
    }

    @Test(arguments: ["0", "0s", "soon", "-5m", "1h30", ""])
    func refusesABadBudget(_ budget: String) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            let before = files(root)
            let result = try root.dockstore(["reclaim", "--budget=\(budget)"])
            #expect(result.status == 64, "\(budget): \(result.stderr)")
            // An empty value is swift-argument-parser's to refuse; the rest dockstore's own, one line.
            let said = budget.isEmpty ? "Missing value for '--budget" : "--budget '\(budget)'"
            #expect(result.stderr.contains(said), "\(result.stderr)")
            unchanged(root, before, "budget \(budget)")
        }
    }
}
