import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The format record is never proof on its own (attack 8, F1 and F2): a re-run finishes a killed
/// format only when the device carries mkfs.btrfs's temporary superblock with the recorded UUID.
/// A device a user's data reached since (another file at the recorded inode number, data written
/// after the kill) is refused, exit 2, its bytes unchanged; the real mkfs.btrfs killed at several
/// of its writes (strace fault injection) converges or is refused as the device then proves.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct FormatRecordProofIntegrationTests {
    /// The bytes a refusal must leave: the first 2 MiB (the data region the attacks wrote), the
    /// first and last MiB of the device, read through the device.
    static func bytes(_ root: TestRoot, _ disk: String) throws -> String {
        try root.sh("head -c 2097152 \(disk) | sha256sum") + (try root.sh("tail -c 1048576 \(disk) | sha256sum"))
    }

    static func expectRefusedUnchanged(_ root: TestRoot, _ disk: String, _ name: String) throws {
        let before = root.snapshot()
        let ends = try root.ends(disk)
        let hashes = try bytes(root, disk)
        let record = try FormatRecordIntegrationTests.record(root)
        let result = try root.dockstore(["provision", "--device", disk])
        #expect(result.status == 2, "\(name): \(result.stderr)")
        #expect(result.stderrLines.count == 1, "\(name): \(result.stderr)")
        #expect(result.stderr.contains("holds data that no known signature describes") && result.stderr.contains(disk) && result.stderr.contains("--force"),
                "\(name): \(result.stderr)")
        #expect(root.changes(since: before) == [], "\(name)")
        #expect(try root.ends(disk) == ends, "\(name): the device's ends are untouched")
        #expect(try bytes(root, disk) == hashes, "\(name): the data region is untouched")
        #expect(try FormatRecordIntegrationTests.record(root) == record, "\(name): the record is kept")
        #expect(root.read(root.fstab) == nil, "\(name)")
    }

    /// F1 as the attacker ran it: kill at format-record; detach; delete the backing file; a new
    /// file gets the freed inode number (ext4 reuses it) and 2 MiB of data no signature describes;
    /// attached, it matches the record's (device, inode, offset, size limit) and size.
    @Test func anotherFileAtTheRecordedInodeIsRefused() throws {
        try withTestRoot { root in
            let host = root.path + "/host"
            try root.sh("mkdir -p '\(host)' && truncate -s 1G '\(host)/vol'")
            var disk = try root.sh("losetup -f --show '\(host)/vol'").trimmingCharacters(in: .whitespacesAndNewlines)
            let killed = try root.dockstore(["provision", "--device", disk], environment: ["DOCKSTORE_FAILPOINT": "format-record"])
            #expect(killed.signal == SIGKILL, "\(killed.stderr)")
            let recorded = try #require(try FormatRecordIntegrationTests.record(root))
            let inode = try root.sh("stat -c %i '\(host)/vol'")
            try root.sh("losetup -d \(disk) && rm '\(host)/vol'")
            var reused = false
            for i in 1...300 where !reused {
                try root.sh(": > '\(host)/f\(i)'")
                if try root.sh("stat -c %i '\(host)/f\(i)'") == inode {
                    try root.sh("mv '\(host)/f\(i)' '\(host)/userdb'")
                    reused = true
                }
            }
            try root.sh("rm -f '\(host)'/f[0-9]*")
            try #require(reused, "ext4 handed out the freed inode \(inode) again")
            try root.sh("truncate -s 1G '\(host)/userdb' && head -c 2M /dev/urandom | dd of='\(host)/userdb' conv=notrunc status=none")
            disk = try root.sh("losetup -f --show '\(host)/userdb'").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try LoopDevice.status(disk)?.backingInode == recorded.identity.loopFileInode, "the record names the new file")
            try Self.expectRefusedUnchanged(root, disk, "another file at the recorded inode")
        }
    }

    /// F2 as the attacker ran it: kill at format-record (before mkfs ran); 2 MiB of random data
    /// written to the device; the re-run refuses it.
    @Test func dataWrittenAfterTheKillIsRefused() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 1024)
            let killed = try root.dockstore(["provision", "--device", disk], environment: ["DOCKSTORE_FAILPOINT": "format-record"])
            #expect(killed.signal == SIGKILL, "\(killed.stderr)")
            #expect(try FormatRecordIntegrationTests.record(root) != nil)
            try root.sh("head -c 2M /dev/urandom | dd of=\(disk) bs=1M conv=fsync status=none")
            try Self.expectRefusedUnchanged(root, disk, "data written after the kill")
        }
    }

    /// The proof is read again when the format acts: planned as a killed format to finish (its
    /// temporary superblock there), stopped before `format-device`, the first 2 MiB overwritten
    /// with data meanwhile: refused, exit 2, the data unchanged, the record kept.
    @Test func theProofIsReadAgainWhenTheFormatActs() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            let record = try #require(try FormatRecordIntegrationTests.killInsideMkfs(root, disk))
            #expect(try BtrfsSuperblock.readTemporary(disk)?.fsid == record.uuid)
            var hashes = ""
            let result = try root.runStopped(["provision", "--device", disk], before: "format-device") {
                try root.sh("head -c 2M /dev/urandom | dd of=\(disk) bs=1M conv=fsync status=none")
                hashes = try Self.bytes(root, disk)
            }
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderrLines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains("\(disk) now holds data that no known signature describes") && result.stderr.contains("unfinished format dockstore recorded"),
                    "\(result.stderr)")
            #expect(try Self.bytes(root, disk) == hashes, "the data written meanwhile is untouched")
            #expect(try FormatRecordIntegrationTests.record(root) == record)
            #expect(root.read(root.fstab) == nil)
        }
    }

    /// A mkfs.btrfs first in PATH that runs the real one under strace, which kills it with
    /// SIGKILL at its `when`-th pwrite64 (counted per thread; the write is not done).
    static func mkfsKilledAt(_ root: TestRoot, write when: Int) throws -> [String: String] {
        let real = try root.sh("command -v mkfs.btrfs").trimmingCharacters(in: .whitespacesAndNewlines)
        let bin = root.path + "/.fakebin"
        try root.write(bin + "/mkfs.btrfs", """
            #!/bin/sh
            exec strace -f -qq -o /dev/null -e trace=pwrite64 -e inject=pwrite64:signal=KILL:when=\(when) '\(real)' "$@"

            """)
        try root.sh("chmod 755 '\(bin)/mkfs.btrfs'")
        return ["PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin")]
    }

    enum After: String, CaseIterable, Sendable { case blank, temporarySuperblock }

    /// (the pwrite64 the real mkfs.btrfs 6.2 is killed at on a 512 MiB device, the state it
    /// leaves). After BLKDISCARD its zeroing thread zeroes the first and last 2 MiB and the
    /// superblock mirrors (its writes 1-5), then its main thread writes 7 tree blocks from 1 MiB
    /// in, the temporary superblock (its 8th), more blocks and temporary superblocks, and the
    /// real magic last. Killed before the temporary superblock, the device holds nothing libblkid
    /// knows and zeros at both ends: blank by dockstore's rule, formatted as any blank device.
    static let kills: [(Int, After)] = [
        (1, .blank),                   // after BLKDISCARD, at the zeroing
        (7, .blank),                   // 6 tree blocks written between 1 and 2 MiB, no superblock yet
        (8, .blank),                   // killed at the temporary superblock's write
        (9, .temporarySuperblock),     // right after the temporary superblock: finished
        (40, .temporarySuperblock),    // inside the transactions that follow: finished
        (64, .temporarySuperblock),    // just before the real magic: finished
    ]

    @Test(arguments: kills)
    func theRealMkfsKilledAtAWrite(_ when: Int, _ after: After) throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            let failed = try root.dockstore(["provision", "--device", disk], environment: try Self.mkfsKilledAt(root, write: when))
            #expect(failed.status != 0 && failed.signal == nil, "\(when): \(failed.stderr)")
            let record = try #require(try FormatRecordIntegrationTests.record(root), "\(when): the record stays")
            let temporary = try BtrfsSuperblock.readTemporary(disk)
            switch after {
            case .blank:
                #expect(BlockProbe.probe(disk) == .blank && temporary == nil, "\(when)")
            case .temporarySuperblock:
                #expect(BlockProbe.probe(disk) == .unrecognizedData, "\(when)")
                #expect(temporary?.fsid == record.uuid, "\(when): the temporary superblock carries the recorded UUID")
            }
            let rerun = try root.dockstore(["provision", "--device", disk])
            #expect(rerun.status == 0, "\(when): \(rerun.stderr)")
            #expect(try root.sh("blkid -p -s UUID -o value \(disk)") == record.uuid + "\n", "\(when): formatted with the recorded UUID")
            #expect(try root.sh("blkid -p -s TYPE -o value \(disk)") == "btrfs\n", "\(when)")
            #expect(root.mounts().map(\.source) == [disk], "\(when)")
            #expect(try FormatRecordIntegrationTests.record(root) == nil, "\(when): the record is forgotten")
        }
    }

    /// The existing fake mkfs (the real one, then its magic scratched back to the temporary one)
    /// leaves what the real mkfs killed after its temporary superblock leaves: that magic and
    /// the recorded UUID as fsid.
    @Test func theFakeKilledMkfsLeavesARealisticState() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            let record = try #require(try FormatRecordIntegrationTests.killInsideMkfs(root, disk))
            #expect(try BtrfsSuperblock.readTemporary(disk)?.fsid == record.uuid)
            #expect(try BtrfsSuperblock.read(disk) == nil)
        }
    }
}
