import DockStoreCore
import Foundation
import Testing

/// Attack 40 S F4: a grow killed after it extended the image (at `extend-image` or
/// `loop-capacity`) left an image larger than its btrfs; a bare `dockstore grow` answered
/// "give the new size with --to SIZE", as for a store in place. It finishes the grow now, to the
/// image's size; once done, a bare grow asks for --to again.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct GrowInterruptedIntegrationTests {
    @Test(arguments: ["extend-image", "loop-capacity"])
    func aBareGrowFinishesAKilledOne(_ failpoint: String) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let killed = try root.dockstore(["grow", "--to", "400M"], environment: ["DOCKSTORE_FAILPOINT": failpoint])
            try #require(killed.signal == SIGKILL, "\(killed.stdout)\(killed.stderr)")
            let finish = try root.dockstore(["grow"])
            #expect(finish.status == 0 && finish.stdout.contains("[resize] resize btrfs device 1 from 256 MiB to its full 400 MiB"), "\(finish.stdout)\(finish.stderr)")
            let size = try root.sh("btrfs filesystem show --raw '\(root.mountpoint)' | awk '/devid/ { print $4 }'").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(size == "\(400 * 1_048_576)", "the store's btrfs is \(size) bytes")
            let again = try root.dockstore(["grow"])
            #expect(again.status == 64 && again.stderr.contains("give the new size with --to SIZE"), "\(again.stdout)\(again.stderr)")
        }
    }
}
