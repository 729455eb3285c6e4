import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attack 11 A-7 and B05: the image renamed away while mounted (`mv IMG IMG.old`), perhaps with
/// a copy put at its name. The loop device runs on the renamed file, which the kernel does not
/// mark deleted: check said OK, status called the store a "device" and advised removing its own
/// fstab line, and provision's "unmount it" led the next mount to the stale copy or a new empty
/// store. Now check is CRITICAL naming both paths and "move it back before unmounting", status
/// reports it as the image store's problem, and provision refuses with that advice, changing
/// nothing; following the advice keeps every file.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ImageMovedIntegrationTests {
    func loop(_ root: TestRoot) throws -> String {
        try #require(root.mounts().first { $0.target == root.mountpoint }?.source)
    }

    func check(_ root: TestRoot) throws -> RunResult {
        try root.dockstore(["check", "--state-file", "/errors"])
    }

    /// Attack 13 X14: the store moved by a plain `btrfs replace` onto a loop device over a file
    /// beside the image. Nothing was renamed: the image carries the store's superblock with its
    /// magic zeroed. check is CRITICAL, but says the store left its image; before, it advised
    /// moving the volume's file over the image. Attack 50 T C2: its next advice, migrate-ebs onto
    /// that loop device, made a device store no boot attaches, and check then said OK. The
    /// advice now moves the store back onto its image, which the boot mounts; followed here.
    @Test func aStoreThatLeftItsImageByAPlainReplaceIsNotARename() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            let file = root.path + "/var/lib/vol.img"
            try root.sh("truncate -s 2G '\(file)'")
            let disk = try root.sh("losetup -f --show '\(file)'").trimmingCharacters(in: .whitespacesAndNewlines)
            var back: String? = nil
            defer { _ = try? root.sh("umount '\(root.mountpoint)' 2>/dev/null; btrfs device scan --forget \(disk) 2>/dev/null; losetup -d \(disk); \(back.map { "losetup -d \($0) 2>/dev/null" } ?? ":")") }
            try root.sh("echo kept > '\(root.mountpoint)/kept' && sync && btrfs replace start -B 1 \(disk) '\(root.mountpoint)'")
            let critical = try check(root)
            let verdict = "the store left its image \(root.image): \(disk) at \(root.mountpoint) runs on \(file); fstab still mounts \(root.image), which the store left (the kernel erased its superblock there when a device replace or remove moved the store), so the next boot would not find the store; move the store back onto its image, since no boot attaches \(disk): attach the image (losetup -f --show \(root.image)) and replace device 1 with that loop device (btrfs replace start -B 1 THAT-LOOP-DEVICE \(root.mountpoint)); do not move files"
            #expect(critical.status == 2 && critical.stdout.hasPrefix("DOCKSTORE CRITICAL - \(verdict) | "), "\(critical.stdout)")
            #expect(!critical.stdout.contains("mv ") && !critical.stdout.contains("migrate-ebs"), "no advice to move files or to keep the store on \(disk): \(critical.stdout)")
            let refused = try root.dockstore(["provision"])
            #expect(refused.status == 2 && refused.stderr.contains("so do not unmount it or reboot; move the store back onto its image"), "\(refused.stderr)")

            // Attack 51 U 4a: the advice followed half-way (the image attached), and device 1
            // grown past the image since: the advice names that loop device and grows the image
            // first, never a second attach nor a replace the kernel refuses as too small.
            let loop = try root.sh("losetup -f --show '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            back = loop
            try root.sh("btrfs filesystem resize 1:max '\(root.mountpoint)' >/dev/null")
            let claimed = 2 * 1024 * 1024 * 1024
            let grown = try check(root)
            let advice = "move the store back onto its image, since no boot attaches \(disk): grow the image to the \(claimed) bytes btrfs claims on device 1 (truncate -s \(claimed) \(root.image), then losetup -c \(loop)), then replace device 1 with \(loop), the image's loop device (btrfs replace start -B 1 \(loop) \(root.mountpoint)); do not move files"
            #expect(grown.status == 2 && grown.stdout.contains(advice), "\(grown.stdout)")
            // Attack 52 V F9: an immutable image cannot grow; the advice says to lift that first.
            try root.sh("chattr +i '\(root.image)'")
            defer { _ = try? root.sh("chattr -i '\(root.image)' 2>/dev/null") }
            let locked = try check(root)
            #expect(locked.stdout.contains("(chattr -i -a \(root.image), which is immutable or append-only, then truncate -s \(claimed) \(root.image), then losetup -c \(loop))"), "\(locked.stdout)")

            // The advice, followed: the store is on its image again, as the boot mounts it.
            try root.sh("chattr -i -a '\(root.image)' && truncate -s \(claimed) '\(root.image)' && losetup -c \(loop) && btrfs replace start -B 1 \(loop) '\(root.mountpoint)'")
            let ok = try check(root)
            #expect(ok.status == 0, "\(ok.stdout)")
            #expect(root.read(root.mountpoint + "/kept") == "kept\n")
            #expect(try root.dockstore(["provision"]).status == 0)
            // A reboot: nothing mounted, no loop device, then the boot's provision.
            try root.sh("umount '\(root.mountpoint)' && losetup -d \(loop)")
            let up = try root.dockstore(["provision"])
            #expect(up.status == 0, "\(up.stdout)\(up.stderr)")
            #expect(root.read(root.mountpoint + "/kept") == "kept\n", "the image mounted again holds the store")
            root.forgetBtrfs([disk])
        }
    }

    /// B05: renamed, nothing at the name.
    @Test func aRenamedImageIsCriticalAndProvisionSaysMoveItBack() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            let loop = try loop(root)
            let old = root.image + ".old"
            try root.sh("mv \(root.image) \(old) && echo newer > \(root.mountpoint)/newer && sync")
            let verdict = "the image \(root.image) was moved away while mounted: \(loop) at \(root.mountpoint) runs on \(old); nothing is at \(root.image) now, so the next boot makes a new, empty store there; move it back before unmounting: mv -n \(old) \(root.image)"

            let critical = try check(root)
            #expect(critical.status == 2, "\(critical.stdout)")
            #expect(critical.stdout.hasPrefix("DOCKSTORE CRITICAL - \(verdict) | "), "\(critical.stdout)")
            let prom = try root.dockstore(["check", "--state-file", "/errors", "--format", "prometheus"])
            #expect(prom.stdout.contains("dockstore_status{mountpoint=\"\(root.mountpoint)\",reason=\"image_moved\"} 2"), "\(prom.stdout)")
            #expect(prom.stdout.contains("dockstore_image_deleted{mountpoint=\"\(root.mountpoint)\"} 1"), "\(prom.stdout)")

            let refusal = "refusing: the image \(root.image) was moved away while mounted: \(loop) at \(root.mountpoint) runs on \(old); nothing is at \(root.image) now, so the next boot makes a new, empty store there, so do not unmount it or reboot; move it back before unmounting: mv -n \(old) \(root.image), and re-run"
            let before = root.snapshot()
            let provision = try root.dockstore(["provision"])
            #expect(provision.status == 2, "\(provision.stdout) \(provision.stderr)")
            #expect(provision.stderr == "dockstore: \(refusal)\n", "\(provision.stderr)")
            #expect(root.changes(since: before) == [])

            let status = try root.dockstore(["status"])
            #expect(status.status == 4, "\(status.stdout) \(status.stderr)")
            #expect(status.stdout.hasPrefix("store:       image \(root.image)\nimage:       missing\nmounted:     yes, \(loop) at \(root.mountpoint)\n"), "\(status.stdout)")
            #expect(status.stdout.hasSuffix("state:       1 problem(s); 'dockstore provision' refuses until the first is resolved:\n  - \(refusal)\n"), "\(status.stdout)")
            #expect(!status.stdout.contains("remove that line"), "\(status.stdout)")
            #expect(root.changes(since: before) == [])
            // reclaim and reclaim --orphans (attack 23 H8: they ran and called the store healthy).
            for arguments in [["reclaim"], ["reclaim", "--dry-run"], ["reclaim", "--orphans"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 2 && run.stderr == "dockstore: \(refusal)\n" && run.stdout.isEmpty, "\(arguments): \(run.stdout)\(run.stderr)")
            }
            let json = try root.dockstore(["reclaim", "--json"])
            #expect(json.status == 2 && json.stdout.contains("moved away while mounted"), "\(json.stdout)\(json.stderr)")
            #expect(root.changes(since: before) == [])

            // The advice: move it back; then all is in place, and a reboot keeps every file.
            try root.sh("mv \(old) \(root.image)")
            #expect(try check(root).status == 0)
            let again = try root.dockstore(["provision"])
            #expect(again.status == 0 && again.stdout.contains("nothing to do"), "\(again.stdout) \(again.stderr)")
            try root.sh("umount \(root.mountpoint)")
            root.forgetBtrfs([loop])
            #expect(try root.dockstore(["provision"]).status == 0)
            #expect(root.read(root.mountpoint + "/newer") == "newer\n", "DATA: the file written after the rename")
        }
        reliability("moved image: renamed away while mounted", cases: 1, runs: 1)
    }

    /// A-7: renamed, and a copy (same btrfs UUID) put at the name. Attack 51 U 4b: the advice
    /// `mv IMAGE IMAGE.aside`, followed as printed, overwrote the admin's own IMAGE.aside; it
    /// names a free name beside the image, with `mv -n`.
    @Test func aCopyAtTheImagesNameIsCriticalAndTheAdviceKeepsTheData() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            let loop = try loop(root)
            let orig = root.image + ".orig"
            let theirs = root.image + ".aside"
            try root.sh("echo theirs > \(theirs)")
            try root.sh("mv \(root.image) \(orig) && cp --sparse=always \(orig) \(root.image)")
            try root.sh("echo newer > \(root.mountpoint)/newer && sync")
            let nextBoot = "\(root.image) now holds a copy of the store made before (same btrfs UUID), which the next boot would mount without what was written since"
            let putBack = "move that file aside (mv -n \(root.image) \(root.image).aside.2), then move the image back before unmounting: mv -n \(orig) \(root.image)"

            let critical = try check(root)
            #expect(critical.status == 2, "\(critical.stdout)")
            #expect(critical.stdout.hasPrefix("DOCKSTORE CRITICAL - the image \(root.image) was moved away while mounted: \(loop) at \(root.mountpoint) runs on \(orig); \(nextBoot); \(putBack) | "), "\(critical.stdout)")

            let refusal = "refusing: the image \(root.image) was moved away while mounted: \(loop) at \(root.mountpoint) runs on \(orig); \(nextBoot), so do not unmount it or reboot; \(putBack), and re-run"
            let before = root.snapshot()
            let provision = try root.dockstore(["provision"])
            #expect(provision.status == 2, "\(provision.stdout) \(provision.stderr)")
            #expect(provision.stderr == "dockstore: \(refusal)\n", "\(provision.stderr)")
            #expect(root.changes(since: before) == [])
            let status = try root.dockstore(["status"])
            #expect(status.status == 4, "\(status.stdout) \(status.stderr)")
            #expect(status.stdout.hasPrefix("store:       image \(root.image)\n"), "\(status.stdout)")
            #expect(status.stdout.contains("\nmounted:     yes, \(loop) at \(root.mountpoint)\n"), "\(status.stdout)")
            #expect(status.stdout.hasSuffix("  - \(refusal)\n"), "\(status.stdout)")
            #expect(!status.stdout.contains("remove that line"), "\(status.stdout)")

            // The advice, then a reboot: the store comes back with the file written after the copy.
            try root.sh("mv -n \(root.image) \(root.image).aside.2 && mv -n \(orig) \(root.image)")
            #expect(root.read(theirs) == "theirs\n", "DATA: the file already at \(theirs) was overwritten")
            #expect(try check(root).status == 0)
            try root.sh("umount \(root.mountpoint)")
            root.forgetBtrfs([loop])
            try root.sh("rm \(root.image).aside.2 \(theirs)")
            let boot = try root.dockstore(["provision"])
            #expect(boot.status == 0, "\(boot.stdout) \(boot.stderr)")
            #expect(root.read(root.mountpoint + "/newer") == "newer\n", "DATA: the file written after the copy")
        }
        reliability("moved image: a copy put at the image's name", cases: 1, runs: 1)
    }

    /// B05b: the documented "replaced" state (the loop's file deleted, another file given the
    /// name): status reports the image store and its refusal, never "remove that line".
    @Test func aReplacedImageIsTheImageStoresProblemInStatus() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            let loop = try loop(root)
            try root.sh("cp --sparse=always \(root.image) \(root.image).cp && mv \(root.image).cp \(root.image)")
            let before = root.snapshot()
            let status = try root.dockstore(["status"])
            #expect(status.status == 4, "\(status.stdout) \(status.stderr)")
            #expect(status.stdout.hasPrefix("store:       image \(root.image)\n"), "\(status.stdout)")
            #expect(status.stdout.contains("\nmounted:     yes, \(loop) at \(root.mountpoint)\n"), "\(status.stdout)")
            // check's verdict on the copy, in the same words (attack 52 V F4: status said to move
            // it aside and copy out again, with a new name each time, after check's advice).
            let check = try root.dockstore(["check", "--state-file", "/errors"])
            let verdict = try #require(check.stdout.components(separatedBy: " | ").first?.components(separatedBy: "DOCKSTORE CRITICAL - ").last)
            #expect(verdict.hasPrefix("the image \(root.image) was replaced while mounted by "), "\(check.stdout)")
            #expect(status.stdout.contains("  - refusing: \(verdict); nothing was changed\n"), "\(status.stdout)")
            #expect(!status.stdout.contains("remove that line"), "\(status.stdout)")
            let provision = try root.dockstore(["provision"])
            #expect(provision.status == 2 && provision.stderrLines == ["dockstore: refusing: \(verdict); nothing was changed"], "\(provision.stderr)")
            #expect(root.changes(since: before) == [])
        }
        reliability("moved image: the replaced image in status", cases: 1, runs: 1)
    }
}
