import DockStoreCore
import Foundation
import Testing

/// `check` runs every minute from cron or Nagios: one hung block device elsewhere on the host
/// (here a loop device over a file on a FUSE mount whose daemon is stopped) must not keep it
/// from answering about its own store (outside attack 12, A13). The scan of other devices'
/// superblocks, the one read check makes of devices not its store's, runs in a child with a
/// deadline: check answers UNKNOWN naming the device while it still hangs, and OK once it
/// answers again.
@Suite(.serialized, .enabled(if: isRoot && hasBindfs, Comment(rawValue: needsBindfs)))
struct CheckHungDeviceIntegrationTests {
    @Test func aHungDeviceElsewhereIsNamedWhileItStillHangs() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            #expect(try root.dockstore(["check"]).status == 0)
            let hung = try HungLoopDevice(in: root)
            defer { hung.release(in: root) }
            try hung.stop(in: root)
            let result = try root.dockstore(["check"])
            #expect(hung.stillHung, "check answered only once the device answered again")
            #expect(result.status == 3, "\(result.stdout) \(result.stderr)")
            #expect(result.stdout.hasPrefix("DOCKSTORE UNKNOWN - cannot tell whether a block copy of the store (same btrfs UUID and devid) is attached: \(hung.device) did not answer a read of its superblock within 5 s"),
                    "\(result.stdout)")
            #expect(result.stdout.split(separator: "\n").count == 1 && result.stderr.isEmpty, "one line: \(result.stdout) \(result.stderr)")
            let json = try root.dockstore(["check", "--format", "json"])
            #expect(hung.stillHung)
            #expect(json.status == 3 && json.stdout.contains("\(hung.device) did not answer"), "\(json.stdout)")
            hung.release(in: root)
            #expect(try root.dockstore(["check"]).status == 0, "OK again once the device answers")
            // The abandoned children end once their read returns: none is left behind.
            var left = ""
            for _ in 0..<100 {
                left = (try? root.sh("pgrep -af -- '\(StoreCopies.childCommand.dropLast())[s]' || true")) ?? "?"
                if left.isEmpty { break }
                usleep(50_000)
            }
            #expect(left.isEmpty, "children left: \(left)")
        }
    }
}
