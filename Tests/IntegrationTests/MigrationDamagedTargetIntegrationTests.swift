import DockStoreCore
import Foundation
import Testing

/// `migrate-ebs` onto a loop device over a file on a small filesystem (outside attack 12, A4: a tmpfs): the
/// kernel's replace "finished" although its writes to the target failed, btrfs went read-only
/// with corruption errors on the target, and a re-run deleted the image (the only complete copy)
/// and printed "Verified". Now the move stops before the point of no return and keeps the
/// image; a re-run refuses the same way; status names it; and a target whose host filesystem
/// cannot hold the move is refused before anything changes.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MigrationDamagedTargetIntegrationTests {
    /// A 2 GiB store with 8 × 64 MiB random files; an ext4 of `megabytes` under the root with a
    /// 3 GiB sparse file in it behind a loop device.
    func setUp(_ root: TestRoot, filesystem megabytes: Int) throws -> (disk: String, file: String, sums: String) {
        try #require(try root.dockstore(["provision", "--size", "2G"]).status == 0)
        try root.sh("for i in $(seq 0 7); do dd if=/dev/urandom of='\(root.mountpoint)'/seed$i bs=1M count=64 status=none; done; sync")
        let sums = try root.checksums()
        let tfs = root.path + "/tfs"
        // A small ext4 of its own, no tmpfs: a loop device over a file in memory is refused as a
        // target before its room is asked (attack 54 X 2).
        try root.sh("mkdir '\(tfs)' && truncate -s \(megabytes)M '\(root.path)/tfs.img' && mkfs.ext4 -q -m 0 '\(root.path)/tfs.img' && mount -o loop '\(root.path)/tfs.img' '\(tfs)' && truncate -s 3G '\(tfs)/vol'")
        let disk = try root.sh("losetup -f --show '\(tfs)/vol'").trimmingCharacters(in: .whitespacesAndNewlines)
        return (disk, tfs + "/vol", sums)
    }

    /// Takes down what `setUp` made in the order it must go: the store, the loop device, the
    /// small ext4. The root's own clean-up would detach that mount lazily first, and the loop device
    /// over a file of a detached mount no longer names a path in the root, so it would stay.
    func release(_ root: TestRoot, _ disk: String) {
        _ = try? root.sh("umount '\(root.mountpoint)' 2>/dev/null; btrfs device scan --forget '\(disk)' 2>/dev/null; losetup -d '\(disk)'; umount '\(root.path)/tfs'")
    }

    /// The bytes the move writes onto the target: the image's allocated chunks and a metadata chunk.
    func bytesToWrite(_ root: TestRoot) throws -> UInt64 {
        let figures = try CapacityProbe.read(mountpoint: root.mountpoint)
        let used = try #require(figures.devices.first).used
        return used + figures.metadataChunkNeed
    }

    @Test func aLoopTargetOverAFileWhoseFilesystemCannotHoldTheMoveIsRefusedUpFront() throws {
        try withTestRoot { root in
            let (disk, file, _) = try setUp(root, filesystem: 200)
            defer { release(root, disk) }
            let need = try bytesToWrite(root)
            let free = try HostSpace.of(root.path + "/tfs").available
            let before = root.snapshot()
            let ends = try root.ends(disk)
            let refused = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(refused.status == 2, "\(refused.stdout) \(refused.stderr)")
            #expect(refused.stderrLines == ["dockstore: refusing: \(disk) is a loop device over \(file), whose filesystem (\(root.path)/tfs) has \(ByteSize.format(free)) free, but the move writes \(ByteSize.format(need)) into it beyond the 0 B it has allocated: its writes would fail and the copy be damaged; free space there, preallocate the file (fallocate), or give a device with room"],
                    "\(refused.stderr)")
            #expect(root.changes(since: before) == [], "nothing under the root changed")
            #expect(try root.ends(disk) == ends, "nothing was written to the target")
            #expect(root.status(root.path + "/var/lib/dockstore/migration.json") == nil, "no journal")
            root.forgetBtrfs([disk])
        }
    }

    @Test func aTargetWhoseWritesFailDuringTheReplaceStopsTheMoveAndKeepsTheImage() throws {
        try withTestRoot { root in
            let (disk, _, sums) = try setUp(root, filesystem: 1800)
            defer { release(root, disk) }
            let image = root.image
            // The filesystem had room when the move was planned; it fills as the replace starts.
            let run = try root.runStopped(["migrate-ebs", disk, "--yes"], before: "replace") {
                _ = try root.sh("fallocate -l $(( $(stat -f -c '%a*%S' '\(root.path)/tfs') - 48*1024*1024 )) '\(root.path)/tfs/fill'")
            }
            let figures = try CapacityProbe.read(mountpoint: root.mountpoint)
            let onDisk = try #require(figures.devices.first)
            let counts = DeviceErrorCounters.names.filter { (onDisk.errors[$0] ?? 0) > 0 }.map { "\($0)=\(onDisk.errors[$0] ?? 0)" }.joined(separator: " ")
            var what: [String] = []
            if figures.condition.readOnly == .forced { what.append("btrfs forced it read-only") }
            if !counts.isEmpty { what.append("devid \(onDisk.devid) (\(onDisk.path)): \(counts)") }
            try #require(!what.isEmpty, "the target's writes failed: \(run.stdout) \(run.stderr)")
            // The kernel finished the replace before the move's watch could cancel it (a small
            // store copies in a few hundred ms), or the watch canceled it (attack 13 X8).
            if run.stderr.contains("during the device replace") {
                #expect(run.status == 1 && run.stderr.contains("the replace was canceled and the store stays on the image \(image), which is still its device"), "\(run.stderr)")
                #expect(try root.checksums() == sums, "DATA: the store on the image reads as before")
                return
            }
            let imageLoops = try root.sh("losetup -n -O NAME -j '\(image)'").split(separator: "\n").map(String.init)
            let member = figures.devices.contains { imageLoops.contains($0.path) }
            let kept = member ? "(not deleted, its loop device not detached), still a member of the store"
                : "(not deleted), which is no longer part of the store: the kernel erased the store's superblock on it when it let go of it, so it does not mount as it is, but its blocks still hold the store as it was then"
            let verdict = "the copy of the store on \(onDisk.path) is damaged (\(what.joined(separator: "; "))): the move stops and keeps the image \(image) \(kept); stop Docker, read the cause (dmesg | grep -i btrfs), look with btrfs device stats \(root.mountpoint) and btrfs scrub start -B \(root.mountpoint) (which files still read), copy off what you need, and keep the image until the store is recovered; re-run migrate-ebs only once scrub finds no errors and the counters are reset (btrfs device stats -z \(root.mountpoint))"
            #expect(run.status == 1, "\(run.stdout) \(run.stderr)")
            #expect(run.stderrLines.last == "dockstore: \(verdict)", "\(run.stderr)")
            #expect(!run.stdout.contains("Verified"), "\(run.stdout)")
            #expect(root.status(image) != nil, "DATA: the image is kept")
            #expect(root.status(image + RetiredImage.suffix) == nil, "the image was not renamed away")
            #expect(root.status(root.path + "/var/lib/dockstore/migration.json") != nil, "the journal stays open")

            for arguments in [["--dry-run"], ["--yes"]] {
                let again = try root.dockstore(["migrate-ebs", disk] + arguments)
                #expect(again.status == 2, "\(arguments): \(again.stdout) \(again.stderr)")
                #expect(again.stderrLines == ["dockstore: refusing: \(verdict)"], "\(arguments): \(again.stderr)")
                #expect(!again.stdout.contains("[delete-image]") && !again.stdout.contains("Verified"), "\(arguments): \(again.stdout)")
                #expect(root.status(image) != nil, "DATA: \(arguments): the image is kept")
            }
            let status = try root.dockstore(["status"])
            #expect(status.status != 0, "\(status.stdout)")
            #expect(status.stdout.contains(verdict), "status names it: \(status.stdout) \(status.stderr)")
            root.forgetBtrfs([disk])
        }
    }
}

