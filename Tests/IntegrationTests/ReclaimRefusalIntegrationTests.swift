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
            ("a dockerd younger than the only orphan",
             "mkdir -p $R/bin && printf '#!/bin/sh\\nsleep 30\\n' > $R/bin/dockerd && chmod +x $R/bin/dockerd && (setsid $R/bin/dockerd --data-root $M >/dev/null 2>&1 & echo $! > $R/dockerd.pid) && sleep 1.5 && mkdir -p $M/btrfs/subvolumes $M/image/btrfs/layerdb/sha256 $M/image/btrfs/layerdb/mounts && btrfs -q subvolume create $M/btrfs/subvolumes/\(orphan) && rm $R/run/dockstore.lock",
             "1 orphan candidate(s) kept"),
        ]
        for (name, setup, says) in cases {
            try withTestRoot { root in
                if name.contains("dockerd") { try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0) }
                defer { _ = try? root.sh("[ -s \(root.path)/dockerd.pid ] && kill $(cat \(root.path)/dockerd.pid) || true") }
                try root.sh("R=\(root.path); M=\(root.mountpoint); \(setup)")
                let before = try RefusedTreeIntegrationTests().tree(root)
                let result = try root.dockstore(["reclaim", "--orphans"])
                #expect(result.status == ExitStatus.refused.rawValue, "\(name): \(result.stdout) \(result.stderr)")
                // The fake dockerd can be seen as a process whose root cannot be opened (seen once
                // after att17b's change, cause not found): that refuses too, naming it, never deletes.
                let unresolved = name.contains("dockerd") && result.stderr.contains("cannot tell which data root it uses")
                #expect(result.stderrLines.count == 1 && (result.stderr.contains(says) || unresolved), "\(name): \(result.stderr)")
                #expect(try RefusedTreeIntegrationTests().tree(root) == before, "\(name): nothing changed")
                #expect(root.status(root.path + "/run/dockstore.lock") == nil, "\(name): no run lock made")
                if name.contains("dockerd") {
                    #expect(unresolved || result.stdout.contains("kept \(root.mountpoint)/btrfs/subvolumes/\(orphan): created after dockerd"), "\(result.stdout)")
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
