import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The record of a reclaim that changed the store (chunks relocated, room lent and given
/// back) but cannot be written, because the host filesystem holding /var/lib/dockstore filled
/// up meanwhile: the exit status is the run's (1, with one line naming the record and what to
/// do), never a refusal that says nothing was changed, and no false record takes the old one's
/// place (issue 17, fourth attack, reclaim_host_full_at_record).
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ReclaimRecordIntegrationTests {
    @Test func hostFullAtTheRecordKeepsTheOldRecordAndSaysSo() throws {
        try withTestRoot { root in
            let folder = root.path + "/var/lib/dockstore"
            let host = try root.attachDisk(megabytes: 800)
            try root.sh("mkfs.ext4 -q \(host) && mkdir -p \(folder) && mount \(host) \(folder)")
            defer { _ = try? root.sh("umount \(folder)") }
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            let healthy = try root.dockstore(["reclaim"])
            try #require(healthy.status == 0, "\(healthy.stdout) \(healthy.stderr)")
            let record = folder + "/last-reclaim.json"
            let old = try #require(root.read(record), "the healthy run records itself")
            try root.exhaustMetadata(keepEvery: 4)
            try #require(!root.writesSucceed(), "writes fail with ENOSPC before reclaim")
            let sums = try root.checksums()

            let result = try root.runStopped(["reclaim"], before: ReclaimStep.Kind.finish.rawValue) {
                try #require(FileManager.default.fileExists(atPath: root.reclaimJournal), "the run is under way")
                try root.sh("fallocate -l $(( $(df -B1 --output=avail \(folder) | tail -1) - 4096 )) \(folder)/hog")
            }
            #expect(result.status == 1, "the run changed the store: \(result.stdout) \(result.stderr)")
            #expect(!result.stderr.contains("nothing was changed") && !result.stdout.contains("nothing was changed"), "\(result.stderr)")
            #expect(result.stderrLines.count == 1 && result.stderr.contains(record), "names the record: \(result.stderr)")
            #expect(result.stdout.contains("chunks relocated"), "\(result.stdout)")
            #expect(root.read(record) == old, "the old record stays, no false one: \(root.read(record) ?? "none")")
            #expect(!FileManager.default.fileExists(atPath: root.reclaimJournal), "the journal was removed")
            #expect(!FileManager.default.fileExists(atPath: root.roomFile), "the temporary member was deleted")
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).devices.count == 1, "the temporary member was removed")
            #expect(try root.checksums() == sums, "DATA: every file unchanged")
            #expect(root.writesSucceed(), "the store takes writes again")
        }
    }

    /// A run that never planned writes no record (issue 17): a bad --budget or --io-budget, or
    /// an unknown option, is a usage error (64, one line) that leaves last-reclaim.json, the
    /// journal and every other file as they were. Such a failed unattended run is seen in the
    /// unit's failed state and, once the record ages, in the overdue alert (reclaim.8).
    static let badArguments: [[String]] = [["--budget", "x"], ["--io-budget", "-1"], ["--io-budget", "x"],
                                            ["--budget", "0"], ["--no-such-option"], ["--budget"]]

    @Test func badArgumentsWriteNoRecord() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            let healthy = try root.dockstore(["reclaim"])
            try #require(healthy.status == 0, "\(healthy.stdout) \(healthy.stderr)")
            let record = root.path + "/var/lib/dockstore/last-reclaim.json"
            let old = try #require(root.read(record), "the healthy run records itself")
            let before = root.snapshot()
            for arguments in Self.badArguments {
                let result = try root.dockstore(["reclaim"] + arguments)
                #expect(result.status == ExitStatus.usage.rawValue, "\(arguments): \(result.stdout) \(result.stderr)")
                #expect(result.stderrLines.count == 1 && result.stdout.isEmpty, "\(arguments): one line: \(result.stderr)")
                #expect(root.read(record) == old, "\(arguments): the record is the healthy run's")
                #expect(root.status(root.reclaimJournal) == nil, "\(arguments): no journal")
                #expect(root.changes(since: before) == [], "\(arguments): nothing changed")
            }
        }
    }
}
