@testable import DockStoreCore
import Foundation
import Testing

/// Attack 20, E-F3 and E-F4: another root's image store on the same kernel, under the same
/// image path. The kernel names a loop device's backing file by that file's own mounts, so a
/// loop device attached in another mount namespace reads, from here, as bound to this root's
/// image path, where this namespace has no file (or another one).
/// - F3: libmount, told `loop` by the fstab line and finding no image, took that device by its
///   name: `mount -a` mounted the other root's live store. The line dockstore writes has no
///   `loop`; the real libmount reads it here, and the same line with `loop` is the control.
/// - F4: status called that store a device store and advised removing this root's own fstab
///   line; check said UNKNOWN. Now every command names it as another root's store and refuses
///   to change it; check is CRITICAL.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ForeignLoopStoreIntegrationTests {
    /// In a mount namespace of its own, kept by a sleep: a tmpfs over the root's var/lib with a
    /// btrfs image at the root's image path, attached to a loop device (as another root's
    /// provision or libmount would), and a marker file in it.
    final class ForeignStore {
        let loop: String
        let holder: Process

        /// `mounted`: its btrfs stays mounted in its namespace (at a folder of its tmpfs), as a
        /// running root's store is.
        init(_ root: TestRoot, file: String? = nil, blank: Bool = false, mounted: Bool = false) throws {
            let file = file ?? root.image
            let loopFile = root.path + "/.foreign-loop"
            holder = Process()
            holder.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
            holder.arguments = ["--mount", "--propagation", "private", "/bin/sh", "-c", """
                set -e
                # The new namespace copies every mount of the moment: other tests' stores, whose
                # teardown would then refuse (mounted in another namespace). Let go of them here.
                findmnt -rn -o TARGET | grep -F "$5" | sort -r | while read -r t; do umount -l "$t" 2>/dev/null || true; done
                mount -t tmpfs foreign "$1"
                truncate -s 256M "$2"
                [ "$4" = blank ] || mkfs.btrfs -q -L docker "$2" > /dev/null 2>&1
                loop=$(losetup -f --show "$2")
                if [ "$4" != blank ]; then
                  mkdir -p /run/foreign-store-$$ && mount "$loop" /run/foreign-store-$$
                  echo "another root's store" > /run/foreign-store-$$/marker
                  if [ "$6" = mounted ]; then mkdir "$1/docker" && mount "$loop" "$1/docker"; fi
                  umount /run/foreign-store-$$ && rmdir /run/foreign-store-$$
                fi
                echo "$loop" > "$3"
                exec sleep 600
                """, "foreign", root.path + "/var/lib", file, loopFile, blank ? "blank" : "store",
                                (root.path as NSString).deletingLastPathComponent + "/dockstore-test.", mounted ? "mounted" : "free"]
            try holder.run()
            var loop = ""
            for _ in 0..<100 where loop.isEmpty {
                loop = root.read(loopFile)?.trimmingWhitespace() ?? ""
                if loop.isEmpty { usleep(100_000) }
            }
            self.loop = loop
            if loop.isEmpty { stop(root); throw TestFailure("the other root's store was not set up") }
        }

        /// Unmounts it from the root's mountpoint, detaches it, ends its namespace.
        func stop(_ root: TestRoot) {
            if root.mounts().contains(where: { $0.target == root.mountpoint }) { _ = umount2(root.mountpoint, 0) }
            // The namespace goes first: with it, the mount it may hold.
            if holder.isRunning { holder.terminate() }
            holder.waitUntilExit()
            if !loop.isEmpty { try? LoopDevice.detach(loop) }
        }
    }

    @Test func aHandRunMountOfTheStoreLineNeverTakesAnotherRootsLoopDevice() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let written = try #require(FstabFile(bytes: Array((root.read(root.fstab) ?? "").utf8)).entries(mountingAt: HostPaths.defaultMountpoint).first?.entry)
            _ = try root.sh("umount '\(root.mountpoint)' && rm '\(root.image)'")
            let foreign = try ForeignStore(root)
            defer { foreign.stop(root) }
            #expect(root.read("/sys/block/\(foreign.loop.dropFirst(5))/loop/backing_file") == root.image + "\n")
            // The root's line as libmount reads it here: its options, at this namespace's paths.
            func mount(options: [String]) throws -> RunResult {
                let line = FstabEntry(source: root.image, target: root.mountpoint, fstype: "btrfs", options: options, pass: "0")
                try root.write(root.path + "/.fstab", line.rendered + "\n")
                return try root.run("/bin/mount", ["--fstab", root.path + "/.fstab", root.mountpoint])
            }
            #expect(!written.options.contains("loop"), "\(written.rendered)")
            let ours = try mount(options: written.options)
            let mounted = root.mounts().filter { $0.target == root.mountpoint }
            #expect(mounted.isEmpty, "the store's line mounted \(mounted.map(\.source)) (the other root's is \(foreign.loop)): \(ours.stderr)")
            // nofail silences the failure; without it, libmount says why.
            let strict = try mount(options: written.options.filter { $0 != "nofail" })
            #expect(strict.status != 0 && strict.stderr.contains("does not exist") && root.mounts().allSatisfy { $0.target != root.mountpoint },
                    "\(strict.stderr)")
            // The control: `loop`, as older lines carried it, is handed the other root's device.
            let control = try mount(options: written.options + ["loop"])
            #expect(control.status == 0 && root.mounts().first(where: { $0.target == root.mountpoint })?.source == foreign.loop,
                    "the control did not reach the hazard: \(control.stderr)")
            #expect(root.read(root.mountpoint + "/marker") == "another root's store\n")
            _ = umount2(root.mountpoint, 0)
        }
    }

    /// Attack 21 F1: a device store's device that is a loop device over a file this root cannot
    /// see (a host's loop device handed to a container: the boot tier's stand-in for EBS) is
    /// that store, never "another root's": only a name that is this root's image counts.
    @Test func aDeviceStoreOnALoopDeviceOverAFileThisRootCannotSeeIsThatStore() throws {
        try withTestRoot { root in
            let device = try ForeignStore(root, file: root.path + "/var/lib/ebs.img", blank: true)
            defer { device.stop(root) }
            let first = try root.dockstore(["provision", "--device", device.loop])
            try #require(first.status == 0, "\(first.stderr)")
            let again = try root.dockstore(["provision", "--device", device.loop])
            #expect(again.status == 0 && again.stdout.contains("nothing to do"), "\(again.stdout)\(again.stderr)")
            let status = try root.dockstore(["status"])
            #expect(status.status == 0 && status.stdout.contains("state:       in place"), "\(status.stdout)\(status.stderr)")
            let check = try root.dockstore(["check"])
            #expect(check.status == 0 && check.stdout.hasPrefix("DOCKSTORE OK"), "\(check.stdout)\(check.stderr)")
            for arguments in [["grow", "--dry-run"], ["reclaim", "--dry-run"], ["reclaim", "--orphans", "--dry-run"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 0 && !run.stderr.contains("not this root's"), "\(arguments): \(run.stdout)\(run.stderr)")
            }
            let teardown = try root.dockstore(["teardown", "--dry-run"])
            #expect(teardown.status == 0, "\(teardown.stdout)\(teardown.stderr)")
        }
    }

    /// Attack 21 F5 and F2: the image's inode kept at its name through a hard link while the name
    /// the loop device was attached through went ("(deleted)" in the kernel's name) is the image,
    /// not a deleted or replaced one; an image really deleted while mounted keeps reclaim
    /// --orphans off the store (it may be another root's, whose name is gone too).
    @Test func theImageKeptThroughAHardLinkIsTheImageAndADeletedOneIsNotReclaimed() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let keep = root.path + "/var/lib/keep.btrfs"
            _ = try root.sh("ln '\(root.image)' '\(keep)' && rm '\(root.image)' && ln '\(keep)' '\(root.image)' && rm '\(keep)'")
            let loop = try #require(root.mounts().first { $0.target == root.mountpoint }?.source)
            #expect(root.read("/sys/block/\(loop.dropFirst(5))/loop/backing_file") == root.image + " (deleted)\n")
            let check = try root.dockstore(["check"])
            #expect(check.status == 0 && check.stdout.hasPrefix("DOCKSTORE OK"), "\(check.stdout)\(check.stderr)")
            for arguments in [["grow", "--to", "300M", "--dry-run"], ["reclaim", "--dry-run"], ["reclaim", "--orphans", "--dry-run"], ["status"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 0, "\(arguments): \(run.stdout)\(run.stderr)")
            }
            _ = try root.sh("rm '\(root.image)'")
            let orphans = try root.dockstore(["reclaim", "--orphans"])
            #expect(orphans.status == 2 && orphans.stderr.contains("was deleted while mounted") && orphans.stderrLines.count == 1, "\(orphans.stderr)")
        }
    }

    /// Attack 21 F3: check run without root, which can only name loop devices by their backing
    /// file, called another root's live store (same name, mounted in its own namespace) a second
    /// instance of this root's image: CRITICAL, with advice to detach the other root's device.
    /// Mounted as another on-disk filesystem, it is not over this file. The control is a real
    /// second instance of the image, which stays CRITICAL without root.
    @Test func anotherRootsMountedStoreOfTheSameNameIsNoSecondInstance() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            _ = try root.sh("chmod 755 '\(root.path)'")
            let foreign = try ForeignStore(root, mounted: true)
            defer { foreign.stop(root) }
            #expect(root.read("/sys/block/\(foreign.loop.dropFirst(5))/loop/backing_file") == root.image + "\n")
            let held = try BtrfsSysfs.filesystem(withMember: String(foreign.loop.dropFirst(5)))
            try #require(held != nil, "the other root's store is not mounted")
            func nobody() throws -> RunResult {
                try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary, "check", "--root", root.path])
            }
            for (who, run) in [("root", try root.dockstore(["check"])), ("nobody", try nobody())] {
                #expect(run.status == 0 && run.stdout.hasPrefix("DOCKSTORE OK") && !run.stdout.contains(foreign.loop),
                        "\(who): \(run.stdout)\(run.stderr)")
            }
            let second = try root.sh("losetup -f --show '\(root.image)'").trimmingWhitespace()
            let other = root.path + "/mnt/x"
            // A registration an earlier test left under that loop device's name (another fsid)
            // made this mount fail "wrong fs type" twice in long runs (not alone): forgotten first.
            root.forgetBtrfs([second])
            _ = try root.sh("mkdir -p '\(other)' && mount \(second) '\(other)'")
            defer { _ = umount2(other, 0); try? LoopDevice.detach(second) }
            let control = try nobody()
            #expect(control.status == 2 && control.stdout.hasPrefix("DOCKSTORE CRITICAL - \(root.image) is also attached to \(second), which is mounted")
                    && !control.stdout.contains(foreign.loop), "\(control.stdout)\(control.stderr)")
        }
    }

    @Test(arguments: [false, true])
    func everyCommandRefusesAnotherRootsStoreMountedHere(ownImage: Bool) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            _ = try root.sh("umount '\(root.mountpoint)' && rm '\(root.image)'")
            if ownImage {
                try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
                _ = try root.sh("umount '\(root.mountpoint)'")
            }
            let foreign = try ForeignStore(root)
            defer { foreign.stop(root) }
            _ = try root.sh("mount '\(foreign.loop)' '\(root.mountpoint)'")
            let verdict = "\(root.mountpoint) has a store mounted that is not this root's: \(foreign.loop) is bound to a file named \(root.image), yet \(ownImage ? "the file at that path here is another one" : "no file is at that path here")"
            let disk = try root.sh("truncate -s 1G '\(root.path)/disk.img' && losetup -f --show '\(root.path)/disk.img'").trimmingWhitespace()
            let before = root.snapshot()

            let status = try root.dockstore(["status"])
            #expect(status.status == ExitStatus.problems.rawValue, "\(status.stdout)\(status.stderr)")
            #expect(status.stdout.contains("mounted:     no: \(foreign.loop) is mounted at \(root.mountpoint), not this store"), "\(status.stdout)")
            #expect(status.stdout.contains(verdict), "\(status.stdout)")
            #expect(!status.stdout.contains("store:       device"), "\(status.stdout)")
            #expect(!status.stdout.contains("remove that line"), "\(status.stdout)")

            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.hasPrefix("DOCKSTORE CRITICAL - \(verdict)"), "\(check.stdout)\(check.stderr)")
            let json = try root.dockstore(["check", "--format", "json"])
            #expect(json.stdout.contains("\"foreign_store\""), "\(json.stdout)")

            for arguments in [["provision"], ["provision", "--dry-run"], ["teardown", "--delete-image", "--stop-docker"], ["grow"],
                              ["reclaim"], ["reclaim", "--orphans"], ["migrate-ebs", disk, "--yes"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 2 && run.stderr.contains(verdict) && run.stderrLines.count == 1,
                        "\(arguments): exit \(run.status): \(run.stderr)")
            }
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
            #expect(root.mounts().first(where: { $0.target == root.mountpoint })?.source == foreign.loop)
            #expect(root.read(root.mountpoint + "/marker") == "another root's store\n")
            #expect(BlockProbe.probe(disk) == .blank, "\(BlockProbe.probe(disk))")
        }
    }
}
