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
    @Test func theJournalsOldNameHeldByAnotherDeviceIsRefused() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            try root.write(root.mountpoint + "/marker", "kept\n")
            let v = try root.attachDisk(megabytes: 700)
            let vFile = try root.sh("losetup -nO BACK-FILE '\(v)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let w = try root.attachDisk(megabytes: 700) { file in
                _ = try root.sh("dd if=/dev/urandom of='\(file)' bs=1M seek=100 count=8 conv=notrunc status=none")
            }
            let wFile = try root.sh("losetup -nO BACK-FILE '\(w)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let killed = try root.dockstore(["migrate-ebs", v, "--yes"], environment: ["DOCKSTORE_FAILPOINT": "journal", MigrationMethod.variable: "replace"])
            try #require(killed.signal == SIGKILL, "exit \(killed.status): \(killed.stdout) \(killed.stderr)")

            // The reboot: W takes V's name, V comes back under another; the boot mounts the store.
            _ = try root.sh("umount '\(root.mountpoint)' && losetup -d '\(v)' '\(w)'")
            _ = try root.sh("losetup '\(v)' '\(wFile)'")
            let vNow = try root.sh("losetup -f --show '\(vFile)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let boot = try root.dockstore(["provision"])
            try #require(boot.status == 0, "\(boot.stdout)\(boot.stderr)")
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
}
