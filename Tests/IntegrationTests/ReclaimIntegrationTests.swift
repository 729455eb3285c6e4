import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `dockstore reclaim` on real btrfs stores brought to ENOSPC with space in df: it makes
/// room, balances, gives the room back, and every file stays as it was.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ReclaimIntegrationTests {
    /// A 512 MiB thin image store in the metadata-exhaustion state; the data chunks keep a
    /// quarter of their files, so a healthy state by check's rules exists after compaction.
    func exhaustedImageStore(_ root: TestRoot, keepEvery: Int = 4) throws {
        try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
        try root.exhaustMetadata(keepEvery: keepEvery)
        let f = try CapacityProbe.read(mountpoint: root.mountpoint)
        #expect(f.unallocated < f.metadataChunkNeed, "no room for a metadata chunk")
        #expect(!root.writesSucceed(), "writes fail with ENOSPC before reclaim")
    }

    /// The same on a 512 MiB device (a loop device standing in for an EBS volume).
    func exhaustedDeviceStore(_ root: TestRoot, keepEvery: Int = 4) throws -> String {
        let disk = try root.attachDisk(megabytes: 512)
        let provisioned = try root.dockstore(["provision", "--device", disk])
        try #require(provisioned.status == 0, "\(provisioned.stderr)")
        try root.exhaustMetadata(keepEvery: keepEvery)
        #expect(!root.writesSucceed(), "writes fail with ENOSPC before reclaim")
        return disk
    }

    func deviceSize(_ root: TestRoot) throws -> UInt64 { try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize }

    @Test func bringsAnExhaustedImageStoreBack() throws {
        try withTestRoot { root in
            try exhaustedImageStore(root)
            let sums = try root.checksums()
            let size = try deviceSize(root)
            let imageSize = root.status(root.image)?.st_size
            let dry = try root.dockstore(["reclaim", "--dry-run"])
            #expect(dry.status == 0)
            #expect(dry.stdout.contains("first: grow the image"), "\(dry.stdout)")
            #expect(root.status(root.image)?.st_size == imageSize, "a dry run changes nothing")
            let result = try root.dockstore(["reclaim"])
            #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
            #expect(result.stdout.contains("Before: unallocated"))
            #expect(result.stdout.contains("[room-resize] done"))
            #expect(result.stdout.contains("After: unallocated"))
            #expect(result.stdout.contains("Healthy:"), "\(result.stdout)")
            #expect(try root.dockstore(["check"]).status == 0, "check is OK")
            #expect(try root.checksums() == sums, "DATA: every file as it was")
            #expect(try deviceSize(root) == size, "btrfs ends the size it was")
            #expect(root.status(root.image)?.st_size == imageSize, "the image ends the size it was")
            #expect(root.status(root.reclaimJournal) == nil)
            let record = try root.lastReclaim()
            #expect(record["outcome"] as? String == "healthy")
            #expect((record["chunksRelocated"] as? Int ?? 0) > 0)
            #expect((record["unallocatedAfter"] as? Int ?? 0) > (record["unallocatedBefore"] as? Int ?? 0))
            #expect(Set(record.keys) == ["finished", "outcome", "chunksRelocated", "unallocatedBefore", "unallocatedAfter", "bytesRelocated", "fsid"])
            // The filesystem the run was on (outside attack 14, Y-MON-2): check takes another's as no run.
            let uuid = try root.sh("blkid -s UUID -o value '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(record["fsid"] as? String == uuid, "\(record)")
            #expect(root.writesSucceed(), "writes succeed again")
            let again = try root.dockstore(["reclaim", "--json"])
            #expect(again.status == 0)
            let json = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any]
            #expect(json?["outcome"] as? String == "nothing-to-do", "\(again.stdout)")
            #expect(try root.lastReclaim()["outcome"] as? String == "nothing-to-do")
        }
    }

    @Test func reportsFiguresBeforeAndAfterInJSON() throws {
        try withTestRoot { root in
            try exhaustedImageStore(root)
            let result = try root.dockstore(["reclaim", "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let before = try #require(json["before"] as? [String: Any])
            let after = try #require(json["after"] as? [String: Any])
            let f = try CapacityProbe.read(mountpoint: root.mountpoint)
            #expect(after["unallocated"] as? UInt64 == f.unallocated || after["unallocated"] as? Int == Int(f.unallocated))
            #expect((after["metadataFree"] as? Int ?? 0) > (before["metadataFree"] as? Int ?? 0))
            #expect(before["dataFree"] != nil && after["dataFree"] != nil)
            #expect(json["outcome"] as? String == "healthy")
            #expect((json["rounds"] as? [[String: Any]])?.first?["filter"] as? String == "-dusage=0")
            #expect((json["room"] as? [String: Any])?["kind"] as? String == "image")
        }
    }

    @Test func bringsTheIssuesHalfFullGiBStoreBack() throws {
        try withTestRoot { root in
            // The issue's own store: 1 GiB, data chunks all allocated and then half emptied,
            // then 2000-byte files until ENOSPC. Reclaim ends healthy by check's own rules.
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.exhaustMetadata(keepEvery: 2)
            #expect(!root.writesSucceed(), "writes fail with ENOSPC before reclaim")
            let sums = try root.checksums()
            let before = try CapacityProbe.read(mountpoint: root.mountpoint)
            let imageSize = root.status(root.image)?.st_size
            let result = try root.dockstore(["reclaim"])
            let after = try CapacityProbe.read(mountpoint: root.mountpoint)
            let figures = "after: unallocated \(after.unallocated), metadata \(after.metadataUsed)/\(after.metadataSize), chunk need \(after.metadataChunkNeed)"
            #expect(result.status == 0, "\(result.stdout) \(result.stderr) \(figures)")
            #expect(result.stdout.contains("Healthy:"), "\(result.stdout)")
            let check = try root.dockstore(["check"])
            #expect(check.status == 0, "check is OK: \(check.stdout)")
            #expect(after.unallocated > before.unallocated, "unallocated space returned")
            #expect(after.deviceSize == before.deviceSize, "btrfs ends the size it was")
            #expect(root.status(root.image)?.st_size == imageSize, "the image ends the size it was")
            #expect(try root.checksums() == sums, "DATA: every file as it was")
            #expect(root.writesSucceed(), "writes succeed again")
        }
    }

    @Test func bringsAnExhaustedDeviceStoreBackWithATemporaryMember() throws {
        try withTestRoot { root in
            let disk = try exhaustedDeviceStore(root)
            let sums = try root.checksums()
            let size = try deviceSize(root)
            let dry = try root.dockstore(["reclaim", "--dry-run"])
            #expect(dry.stdout.contains("add a temporary"), "\(dry.stdout)")
            let result = try root.dockstore(["reclaim"])
            #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
            #expect(result.stdout.contains("[room-add] done"), "\(result.stdout)")
            #expect(result.stdout.contains("[room-remove] done"))
            #expect(try root.dockstore(["check"]).status == 0, "check is OK")
            #expect(try root.checksums() == sums, "DATA: every file as it was")
            let f = try CapacityProbe.read(mountpoint: root.mountpoint)
            #expect(f.devices.count == 1, "the temporary member is gone")
            #expect(f.devices.first?.path == disk)
            #expect(f.deviceSize == size)
            #expect(root.status(root.roomFile) == nil, "its file is deleted")
            #expect(!root.loopDevices().contains { (try? LoopDevice.backingFile(of: $0)) == root.roomFile })
            #expect(root.status(root.reclaimJournal) == nil)
            #expect(root.writesSucceed())
        }
    }

    @Test func aKillMidBalanceIsFinishedByTheNextRun() throws {
        try withTestRoot { root in
            // Half the files kept: fuller chunks, so the rounds that move them last long
            // enough for the watcher (which reads progress every 25 ms) to see one running.
            try exhaustedImageStore(root, keepEvery: 2)
            let sums = try root.checksums()
            let size = try deviceSize(root)
            let imageSize = root.status(root.image)?.st_size
            let device = try #require(CapacityProbe.read(mountpoint: root.mountpoint).devices.first?.path)
            let killed = try root.dockstore(["reclaim"], environment: [Failpoint.variable: "balance-running"])
            #expect(killed.signal == SIGKILL, "\(killed.stderr)")
            // The kill hit inside the balance ioctl: the kernel's last word on the store's
            // balance is that the fatal signal cancelled it ("balance: canceled"; no budget
            // was near its end), not that it ended (0) or failed.
            // (The killed run's rounds logged last on this device: its own starts and this end.)
            let ended = try balanceLog(root, device).last
            #expect(ended?.hasSuffix("balance: canceled") == true, "a balance was running at the kill: \(ended ?? "none logged")")
            // The kernel cancels a balance whose process gets a fatal signal: nothing runs on.
            let uuid = try #require(CapacityProbe.read(mountpoint: root.mountpoint).uuid)
            let operation = root.read("/sys/fs/btrfs/\(uuid)/exclusive_operation")?.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(operation == "none" || operation == nil, "\(operation ?? "")")
            #expect(root.status(root.reclaimJournal) != nil, "the journal says a reclaim was under way")
            let again = try root.dockstore(["reclaim"])
            #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
            #expect(try root.dockstore(["check"]).status == 0)
            #expect(try deviceSize(root) == size)
            #expect(root.status(root.image)?.st_size == imageSize)
            #expect(root.status(root.reclaimJournal) == nil)
            #expect(try root.checksums() == sums, "DATA: every file as it was")
        }
    }

    /// The kernel's balance messages for the btrfs on `device` (dmesg: "BTRFS info (device
    /// loop3): balance: start …", "… balance: ended with status: 0"), oldest first.
    func balanceLog(_ root: TestRoot, _ device: String) throws -> [String] {
        let name = URL(fileURLWithPath: device).lastPathComponent
        return try root.sh("dmesg").split(separator: "\n").map(String.init)
            .filter { ($0.contains("(device \(name))") || $0.contains("(device \(name) ")) && $0.contains("balance: ") }
    }

    @Test func aTinyIOBudgetStopsAfterItWithTheRoomGivenBack() throws {
        try withTestRoot { root in
            try exhaustedImageStore(root, keepEvery: 2)
            let sums = try root.checksums()
            let size = try deviceSize(root)
            let imageSize = root.status(root.image)?.st_size
            let dry = try root.dockstore(["reclaim", "--dry-run", "--io-budget", "1M", "--budget", "2m"])
            #expect(dry.stdout.contains("stop balancing after 2m or 1 MiB relocated"), "\(dry.stdout)")
            let result = try root.dockstore(["reclaim", "--io-budget", "1M", "--json"])
            #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
            #expect(json["outcome"] as? String == "io-budget-spent", "\(result.stdout)")
            #expect(json["ioBudget"] as? Int == 1 << 20)
            let moved = json["bytesRelocated"] as? Int ?? 0
            #expect(moved >= 1 << 20, "the budget was spent: \(moved)")
            let rounds = try #require(json["rounds"] as? [[String: Any]])
            #expect(rounds.reduce(0) { $0 + ($1["bytes"] as? Int ?? 0) } == moved)
            // It stopped at the round that spent the budget: at most one chunk moved past it.
            let last = try #require(rounds.last)
            #expect((last["relocated"] as? Int ?? 0) >= 1, "\(last)")
            #expect(last["filter"] as? String != "-dusage=\(ReclaimPlanner.dataLevels.last ?? 0)" || last["interrupted"] as? Bool == true, "\(rounds)")
            // Consistent, and the room given back.
            #expect(try root.checksums() == sums, "DATA: every file as it was")
            #expect(try deviceSize(root) == size, "btrfs ends the size it was")
            #expect(root.status(root.image)?.st_size == imageSize, "the image ends the size it was")
            #expect(root.status(root.reclaimJournal) == nil)
            let scrub = try root.run("/bin/btrfs", ["scrub", "start", "-B", root.mountpoint])
            #expect(scrub.status == 0, "scrub finds no error: \(scrub.stdout) \(scrub.stderr)")
            let record = try root.lastReclaim()
            #expect(record["outcome"] as? String == "io-budget-spent")
            #expect(record["bytesRelocated"] as? Int == moved)
            // The next run goes on from there and brings the store back.
            let again = try root.dockstore(["reclaim"])
            #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
            #expect(again.stdout.contains("Healthy:"), "\(again.stdout)")
        }
    }

    @Test func statusAndCheckShowTheRoomAnInterruptedRunLent() throws {
        try withTestRoot { root in
            try exhaustedImageStore(root)
            let size = try deviceSize(root)
            let killed = try root.dockstore(["reclaim"], environment: [Failpoint.variable: "room-resize"])
            #expect(killed.signal == SIGKILL, "\(killed.stderr)")
            let status = try root.dockstore(["status"])
            let row = status.stdout.split(separator: "\n").first { $0.hasPrefix("reclaim:") }.map(String.init) ?? ""
            #expect(row.contains("grown from 512 MiB to"), "\(status.stdout)")
            #expect(row.contains(" lent) since "), "\(row)")
            #expect(row.contains("dockstore reclaim --root /") && row.contains(" --mountpoint /var/lib/docker --image /var/lib/docker-storage.btrfs gives it back"), "\(row)")
            #expect(!row.contains("the run was interrupted"), "a young journal may be a run under way: \(row)")
            let young = try root.dockstore(["check", "--format", "prometheus"])
            #expect(young.stdout.contains("dockstore_reclaim_interrupted{mountpoint=\"\(root.mountpoint)\"} 0\n"), "\(young.stdout)")
            #expect(young.stdout.contains("dockstore_reclaim_room_lent_bytes{mountpoint=\"\(root.mountpoint)\"} "), "\(young.stdout)")
            #expect(!young.stdout.contains("dockstore_reclaim_room_lent_bytes{mountpoint=\"\(root.mountpoint)\"} 0\n"), "room is lent")
            // The journal as an interrupted run leaves it days later.
            var journal = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root.reclaimJournal))) as? [String: Any])
            journal["started"] = 1_000_000
            journal["running"] = 1_000_000
            try JSONSerialization.data(withJSONObject: journal).write(to: URL(fileURLWithPath: root.reclaimJournal))
            let old = try root.dockstore(["check"])
            #expect(old.status >= 1, "an interrupted reclaim is not OK: \(old.stdout)")
            #expect(old.stdout.contains("the run was interrupted; dockstore reclaim --root /"), "\(old.stdout)")
            #expect(old.stdout.contains("--mountpoint /var/lib/docker --image /var/lib/docker-storage.btrfs finishes it and gives the room back"), "\(old.stdout)")
            let metrics = try root.dockstore(["check", "--format", "prometheus"]).stdout
            #expect(metrics.contains("dockstore_reclaim_interrupted{mountpoint=\"\(root.mountpoint)\"} 1\n"), "\(metrics)")
            #expect(metrics.contains("dockstore_reclaim_started_timestamp_seconds{mountpoint=\"\(root.mountpoint)\"} 1000000\n"), "\(metrics)")
            let json = try root.dockstore(["check", "--format", "json"]).stdout
            #expect(json.contains("reclaim_room_lent"), "\(json)")
            #expect(try root.dockstore(["status"]).stdout.contains("the run was interrupted"))
            // dockstore reclaim gives it back, and both are quiet again.
            let again = try root.dockstore(["reclaim"])
            #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
            #expect(try deviceSize(root) == size)
            #expect(!(try root.dockstore(["status"]).stdout.contains("reclaim:")))
            let after = try root.dockstore(["check", "--format", "prometheus"]).stdout
            #expect(after.contains("dockstore_reclaim_room_lent_bytes{mountpoint=\"\(root.mountpoint)\"} 0\n"), "\(after)")
            #expect(try root.dockstore(["check"]).status == 0)
        }
    }

    /// Waits for `process` to have a balance running on the store, then pauses it as an
    /// unmount at shutdown does (close_ctree pauses a balance and keeps its item on disk).
    func pauseBalance(_ root: TestRoot, while process: Process) throws {
        let start = Date()
        // A round can end between seeing it and pausing it: keep trying until a pause lands.
        while process.isRunning, Date().timeIntervalSince(start) < 60 {
            if (try? BtrfsBalance.progress(root.mountpoint)) != nil,
               (try? root.run("/bin/btrfs", ["balance", "pause", root.mountpoint]))?.status == 0 {
                return
            }
            usleep(2_000)
        }
        throw TestFailure("no balance was caught running to pause")
    }

    func startReclaim(_ root: TestRoot) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestRoot.binary)
        process.arguments = ["reclaim", "--root", root.path]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        return process
    }

    @Test func aRebootMidBalanceIsFinishedByTheNextRun() throws {
        try withTestRoot { root in
            // Half the files kept: chunks fuller than a quarter, so rounds still have to move
            // them once the lent member's room has made the store look healthy on its own.
            let disk = try exhaustedDeviceStore(root, keepEvery: 2)
            let sums = try root.checksums()
            let size = try deviceSize(root)
            let reclaim = try startReclaim(root)
            try pauseBalance(root, while: reclaim)
            reclaim.waitUntilExit()
            #expect(reclaim.terminationStatus == 1, "a paused balance stops the run")
            let members = try CapacityProbe.read(mountpoint: root.mountpoint).devices.map(\.path)
            #expect(members.count == 2, "the temporary member stays while the balance is paused")
            // Reboot: unmount (the temporary member's autoclear loop device goes with it), forget.
            try root.sh("umount \(root.mountpoint)")
            root.forgetBtrfs(members)
            usleep(300_000)
            #expect(!root.loopDevices().contains { (try? LoopDevice.backingFile(of: $0)) == root.roomFile }, "detached, as after a reboot")
            let boot = try root.dockstore(["provision", "--device", disk])
            #expect(boot.status == 0, "provision mounts the store with its temporary member: \(boot.stderr)")
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).devices.count == 2)
            let again = try root.dockstore(["reclaim"])
            #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
            let f = try CapacityProbe.read(mountpoint: root.mountpoint)
            #expect(f.devices.count == 1)
            #expect(f.deviceSize == size)
            #expect(root.status(root.roomFile) == nil)
            #expect(root.status(root.reclaimJournal) == nil)
            #expect(try root.dockstore(["check"]).status == 0)
            #expect(try root.checksums() == sums, "DATA: every file as it was")
        }
    }

    @Test func aRebootMidBalanceOfAnImageStoreIsFinishedByTheNextRun() throws {
        try withTestRoot { root in
            // Half the files kept, as in the device case: a balance still has to run to be paused.
            try exhaustedImageStore(root, keepEvery: 2)
            let sums = try root.checksums()
            let size = try deviceSize(root)
            let imageSize = root.status(root.image)?.st_size
            let reclaim = try startReclaim(root)
            try pauseBalance(root, while: reclaim)
            reclaim.waitUntilExit()
            #expect(reclaim.terminationStatus == 1)
            let loops = root.loopDevices()
            try root.sh("umount \(root.mountpoint)")
            root.forgetBtrfs(loops)
            // The mount resumes the paused balance (unless skip_balance); provision must not mind.
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0, "\(boot.stderr)")
            let again = try root.dockstore(["reclaim"])
            #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
            #expect(try deviceSize(root) == size)
            #expect(root.status(root.image)?.st_size == imageSize)
            #expect(root.status(root.reclaimJournal) == nil)
            #expect(try root.dockstore(["check"]).status == 0)
            #expect(try root.checksums() == sums, "DATA: every file as it was")
        }
    }
}
