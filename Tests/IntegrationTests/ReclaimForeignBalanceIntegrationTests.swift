import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 17: an admin starts `btrfs balance start` on the store while reclaim waits at a step
/// (`DOCKSTORE_PAUSE=step:stop`), and pauses it (`btrfs balance pause`, so it holds the
/// exclusive operation until reclaim goes on). Reclaim reports no success for work it did not
/// do: it fails with one line naming `btrfs balance status`, records the run as failed, leaves
/// that balance as it is and keeps the lent room in the journal; a re-run cancels the balance
/// (a balance on a store with an open journal is taken as the interrupted run's) and gives the
/// room back: the store its old size, every file as it was.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ReclaimForeignBalanceIntegrationTests {
    /// Starts a data balance of every chunk (as an admin would, `btrfs balance start -d`) and
    /// pauses it once it runs; started again when one ended before the pause landed.
    func startAndPauseABalance(_ root: TestRoot) throws {
        let mp = root.mountpoint
        var landed = false
        for _ in 0..<5 where !landed {
            let admin = Process()
            admin.executableURL = URL(fileURLWithPath: "/bin/btrfs")
            admin.arguments = ["balance", "start", "-d", mp]
            admin.standardOutput = FileHandle.nullDevice
            admin.standardError = FileHandle.nullDevice
            try admin.run()
            while admin.isRunning, !landed {
                if (try? BtrfsBalance.progress(mp)) != nil {
                    landed = (try? root.run("/bin/btrfs", ["balance", "pause", mp]))?.status == 0
                }
                if !landed { usleep(1_000) }
            }
            admin.waitUntilExit()
        }
        let status = try root.run("/bin/btrfs", ["balance", "status", mp])
        try #require(status.stdout.contains("paused"), "a balance is paused: \(status.stdout) \(status.stderr)")
    }

    func exclusiveOperation(_ root: TestRoot) throws -> String? {
        let uuid = try #require(CapacityProbe.read(mountpoint: root.mountpoint).uuid)
        return root.read("/sys/fs/btrfs/\(uuid)/exclusive_operation")?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(arguments: [("balance", false), ("room-shrink", false), ("room-remove", true)])
    func aBalanceStartedBySomeoneElseAt(_ step: String, _ device: Bool) throws {
        try withTestRoot { root in
            var disk: String? = nil
            if device {
                disk = try root.attachDisk(megabytes: 512)
                try #require(try root.dockstore(["provision", "--device", disk ?? ""]).status == 0)
            } else {
                try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            }
            try root.exhaustMetadata(keepEvery: 4)
            let sums = try root.checksums()
            let size = try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize
            let imageSize = root.status(root.image)?.st_size
            var paused = false
            defer { if paused { _ = try? root.run("/bin/btrfs", ["balance", "cancel", root.mountpoint]) } }
            let result = try root.runStopped(["reclaim"], before: step) {
                try startAndPauseABalance(root)
                paused = true
            }
            #expect(result.status == ExitStatus.failed.rawValue, "\(step): \(result.stdout) \(result.stderr)")
            #expect(result.stderrLines.count == 1, "\(step): one line: \(result.stderr)")
            #expect(result.stderr.contains("btrfs balance status \(root.mountpoint)"), "\(step): \(result.stderr)")
            #expect(!result.stdout.contains("Healthy:"), "\(step): no success reported: \(result.stdout)")
            #expect(try root.lastReclaim()["outcome"] as? String == "failed", "\(step): recorded as failed")
            #expect(try exclusiveOperation(root) == "balance paused", "\(step): the admin's balance is left as it was")
            #expect(root.status(root.reclaimJournal) != nil, "\(step): the journal keeps the run")
            if step != "balance" {
                let lent = try CapacityProbe.read(mountpoint: root.mountpoint)
                #expect(device ? lent.devices.count == 2 : lent.deviceSize > size, "\(step): the room stays lent, recorded in the journal")
                #expect(root.read(root.reclaimJournal)?.contains("\"room\"") == true, "\(step)")
            }
            let again = try root.dockstore(["reclaim"])
            paused = false
            #expect(again.status == 0, "\(step): a re-run finishes: \(again.stdout) \(again.stderr)")
            #expect(try exclusiveOperation(root) == "none", "\(step): no balance is left")
            let f = try CapacityProbe.read(mountpoint: root.mountpoint)
            #expect(f.deviceSize == size, "\(step): btrfs its old size")
            if let disk { #expect(f.devices.map(\.path) == [disk], "\(step): the temporary member is gone") }
            #expect(root.status(root.image)?.st_size == imageSize, "\(step): the image its old size")
            #expect(root.status(root.roomFile) == nil && root.status(root.reclaimJournal) == nil, "\(step)")
            #expect(try root.checksums() == sums, "DATA: \(step): every file as it was")
        }
    }
}
