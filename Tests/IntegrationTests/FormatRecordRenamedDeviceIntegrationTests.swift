import DockStoreCore
import Foundation
import Testing

/// Attack 33 U F1: `provision --device A` killed after its format record; a reboot gives A's
/// name to disk B (data in its middle, its first and last MiB zero: blank by dockstore's rule).
/// The refusal before the reboot advised `--device NAME`; run after the reboot, that command
/// formatted B and dropped A's record. It is refused now, naming both devices, nothing changed
/// (B's bytes, the record); giving A's new name finishes A's format.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct FormatRecordRenamedDeviceIntegrationTests {
    @Test func theRecordedNameHeldByAnotherDeviceIsRefused() throws {
        try withTestRoot { root in
            let a = try root.attachDisk(megabytes: 400)
            let aFile = try root.sh("losetup -nO BACK-FILE '\(a)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let b = try root.attachDisk(megabytes: 400) { file in
                _ = try root.sh("dd if=/dev/urandom of='\(file)' bs=1M seek=100 count=8 conv=notrunc status=none")
            }
            let bFile = try root.sh("losetup -nO BACK-FILE '\(b)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let killed = try root.dockstore(["provision", "--device", a], environment: ["DOCKSTORE_FAILPOINT": "format-record"])
            try #require(killed.signal == SIGKILL, "\(killed.stdout)\(killed.stderr)")
            let record = root.path + "/var/lib/dockstore/format-record.json"
            try #require(FileManager.default.fileExists(atPath: record))

            // The reboot: B takes A's name, A comes back under another.
            _ = try root.sh("losetup -d '\(a)' '\(b)'")
            _ = try root.sh("losetup '\(a)' '\(bFile)'")
            let aNow = try root.sh("losetup -f --show '\(aFile)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let bBefore = try root.sh("md5sum < '\(bFile)'")
            let before = root.snapshot()

            let run = try root.dockstore(["provision", "--device", a])
            #expect(run.status == 2 && run.stderrLines.count == 1
                    && run.stderr.contains("refusing: a provision --device of \(aNow) (recorded as \(a): a reboot renamed it) was killed before it finished")
                    && run.stderr.contains("and \(a) is another device now (") && run.stderr.contains("which took the recorded name; nothing was changed: finish that format with dockstore provision --device \(aNow), or, to format \(a) instead, remove \(record) and re-run"),
                    "exit \(run.status): \(run.stdout)\(run.stderr)")
            #expect(try root.sh("md5sum < '\(bFile)'") == bBefore, "B was written")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")

            let finish = try root.dockstore(["provision", "--device", aNow])
            #expect(finish.status == 0, "\(finish.stdout)\(finish.stderr)")
            #expect(try root.sh("md5sum < '\(bFile)'") == bBefore, "B was written")
            #expect(!FileManager.default.fileExists(atPath: record))
        }
    }
}
