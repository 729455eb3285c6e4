import DockStoreCore
import Foundation
import Testing

/// Attack 33 U F2: migrate-ebs V killed at `shrink` (here at `journal`: nothing on V yet), then
/// a reboot gives V's name to disk W (data in its middle, its first and last MiB zero). Before
/// the point of return the journal's device was matched by its kernel name only, so
/// `migrate-ebs OLDNAME` moved the store onto W. The journal records the target's identity
/// now: the old name is refused, naming V where it is now, nothing changed (W's bytes, the
/// tree); V's new name finishes the move with the store's data.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MigrationRenamedTargetIntegrationTests {
    /// The state both tests start from: the store with a marker, migrate-ebs V killed after its
    /// journal (`method`), the journal edited by `editJournal`, then a reboot that gives V's name
    /// to W (data in its middle, zero ends) and V another name; the boot's provision mounts the store.
    func killedThenRenamed(_ root: TestRoot, method: String, editJournal: (String) throws -> Void = { _ in })
        throws -> (v: String, vNow: String, wFile: String) {
        try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
        try root.write(root.mountpoint + "/marker", "kept\n")
        let v = try root.attachDisk(megabytes: 700)
        let vFile = try root.sh("losetup -nO BACK-FILE '\(v)'").trimmingCharacters(in: .whitespacesAndNewlines)
        let w = try root.attachDisk(megabytes: 700) { file in
            _ = try root.sh("dd if=/dev/urandom of='\(file)' bs=1M seek=100 count=8 conv=notrunc status=none")
        }
        let wFile = try root.sh("losetup -nO BACK-FILE '\(w)'").trimmingCharacters(in: .whitespacesAndNewlines)
        let killed = try root.dockstore(["migrate-ebs", v, "--yes"], environment: ["DOCKSTORE_FAILPOINT": "journal", MigrationMethod.variable: method])
        try #require(killed.signal == SIGKILL, "exit \(killed.status): \(killed.stdout) \(killed.stderr)")
        try editJournal(root.path + MigrationJournal.path.string)
        _ = try root.sh("umount '\(root.mountpoint)' && losetup -d '\(v)' '\(w)'")
        _ = try root.sh("losetup '\(v)' '\(wFile)'")
        let vNow = try root.sh("losetup -f --show '\(vFile)'").trimmingCharacters(in: .whitespacesAndNewlines)
        let boot = try root.dockstore(["provision"])
        try #require(boot.status == 0, "\(boot.stdout)\(boot.stderr)")
        return (v, vNow, wFile)
    }

    @Test func theJournalsOldNameHeldByAnotherDeviceIsRefused() throws {
        try withTestRoot { root in
            let (v, vNow, wFile) = try killedThenRenamed(root, method: "replace")
            let wBefore = try root.sh("md5sum < '\(wFile)'")
            let before = root.snapshot()

            let run = try root.dockstore(["migrate-ebs", v, "--yes"])
            #expect(run.status == 2 && run.stderrLines.count == 1
                    && run.stderr.contains("the open migration is onto \(vNow) (\(v) when the migration began: a reboot renamed it), not \(v); finish it with: dockstore migrate-ebs \(vNow), or undo it with --abort"),
                    "exit \(run.status): \(run.stdout)\(run.stderr)")
            // status names the volume where its identity is now, not the old name (attack 33 V C6c).
            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains("onto \(vNow) (\(v) when the migration began: a reboot renamed it) by replace, phase: ")
                    && status.stdout.contains("(dockstore migrate-ebs \(vNow) finishes it)"), "\(status.stdout)")
            let abort = try root.dockstore(["migrate-ebs", v, "--abort", "--yes"])
            #expect(abort.status == 2 && abort.stderr.contains("not \(v)"), "exit \(abort.status): \(abort.stdout)\(abort.stderr)")
            #expect(try root.sh("md5sum < '\(wFile)'") == wBefore, "W was written")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")

            let finish = try root.dockstore(["migrate-ebs", vNow, "--yes"])
            #expect(finish.status == 0, "\(finish.stdout)\(finish.stderr)")
            #expect(root.read(root.mountpoint + "/marker") == "kept\n")
            #expect(try root.sh("md5sum < '\(wFile)'") == wBefore, "W was written")
        }
    }

    /// Attack 33 V C7a: the same, with the journal as a dockstore before identities wrote it
    /// (no `deviceIdentity`, no `method`): the name is all it has, so the old name, now W's, is
    /// not taken; the refusal and status say why and how to begin again; the abort by that name
    /// touches no device, and the move begun again onto V's name now finishes with the data.
    @Test func aJournalByNameOnlyDoesNotTakeTheNameAfterAReboot() throws {
        try withTestRoot { root in
            let (v, vNow, wFile) = try killedThenRenamed(root, method: "add-remove") { journalPath in
                let data = try #require(FileManager.default.contents(atPath: journalPath))
                var journal = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                try #require(journal.removeValue(forKey: "deviceIdentity") != nil, "\(journal)")
                journal.removeValue(forKey: "method")
                try JSONSerialization.data(withJSONObject: journal).write(to: URL(fileURLWithPath: journalPath))
            }
            let wBefore = try root.sh("md5sum < '\(wFile)'")
            let before = root.snapshot()

            let run = try root.dockstore(["migrate-ebs", v, "--yes"])
            #expect(run.status == 2 && run.stderrLines.count == 1
                    && run.stderr.contains("the open migration's journal names its volume only as \(v) (an older dockstore began it), and nothing was moved onto it yet: after a reboot that name may be another disk, so it is not taken by name; if \(v) is the volume you meant (check its size and contents with lsblk), run dockstore migrate-ebs \(v) --abort, then dockstore migrate-ebs \(v)"),
                    "exit \(run.status): \(run.stdout)\(run.stderr)")
            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains("the journal names the volume only by that name, which a reboot may have given another disk (if \(v) is still the volume: dockstore migrate-ebs \(v) --abort, then dockstore migrate-ebs \(v))")
                    && !status.stdout.contains("finishes it"), "\(status.stdout)")
            #expect(try root.sh("md5sum < '\(wFile)'") == wBefore, "W was written")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")

            let abort = try root.dockstore(["migrate-ebs", v, "--abort", "--yes"])
            #expect(abort.status == 0 && !FileManager.default.fileExists(atPath: root.path + MigrationJournal.path.string), "exit \(abort.status): \(abort.stdout)\(abort.stderr)")
            #expect(try root.sh("md5sum < '\(wFile)'") == wBefore, "the abort wrote W")
            let again = try root.dockstore(["migrate-ebs", vNow, "--yes"])
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            #expect(root.read(root.mountpoint + "/marker") == "kept\n")
            #expect(try root.sh("md5sum < '\(wFile)'") == wBefore, "W was written")
        }
    }
}
