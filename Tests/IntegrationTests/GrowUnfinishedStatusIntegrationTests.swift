import DockStoreCore
import Foundation
import Testing

/// Attack 33 T 17: grow killed after it extended the image file left the btrfs smaller than the
/// file; status said "in place" with no word of it, and provision called the file's size the
/// filesystem's. status warns (a warning: nothing fails, the store only has less room than its
/// image), names the grow that finishes it, and following it clears the warning.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct GrowUnfinishedStatusIntegrationTests {
    @Test(arguments: ["extend-image", "loop-capacity"])
    func aGrowKilledPartWayIsNamedAndFinished(_ failpoint: String) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let killed = try root.dockstore(["grow", "--to", "512M"], environment: ["DOCKSTORE_FAILPOINT": failpoint])
            try #require(killed.signal == SIGKILL, "\(killed.stdout)\(killed.stderr)")
            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains("warning: the btrfs on \(root.image) uses 256 MiB of its 512 MiB file: a grow did not finish (or the file was extended by hand); dockstore grow --to 512M gives the store the rest"),
                    "\(status.stdout)\(status.stderr)")
            let provision = try root.dockstore(["provision", "--size", "256M"])
            #expect(provision.status == 0 && provision.stderr.contains("--size 256 MiB applies only when provision creates the image; \(root.image) exists (a file of 512 MiB holding a btrfs) and is kept as it is"),
                    "\(provision.stdout)\(provision.stderr)")
            let grow = try root.dockstore(["grow", "--to", "512M"])
            #expect(grow.status == 0, "\(grow.stdout)\(grow.stderr)")
            let after = try root.dockstore(["status"])
            #expect(after.status == 0 && !after.stdout.contains("a grow did not finish"), "\(after.stdout)")
        }
    }

    /// Attack 40 S F4: a bare `dockstore grow` answered "give the new size with --to SIZE" in
    /// that state; it finishes the grow now, to the image's size, and asks for --to once done.
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

    /// Attack 41 R F1: grow on an image with chattr +i failed at its first step ("cannot open the
    /// image … immutable"), exit 1, as if it had stopped part-way. An image that cannot be
    /// extended in place (+i, +a) is refused while planning, the dry run too: exit 2, nothing
    /// changed; with the attribute removed the same grow runs.
    /// "ro": the image's filesystem read-only (a recursive bind of /var/lib remounted
    /// read-only, which keeps the store mounted where it is).
    @Test(arguments: ["+i", "+a", "ro"])
    func anImageThatCannotBeExtendedIsRefusedBeforeAnyStep(_ attribute: String) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let lib = root.path + "/var/lib"
            if attribute == "ro" {
                _ = try root.sh("mount --rbind '\(lib)' '\(lib)' && mount -o remount,bind,ro '\(lib)'")
            } else {
                _ = try root.sh("chattr \(attribute) '\(root.image)'")
            }
            defer { _ = try? root.sh(attribute == "ro" ? "umount -R '\(lib)'" : "chattr -i -a '\(root.image)'") }
            let before = root.snapshot()
            let refusal = attribute == "ro"
                ? "dockstore: refusing: the image \(root.image) is on a read-only filesystem, so it cannot be extended: remount it read-write (mount -o remount,rw) and run again"
                : "dockstore: refusing: the image \(root.image) is \(attribute == "+i" ? "immutable (chattr +i)" : "append-only (chattr +a)"), so it cannot be extended: remove that with chattr -\(attribute.dropFirst()) "
            for arguments in [["grow", "--to", "400M", "--dry-run"], ["grow", "--to", "400M"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == ExitStatus.refused.rawValue && run.stderrLines.count == 1 && run.stderr.hasPrefix(refusal)
                        && run.stderr.hasSuffix("nothing was changed\n"), "\(arguments): \(run.stdout)\(run.stderr)")
                #expect(root.changes(since: before).isEmpty, "\(arguments): \(root.changes(since: before))")
            }
            _ = try root.sh(attribute == "ro" ? "umount -R '\(lib)'" : "chattr -\(attribute.dropFirst()) '\(root.image)'")
            let grow = try root.dockstore(["grow", "--to", "400M"])
            #expect(grow.status == 0, "\(grow.stdout)\(grow.stderr)")
        }
    }
}
