import DockStoreCore
import Foundation
import Testing

/// `migrate-ebs` whose device replace the kernel fails to start (issue 18): a healthy 4 GiB
/// store with 2.5 GiB of files lacks the unallocated room the kernel needs to set its system
/// chunk read-only, so START returns ENOSPC after it wrote the store's superblock (magic
/// zeroed) onto the target. The planner predicts that and moves by add + remove
/// (MigrationReplaceRoomIntegrationTests); forced to replace, as when the prediction misses,
/// the target is recorded like a canceled one: re-run, `--abort` and `provision --device`
/// accept it, the files are untouched, and the remedy (--abort, then
/// DOCKSTORE_MIGRATE_METHOD=add-remove) moves the store and drops the record (a step of its
/// own, killed there and re-run), after which the volume holds the store and provision refuses it.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct MigrationReplaceFailureIntegrationTests {
    @Test func aReplaceTheKernelCannotStartLeavesItsTargetUsable() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "4G"]).status == 0)
            try root.sh("for i in $(seq 0 24); do dd if=/dev/urandom of='\(root.mountpoint)'/f$i bs=1M count=100 status=none; done; sync")
            let sums = try root.sh("cd '\(root.mountpoint)' && b2sum f*")
            let file = root.path + "/ebs8.img"
            try root.sh("truncate -s 8G '\(file)'")
            let disk = try root.sh("losetup -f --show '\(file)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let record = root.path + "/var/lib/dockstore/canceled-replace-targets.json"

            let replace = ["DOCKSTORE_MIGRATE_METHOD": "replace"]
            let failed = try root.dockstore(["migrate-ebs", disk, "--yes"], environment: replace)
            #expect(failed.status == 2 && failed.stderr.contains("No space left on device") && failed.stderr.contains("failed replace target")
                    && failed.stderr.contains("--abort, then move by add + remove (adding the volume gives the store that room) with DOCKSTORE_MIGRATE_METHOD=add-remove dockstore migrate-ebs \(disk)"),
                    "\(failed.stdout) \(failed.stderr)")
            #expect(root.read(record)?.contains("\"device\":\"\(disk)\"") == true, "the failed start records the target: \(root.read(record) ?? "none")")
            let again = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(again.status == 2 && !again.stderr.contains("holds data"), "the re-run retries: \(again.stdout) \(again.stderr)")
            let abort = try root.dockstore(["migrate-ebs", disk, "--abort", "--yes"])
            #expect(abort.status == 0, "\(abort.stdout) \(abort.stderr)")
            #expect(root.status(root.path + "/var/lib/dockstore/migration.json") == nil, "the journal is closed")
            #expect(try root.sh("cd '\(root.mountpoint)' && b2sum f*") == sums, "DATA: the files are untouched")
            let after = try root.dockstore(["migrate-ebs", disk, "--dry-run"])
            #expect(after.status == 0 && !after.stderr.contains("holds data"), "the volume stays usable after --abort: \(after.stdout) \(after.stderr)")
            try root.sh("mkdir -p '\(root.path)/srv'")
            // The device is judged usable (no "holds data"); then the one-store rule refuses a
            // second store beside this root's, which comes after the device's own refusals.
            let plan = try root.dockstore(["provision", "--device", disk, "--dry-run", "--mountpoint", "/srv/docker-b", "--image", "/srv/docker-b.btrfs"])
            #expect(plan.status == 2 && plan.stderr.contains("dockstore keeps one store per root") && !plan.stderr.contains("holds data"),
                    "\(plan.stdout) \(plan.stderr)")
            let addRemove = ["DOCKSTORE_MIGRATE_METHOD": "add-remove"]
            let remedy = try root.dockstore(["migrate-ebs", disk, "--dry-run"], environment: addRemove)
            #expect(remedy.status == 0 && remedy.stdout.contains("[forget-canceled] forget the canceled replace target \(disk) recorded for this store"),
                    "the remedy's plan drops the record once the store moved: \(remedy.stdout) \(remedy.stderr)")
            // Killed right after the record was dropped: the re-run finishes the move without it.
            let killed = try root.dockstore(["migrate-ebs", disk, "--yes"], environment: addRemove.merging(["DOCKSTORE_FAILPOINT": "forget-canceled"]) { $1 })
            #expect(killed.signal == SIGKILL, "killed at forget-canceled: \(killed.stdout) \(killed.stderr)")
            #expect(root.status(record) == nil, "the record is gone once the store is on \(disk): \(root.read(record) ?? "none")")
            let moved = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(moved.status == 0 && moved.stdout.contains("Method: device add + remove") && !moved.stdout.contains("[forget-canceled]"),
                    "the re-run finishes the remedy: \(moved.stdout) \(moved.stderr)")
            #expect(try root.sh("cd '\(root.mountpoint)' && b2sum f*") == sums, "DATA: the files moved unchanged")
            #expect(root.status(root.image) == nil, "the image is gone")
            #expect(try root.dockstore(["check"]).status == 0, "check is OK on the volume")
            // The volume holds the store now: no later provision may format it.
            for arguments in [["--dry-run"], ["--force", "--dry-run"], []] {
                let format = try root.dockstore(["provision", "--device", disk, "--mountpoint", "/srv/docker-b", "--image", "/srv/docker-b.btrfs"] + arguments)
                #expect(!format.stderr.contains("one store per root"), "the device's own refusal comes first: \(format.stderr)")
                #expect(format.status == 2 && !format.stdout.contains("wipe every signature") && !format.stdout.contains("format"),
                        "provision --device \(arguments) refuses the volume that holds the store: \(format.stdout) \(format.stderr)")
            }
            #expect(try root.sh("cd '\(root.mountpoint)' && b2sum f*") == sums, "DATA: the store is untouched after the refusals")
            root.forgetBtrfs([disk])
        }
    }
}
