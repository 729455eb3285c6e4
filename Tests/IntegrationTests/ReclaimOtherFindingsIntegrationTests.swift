import DockStoreCore
import Foundation
import Testing

/// Attack 31 R 1f: with a qgroup limit reached, check said CRITICAL while reclaim said "The
/// store is healthy by dockstore check's rules; nothing to do" (exit 0). reclaim has nothing
/// to do, but says so without the all-clear, and names what check still reports that no
/// balance remedies.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ReclaimOtherFindingsIntegrationTests {
    @Test func nothingToBalanceIsNoAllClear() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            _ = try root.sh("btrfs quota enable '\(root.mountpoint)' && btrfs qgroup limit 50M '\(root.mountpoint)'")
            _ = try root.sh("dd if=/dev/zero of='\(root.mountpoint)/fill' bs=1M count=60 2>/dev/null; sync")
            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.contains("qgroup 0/5 limits"), "\(check.stdout)")
            for arguments in [["reclaim", "--budget", "5s", "--dry-run"], ["reclaim", "--budget", "5s"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 0, "\(arguments): \(run.stdout)\(run.stderr)")
                #expect(!run.stdout.contains("healthy"), "\(arguments): \(run.stdout)")
                #expect(run.stdout.contains("No finding of dockstore check that a balance remedies (unallocated space, metadata room); nothing to do.\ndockstore check still reports, which no balance remedies:\n  CRITICAL qgroup_limit: qgroup 0/5 limits"),
                        "\(arguments): \(run.stdout)")
            }
            _ = try root.sh("btrfs quota disable '\(root.mountpoint)'")
            let quiet = try root.dockstore(["reclaim", "--budget", "5s"])
            #expect(quiet.status == 0 && !quiet.stdout.contains("still reports"), "\(quiet.stdout)")
        }
    }
}
