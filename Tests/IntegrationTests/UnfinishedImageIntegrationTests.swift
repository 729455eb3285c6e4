import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A provision killed (SIGKILL, with its mkfs.btrfs) while the new image is being formatted is
/// finished by the next run: the image's own name never holds a half-formatted file, only the
/// temporary `<image>.dockstore-new`, which the next run removes before it builds the image again.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct UnfinishedImageIntegrationTests {
    /// Starts provision in a process group of its own, waits until its mkfs.btrfs runs, lets it
    /// write for `delay` seconds, then kills the whole group, as `timeout -s KILL` does.
    func killDuringMkfs(_ root: TestRoot, delay: Double) throws {
        let script = """
            setsid "$1" provision --size 256M --root "$2" >/dev/null 2>&1 & p=$!
            for i in $(seq 1 1000); do pgrep -x -s $p mkfs.btrfs >/dev/null && break; sleep 0.005; done
            sleep \(delay); kill -KILL -- -$p 2>/dev/null; wait $p 2>/dev/null; true
            """
        _ = try root.run("/bin/bash", ["-c", script, "kill-during-mkfs", TestRoot.binary, root.path])
        usleep(200_000)
    }

    @Test func aKillDuringMkfsNeverLeavesAHalfFormattedImageAndTheNextRunFinishes() throws {
        let delays = [0.0, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3]
        for delay in delays {
            try withTestRoot { root in
                try killDuringMkfs(root, delay: delay)
                switch BlockProbe.probe(root.image) {
                case .signature("btrfs", _, "docker"?): break
                case .unreadable where root.status(root.image) == nil: break
                case let other: Issue.record("after a kill \(delay) s into mkfs, \(root.image) holds \(other.summary)")
                }
                let rerun = try root.dockstore(["provision", "--size", "256M"])
                #expect(rerun.status == 0, "kill \(delay) s into mkfs: \(rerun.stderr)")
                #expect(root.status(root.image + UnfinishedImage.suffix) == nil, "kill \(delay) s into mkfs: the temporary image is gone")
                #expect(try root.dockstore(["status"]).status == 0, "kill \(delay) s into mkfs")
            }
        }
        reliability("provision killed during mkfs", cases: delays.count, runs: delays.count * 3)
    }

    /// The leftover is removed only as what it was seen to be: one a loop device holds, or a
    /// folder under that name, is refused with nothing changed.
    @Test func aLeftoverThatIsHeldOrNoFileIsRefusedWithNothingChanged() throws {
        try withTestRoot { root in
            let leftover = root.image + UnfinishedImage.suffix
            try root.sh("truncate -s 64M '\(leftover)'")
            let loop = try root.sh("losetup -f --show '\(leftover)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let before = root.snapshot()
            let held = try root.dockstore(["provision", "--size", "256M"])
            #expect(held.status == 2, "\(held.stderr)")
            #expect(held.stderrLines.count == 1 && held.stderr.contains("is attached to \(loop)") && held.stderr.contains("losetup -d"), "\(held.stderr)")
            #expect(root.changes(since: before) == [])
            try root.sh("losetup -d \(loop)")
            let done = try root.dockstore(["provision", "--size", "256M"])
            #expect(done.status == 0, "\(done.stderr)")
            #expect(done.stdout.contains("[remove-unfinished-image]"), "\(done.stdout)")
            #expect(root.status(leftover) == nil)
        }
        try withTestRoot { root in
            try root.sh("mkdir '\(root.image + UnfinishedImage.suffix)'")
            let before = root.snapshot()
            let result = try root.dockstore(["provision", "--size", "256M"])
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("is a folder, not an image dockstore left unfinished"), "\(result.stderr)")
            #expect(root.changes(since: before) == [])
        }
    }

    /// Attack 37 V K-F1: a provision killed with its image unfinished (at the failpoints
    /// create-image and format, a --thick one holding its whole size), then a changing command
    /// of another kind: backend left the file for good. Its sweep removes it now and says so
    /// (the dry run says it would); one a loop device holds, or with a second name, stays;
    /// teardown without --delete-image keeps it as it keeps the image.
    @Test(arguments: ["create-image", "format"])
    func anotherCommandsRunRemovesTheUnfinishedImage(_ failpoint: String) throws {
        try withTestRoot { root in
            let leftover = root.image + UnfinishedImage.suffix
            try root.sh("mkdir -p '\(root.path)/etc/sysconfig'")
            let killed = try root.dockstore(["provision", "--size", "300M", "--thick"], environment: ["DOCKSTORE_FAILPOINT": failpoint])
            try #require(killed.signal == SIGKILL && root.status(leftover) != nil, "\(killed.status) \(killed.stderr)")
            // status says what it holds, as the sweeps do (attack 37 V: only its name was given).
            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains("warning: pending: remove \(leftover) (an image a killed provision left unfinished, 300 MiB allocated); the next provision does it"),
                    "\(status.stdout)\(status.stderr)")
            let kept = try root.dockstore(["teardown"])
            #expect(kept.stdout.contains("kept \(leftover) (an image a killed provision left unfinished"), "\(kept.stdout)\(kept.stderr)")
            #expect(root.status(leftover) != nil, "teardown without --delete-image removed it")
            let dry = try root.dockstore(["backend", "vfs", "--dry-run"])
            #expect(dry.status == 0 && dry.stdout.contains("[debris] a run (not a dry run) also removes \(leftover) (an image a killed provision left unfinished"), "\(dry.stdout)\(dry.stderr)")
            #expect(root.status(leftover) != nil, "the dry run removed it")
            let run = try root.dockstore(["backend", "vfs"])
            #expect(run.status == 0 && run.stdout.hasPrefix("[debris] removed \(leftover) (an image a killed provision left unfinished, 300 MiB allocated)\n"),
                    "\(run.stdout)\(run.stderr)")
            #expect(root.status(leftover) == nil, "backend left \(leftover)")
            // Held by a loop device, or with a second name: not dockstore's to remove, it stays.
            try root.sh("truncate -s 64M '\(leftover)'")
            let loop = try root.sh("losetup -f --show '\(leftover)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("losetup -d \(loop) 2>/dev/null || true") }
            let held = try root.dockstore(["backend", "overlay2"])
            #expect(held.status == 0 && !held.stdout.contains("[debris]") && root.status(leftover) != nil, "\(held.stdout)\(held.stderr)")
            try root.sh("losetup -d \(loop) && ln '\(leftover)' '\(root.path)/var/lib/second-name'")
            let linked = try root.dockstore(["backend", "vfs"])
            #expect(linked.status == 0 && !linked.stdout.contains("[debris]") && root.status(leftover) != nil, "\(linked.stdout)\(linked.stderr)")
            // Attack 38 U D7: a file bind-mounted over that name is not dockstore's leftover.
            try root.sh("rm '\(root.path)/var/lib/second-name' && echo mine > '\(root.path)/mine' && mount --bind '\(root.path)/mine' '\(leftover)'")
            defer { _ = try? root.sh("umount '\(leftover)' 2>/dev/null || true") }
            let mounted = try root.dockstore(["backend", "overlay2"])
            #expect(mounted.status == 0 && !mounted.stdout.contains("[debris]") && root.read(leftover) == "mine\n", "\(mounted.stdout)\(mounted.stderr)")
        }
    }
}