/// The target volume fails in the middle of the replace (attack 13 X8: it shrinks under the
/// move, as a failing, detached or cut volume does). The kernel does not stop a replace for
/// write errors: it finished, erased the store's superblock on the image, and left the store on
/// the damaged volume only, reading EIO. Now the move watches the replace's errors and cancels
/// it at the first: the store stays on the image, every byte reads as before.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MigrationFailingTargetIntegrationTests {
    @Test func aTargetThatFailsDuringTheReplaceIsCanceledAndTheStoreStaysOnTheImage() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "3G"]).status == 0)
            try root.sh("dd if=/dev/urandom of='\(root.mountpoint)/big' bs=1M count=1200 status=none; sync")
            let sums = try root.checksums()
            let uuid = try #require(try CapacityProbe.read(mountpoint: root.mountpoint).uuid)
            let file = root.path + "/vol"
            try root.sh("truncate -s 4G '\(file)'")
            let disk = try root.sh("losetup --direct-io=on -f --show '\(file)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("umount '\(root.mountpoint)' 2>/dev/null; btrfs device scan --forget '\(disk)' 2>/dev/null; losetup -d '\(disk)'") }
            let move = Process()
            move.executableURL = URL(fileURLWithPath: TestRoot.binary)
            move.arguments = ["migrate-ebs", disk, "--yes", "--root", root.path]
            move.environment = ProcessInfo.processInfo.environment.merging([MigrationMethod.variable: MigrationMethod.replace.rawValue]) { $1 }
            let stderr = Pipe()
            move.standardOutput = FileHandle.nullDevice
            move.standardError = stderr
            try move.run()
            // A tenth of a second into the copy the volume loses its last 3 GiB.
            try MigrationReplaceIntegrationTests().waitForTheReplace(root, then: 100_000)
            try root.sh("truncate -s 1G '\(file)' && losetup -c \(disk)")
            let said = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            move.waitUntilExit()
            let run = (status: move.terminationStatus, stdout: "", stderr: said,
                       stderrLines: said.split(separator: "\n").map(String.init))
            #expect(run.status == 1, "\(run.stdout) \(run.stderr)")
            #expect(run.stderrLines.last?.hasPrefix("dockstore: writes to \(disk) failed during the device replace (") == true
                    && run.stderr.contains("the replace was canceled and the store stays on the image \(root.image), which is still its device"), "\(run.stderr)")
            #expect(try root.checksums() == sums, "DATA: every file reads as before")
            #expect(try BtrfsSuperblock.read(root.image)?.fsid.lowercased() == uuid.lowercased(), "DATA: the image keeps the store's superblock")
            #expect(try BtrfsDeviceReplace.status(at: root.mountpoint).state != .finished, "the replace did not finish")
            let journal = root.read(root.path + "/var/lib/dockstore/migration.json") ?? ""
            #expect(journal.contains("replace canceled: writes to the target failed"), "\(journal)")
            let abort = try root.dockstore(["migrate-ebs", disk, "--yes", "--abort"])
            #expect(abort.status == 0, "\(abort.stdout) \(abort.stderr)")
            #expect(try root.checksums() == sums, "DATA: after the abort")
            root.forgetBtrfs([disk])
        }
    }
}
