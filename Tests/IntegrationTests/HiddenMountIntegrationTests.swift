import DockStoreCore
import Foundation
import Testing

/// Attack 43 P C10: `mount --bind /var/lib /var/lib` over a mounted store hides it: the mount
/// table still lists the store at the mountpoint, but a path there reaches the bind's folder.
/// check said "nothing is mounted … dockstore provision", and provision, status, grow and
/// teardown read the bind's ext4 as the store and failed "Inappropriate ioctl for device".
/// Each says now that a later mount at /var/lib hides the store and to unmount it once, and
/// changes nothing; with a dockerd on the data root, check says CRITICAL; after the umount the
/// store is there as it was.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct HiddenMountIntegrationTests {
    @Test func aBindOfAFolderAboveTheStoreIsNamedByEveryCommand() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            try root.sh("echo data > \(root.mountpoint)/keep && sync")
            let lib = root.path + "/var/lib"
            try root.sh("mount --bind '\(lib)' '\(lib)'")
            var bound = true
            defer { if bound { _ = try? root.sh("umount '\(lib)'") } }
            let hidden = "is hidden by a mount at \(lib) ("
            let remedy = "umount \(lib) once to uncover the store"
            let before = root.snapshot()

            let check = try root.dockstore(["check"])
            #expect(check.status == 3 && check.stdout.hasPrefix("DOCKSTORE UNKNOWN - nothing is reachable at \(root.mountpoint): the btrfs /dev/loop")
                    && check.stdout.contains(hidden) && check.stdout.contains(remedy) && !check.stdout.contains("provision"), "\(check.stdout)")
            _ = try root.sh("chmod 755 '\(root.path)'")
            let nobody = try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary, "check", "--root", root.path])
            #expect(nobody.status == 3 && nobody.stdout.contains(hidden) && nobody.stdout.contains(remedy), "\(nobody.stdout)\(nobody.stderr)")

            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains(hidden) && status.stdout.contains(remedy)
                    && !status.stdout.contains("Inappropriate ioctl"), "\(status.stdout)\(status.stderr)")
            for arguments in [["backend"], ["backend", "overlay2"], ["backend", "overlay2", "--dry-run"], ["backend", "btrfs"], ["provision"], ["grow", "--to", "512M"], ["grow", "--to", "512M", "--dry-run"],
                              ["teardown", "--dry-run"], ["teardown"], ["teardown", "--delete-image"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == ExitStatus.refused.rawValue && run.stderr.contains(hidden) && run.stderr.contains(remedy)
                        && !run.stderr.contains("Inappropriate ioctl"), "\(arguments): \(run.status) \(run.stdout)\(run.stderr)")
            }
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")

            let pid = try TeardownIntegrationTests().spawnStandIn(root)
            defer { TeardownIntegrationTests.end(pid) }
            try root.write(root.path + "/run/docker.pid", "\(pid)\n")
            let critical = try root.dockstore(["check"])
            #expect(critical.status == 2 && critical.stdout.hasPrefix("DOCKSTORE CRITICAL - the btrfs /dev/loop") && critical.stdout.contains(hidden)
                    && critical.stdout.contains("and dockerd (pid \(pid)) runs with its data root there") && critical.stdout.contains("umount \(lib) once"),
                    "\(critical.stdout)")
            TeardownIntegrationTests.end(pid)
            try FileManager.default.removeItem(atPath: root.path + "/run/docker.pid")

            try root.sh("umount '\(lib)'")
            bound = false
            let after = try root.dockstore(["check"])
            #expect(after.status == 0, "\(after.stdout)")
            #expect(root.read(root.mountpoint + "/keep") == "data\n", "DATA: the store's files")
            // A filesystem mounted at /var/lib without the mountpoint's folder: hidden all the same.
            try root.sh("mount -t tmpfs cover '\(lib)'")
            let tmpfs = try root.dockstore(["check"])
            let grow = try root.dockstore(["grow", "--to", "512M"])
            try root.sh("umount '\(lib)'")
            #expect(tmpfs.status == 3 && tmpfs.stdout.contains("is hidden by a mount at \(lib) (tmpfs cover)") && tmpfs.stdout.contains(remedy), "\(tmpfs.stdout)")
            #expect(grow.status == ExitStatus.refused.rawValue && grow.stderr.contains("is hidden by a mount at \(lib) (tmpfs cover)"), "\(grow.stdout)\(grow.stderr)")
            // A recursive bind keeps the store where it was: nothing is hidden.
            try root.sh("mount --rbind '\(lib)' '\(lib)'")
            defer { _ = try? root.sh("umount -R '\(lib)'") }
            let rbind = try root.dockstore(["check"])
            #expect(rbind.status == 0, "\(rbind.stdout)")
            // Attack 45 N E: teardown names the bind that copies the store, not "the others".
            let teardown = try root.dockstore(["teardown"])
            #expect(teardown.status == ExitStatus.refused.rawValue && teardown.stderr.contains("because the mount at \(lib) copied it")
                    && teardown.stderr.contains("umount -R \(lib)"), "\(teardown.stdout)\(teardown.stderr)")
        }
    }
    /// Attack 44 O 1g, 1h, 1i: a recursive bind of another root's /var/lib over this root's
    /// brings that root's store to this mountpoint. provision said "Docker's storage is in
    /// place", reclaim planned a balance of the other store and check called it "mounted over
    /// the store". Each names the bind, which brings a folder from outside this root into it
    /// (`ForeignTreeMount`, attack 45 N G), before the store it hides.
    @Test func anotherRootsStoreBroughtByARecursiveBindIsNotTakenForThisOne() throws {
        try withTestRoot { root in try withTestRoot { other in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            try #require(try other.dockstore(["provision", "--size", "256M"]).status == 0)
            try root.sh("echo data > \(root.mountpoint)/keep && sync")
            let theirs = try root.sh("findmnt -rn -o SOURCE '\(other.mountpoint)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let lib = root.path + "/var/lib"
            try root.sh("mount --rbind '\(other.path)/var/lib' '\(lib)'")
            var bound = true
            defer { if bound { _ = try? root.sh("umount -R '\(lib)'") } }
            let hidden = "\(lib) inside \(root.path) is a mount of the folder \(other.path)/var/lib of "
            let reaches = "umount -R \(lib)"
            #expect(!theirs.isEmpty)
            let before = root.snapshot()
            let check = try root.dockstore(["check"])
            #expect(check.status == 3 && check.stdout.contains(hidden) && check.stdout.contains(reaches)
                    && !check.stdout.contains("mounted over"), "\(check.stdout)")
            for arguments in [["provision"], ["reclaim", "--dry-run"], ["reclaim"], ["grow", "--to", "512M"], ["teardown", "--dry-run"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == ExitStatus.refused.rawValue && run.stderr.contains(hidden) && run.stderr.contains(reaches),
                        "\(arguments): \(run.status) \(run.stdout)\(run.stderr)")
            }
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains(hidden), "\(status.stdout)\(status.stderr)")
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
            let theirCheck = try other.dockstore(["check"])
            #expect(theirCheck.status == 0, "\(theirCheck.stdout)")
            try root.sh("umount -R '\(lib)'")
            bound = false
            let after = try root.dockstore(["check"])
            #expect(after.status == 0, "\(after.stdout)")
            #expect(root.read(root.mountpoint + "/keep") == "data\n", "DATA: the store's files")
        } }
    }

    /// Attack 44 O 1j: status of a hidden device store exited 1 with one line; it is a problem
    /// (exit 4), as for an image store, and the other commands refuse naming the bind.
    @Test func aHiddenDeviceStoreIsAStatusProblem() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            let lib = root.path + "/var/lib"
            try root.sh("mount --bind '\(lib)' '\(lib)'")
            defer { _ = try? root.sh("umount '\(lib)'") }
            let hidden = "the btrfs \(disk) mounted at \(root.mountpoint) is hidden by a mount at \(lib) ("
            let before = root.snapshot()
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && status.stdout.contains(hidden), "\(status.status) \(status.stdout)\(status.stderr)")
            for arguments in [["provision", "--device", disk], ["backend", "overlay2"], ["teardown", "--wipe-device"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == ExitStatus.refused.rawValue && run.stderr.contains(hidden), "\(arguments): \(run.status) \(run.stdout)\(run.stderr)")
            }
            #expect(root.changes(since: before).isEmpty, "\(root.changes(since: before))")
        }
    }

    /// Attack 45 N G: with this root's store unmounted, a recursive bind of another root's
    /// /var/lib over this root's: check said OK about the other store, provision "in place", and
    /// teardown, after its advice to unmount the other root's store, deleted that root's
    /// folders and records through the bind. Every command refuses naming the bind, and the
    /// other root is left as it was.
    @Test func anotherTreesFolderBoundIntoThisRootIsRefusedByEveryCommand() throws {
        try withTestRoot { root in try withTestRoot { other in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            try #require(try other.dockstore(["provision", "--size", "256M"]).status == 0)
            try other.sh("echo theirs > \(other.mountpoint)/keep && sync")
            let ours = try root.sh("findmnt -rn -o SOURCE '\(root.mountpoint)'").trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try root.sh("umount '\(root.mountpoint)' && (losetup -d \(ours) 2>/dev/null || true)")
            let lib = root.path + "/var/lib"
            try root.sh("mount --rbind '\(other.path)/var/lib' '\(lib)'")
            var bound = true
            defer { if bound { _ = try? root.sh("umount -R '\(lib)'") } }
            let said = "\(lib) inside \(root.path) is a mount of the folder "
            let theirs = other.snapshot()
            let check = try root.dockstore(["check"])
            #expect(check.status == 3 && check.stdout.contains(said) && check.stdout.contains("umount -R \(lib)"), "\(check.stdout)")
            for arguments in [["provision"], ["status"], ["teardown"], ["teardown", "--delete-image"], ["reclaim"], ["grow", "--to", "512M"],
                              ["backend", "overlay2"], ["provision", "--dry-run"]] {
                let run = try root.dockstore(arguments)
                let text = run.stdout + run.stderr
                #expect((run.status == ExitStatus.refused.rawValue || (arguments == ["status"] && run.status == 4)) && text.contains(said),
                        "\(arguments): \(run.status) \(text)")
            }
            #expect(other.changes(since: theirs).isEmpty, "DATA: the other root changed: \(other.changes(since: theirs))")
            try root.sh("umount -R '\(lib)'")
            bound = false
            #expect(other.read(other.mountpoint + "/keep") == "theirs\n", "DATA: the other root's store")
            let mine = try root.dockstore(["provision"])
            #expect(mine.status == 0, "\(mine.stdout)\(mine.stderr)")
            let check2 = try other.dockstore(["check"])
            #expect(check2.status == 0, "\(check2.stdout)")
        } }
    }

    /// Attack 46 P F5, F6: another root's store mounted at this root's mountpoint (by hand, or by
    /// propagation) was called this root's image "moved away while mounted", and the advice
    /// moved the other root's live image into this tree; on a tree with nothing configured
    /// check said OK about it and teardown advised unmounting the other root's mountpoint. A
    /// loop member over a file outside --root is another root's store where the tree configures
    /// an image: named, never acted on. (With nothing configured it may as well be a volume lent
    /// to the tree, which `MountpointLinkIntegrationTests` reads as the store.)
    @Test(arguments: [true])
    func anotherRootsStoreMountedAtThisRootsMountpointIsNotThisRootsStore(thisRootProvisioned: Bool) throws {
        try withTestRoot { root in try withTestRoot { other in
            try #require(try other.dockstore(["provision", "--size", "256M"]).status == 0)
            try other.sh("echo theirs > \(other.mountpoint)/keep && sync")
            if thisRootProvisioned {
                try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
                let ours = try root.sh("findmnt -rn -o SOURCE '\(root.mountpoint)'").trimmingCharacters(in: .whitespacesAndNewlines)
                _ = try root.sh("umount '\(root.mountpoint)' && (losetup -d \(ours) 2>/dev/null || true)")
            } else {
                _ = try root.sh("mkdir -p '\(root.mountpoint)'")
            }
            let theirLoop = try other.sh("findmnt -rn -o SOURCE '\(other.mountpoint)'").trimmingCharacters(in: .whitespacesAndNewlines)
            try root.sh("mount '\(theirLoop)' '\(root.mountpoint)'")
            var mounted = true
            defer { if mounted { _ = try? root.sh("umount '\(root.mountpoint)'") } }
            let theirs = other.snapshot()
            let mine = root.snapshot()
            let said = "\(theirLoop) is bound to \(other.image), which is a file outside --root \(root.path)"
            let check = try root.dockstore(["check"])
            if thisRootProvisioned {
                #expect(check.status == 2 && check.stdout.contains("has a store mounted that is not this root's: \(theirLoop) is bound to \(other.image), a file outside --root \(root.path)")
                        && !check.stdout.contains("moved away") && !check.stdout.contains("mv "), "\(check.stdout)")
            } else {
                #expect(check.status == 3 && check.stdout.contains(said), "\(check.stdout)")
            }
            for arguments in [["provision"], ["teardown"], ["teardown", "--dry-run"], ["reclaim"], ["grow", "--to", "512M"]] {
                let run = try root.dockstore(arguments)
                let text = run.stdout + run.stderr
                #expect(run.status == ExitStatus.refused.rawValue && !text.contains("moved away") && !text.contains("umount \(other.mountpoint)")
                        && !text.contains("mv "), "\(arguments): \(run.status) \(text)")
            }
            let status = try root.dockstore(["status"])
            #expect(status.status == 4 && !status.stdout.contains("store:       device"), "\(status.stdout)")
            #expect(other.changes(since: theirs).isEmpty, "DATA: the other root changed: \(other.changes(since: theirs))")
            #expect(root.changes(since: mine).isEmpty, "\(root.changes(since: mine))")
            #expect(other.read(other.mountpoint + "/keep") == "theirs\n", "DATA: the other root's store")
            try root.sh("umount '\(root.mountpoint)'")
            mounted = false
            let check2 = try other.dockstore(["check"])
            #expect(check2.status == 0, "\(check2.stdout)")
            let again = try root.dockstore(["provision"])
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        } }
    }

    /// Attack 46 P F1: /var a btrfs subvolume mounted with subvol=@var, as SUSE lays out its
    /// root, was refused by every command as "a bind of another tree's folder", and the advice
    /// (umount -R ROOT/var) made provision write under the mount every boot makes again. A
    /// mount of a whole subvolume is part of the tree; a bind of a folder inside another
    /// subvolume, which is in no tree, is still refused.
    @Test func aSubvolumeMountedInTheTreeIsPartOfIt() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 1024) { try root.sh("mkfs.btrfs -q '\($0)'") }
            defer { root.forgetBtrfs([disk]) }
            let top = root.path + "/top"
            try root.sh("mkdir -p '\(top)' && mount '\(disk)' '\(top)' && btrfs -q subvolume create '\(top)/@var' && btrfs -q subvolume create '\(top)/@other'"
                        + " && mkdir -p '\(top)/@var/lib' '\(top)/@other/lib' && umount '\(top)'")
            let varFolder = root.path + "/var"
            try root.sh("mount -o subvol=@var '\(disk)' '\(varFolder)'")
            var mounted = [varFolder]
            defer { for target in mounted.reversed() { _ = try? root.sh("umount -R '\(target)'") } }
            let provision = try root.dockstore(["provision", "--size", "256M"])
            #expect(provision.status == 0, "\(provision.stdout)\(provision.stderr)")
            let check = try root.dockstore(["check"])
            #expect(check.status == 0, "\(check.stdout)")
            let inSubvolume = try root.sh("mount -o subvol=/ '\(disk)' '\(top)' && (test -f '\(top)/@var/lib/docker-storage.btrfs' && echo yes || echo no); umount '\(top)'")
            #expect(inSubvolume.hasPrefix("yes"), "the image is not in the subvolume @var: \(inSubvolume)")
            let teardown = try root.dockstore(["teardown", "--delete-image"])
            #expect(teardown.status == 0, "\(teardown.stdout)\(teardown.stderr)")
            // A folder of a subvolume mounted nowhere in the tree, bound into it: foreign.
            let other = root.path + "/other-mount"
            try root.sh("mkdir -p '\(other)' && mount -o subvol=@other '\(disk)' '\(other)' && umount '\(other)'")
            try root.sh("mount -o subvol=@other '\(disk)' '\(top)' && mount --bind '\(top)/lib' '\(varFolder)/lib' && umount '\(top)'")
            mounted.append(varFolder + "/lib")
            let refused = try root.dockstore(["provision", "--size", "256M"])
            #expect(refused.status == ExitStatus.refused.rawValue && refused.stderr.contains("\(varFolder)/lib inside \(root.path) is a mount of the folder /@other/lib"),
                    "\(refused.stdout)\(refused.stderr)")
        }
    }

    /// Attack 46 P F2: an overlay on this root's /var/lib whose lower layer is another root's
    /// /var/lib: check said "nothing is mounted", and provision opened the other root's image
    /// for writing, which copied it up into the overlay, a block copy of the other store that
    /// its own next provision refused. An overlay with a layer outside the tree is refused by
    /// every command; one whose layers are all in the tree is part of it.
    @Test func anOverlayShowingAnotherTreesFolderIsRefusedByEveryCommand() throws {
        try withTestRoot { root in try withTestRoot { other in
            try #require(try other.dockstore(["provision", "--size", "256M"]).status == 0)
            _ = try other.sh("umount '\(other.mountpoint)'")
            let lib = root.path + "/var/lib"
            let (upper, work) = (root.path + "/../overlay-upper-\(UUID().uuidString.prefix(8))", root.path + "/../overlay-work-\(UUID().uuidString.prefix(8))")
            try root.sh("mkdir -p '\(upper)' '\(work)' && mount -t overlay overlay -o 'lowerdir=\(other.path)/var/lib,upperdir=\(upper),workdir=\(work)' '\(lib)'")
            var mounted = true
            defer {
                if mounted { _ = try? root.sh("umount '\(lib)'") }
                _ = try? root.sh("rm -rf '\(upper)' '\(work)'")
            }
            let theirs = other.snapshot()
            let said = "\(lib) inside \(root.path) is an overlay filesystem with the layer \(other.path)/var/lib, which is not in that tree"
            let check = try root.dockstore(["check"])
            #expect(check.status == 3 && check.stdout.contains(said), "\(check.stdout)")
            for arguments in [["provision"], ["status"], ["teardown"], ["reclaim"], ["grow", "--to", "512M"], ["backend", "overlay2"], ["provision", "--dry-run"]] {
                let run = try root.dockstore(arguments)
                let text = run.stdout + run.stderr
                #expect((run.status == ExitStatus.refused.rawValue || (arguments == ["status"] && run.status == 4)) && text.contains(said), "\(arguments): \(run.status) \(text)")
            }
            let copiedUp = try root.sh("ls -A '\(upper)'")
            #expect(copiedUp.isEmpty, "DATA: copied up into the overlay: \(copiedUp)")
            #expect(other.changes(since: theirs).isEmpty, "DATA: the other root changed: \(other.changes(since: theirs))")
            try root.sh("umount '\(lib)'")
            mounted = false
            let again = try other.dockstore(["provision"])
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            // Layers in the tree: part of it.
            try root.sh("mkdir -p '\(root.path)/ovl/lower/' '\(root.path)/ovl/upper' '\(root.path)/ovl/work' && mount -t overlay overlay -o 'lowerdir=\(root.path)/ovl/lower,upperdir=\(root.path)/ovl/upper,workdir=\(root.path)/ovl/work' '\(lib)'")
            mounted = true
            let own = try root.dockstore(["provision", "--size", "256M"])
            #expect(own.status == 0, "\(own.stdout)\(own.stderr)")
            let teardown = try root.dockstore(["teardown", "--delete-image"])
            #expect(teardown.status == 0, "\(teardown.stdout)\(teardown.stderr)")
        } }
    }

    /// Attack 46 P F3, F4: while the store was mounted and unmounted at the mountpoint again and
    /// again, the commands said the store "is hidden by a mount at / … umount / once" (the
    /// table read before the unmount, the path asked after it), and provision failed with
    /// "Inappropriate ioctl for device" (exit 1). No command names a cover listed before what it
    /// hides, and provision observes again when the mount table changed under a failed read.
    @Test func mountsComingAndGoingAreNeverACover() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            _ = try root.sh("umount '\(root.mountpoint)'")
            let loop = try root.sh("losetup -f --show '\(root.image)'").trimmingCharacters(in: .whitespacesAndNewlines)
            try root.racing("while :; do mount '\(loop)' '\(root.mountpoint)' 2>/dev/null; umount '\(root.mountpoint)' 2>/dev/null; done",
                            cleanUp: "while umount '\(root.mountpoint)' 2>/dev/null; do :; done; losetup -d \(loop)") {
                var seen: [String] = []
                for _ in 0..<15 {
                    for arguments in [["provision", "--dry-run"], ["check"], ["teardown", "--dry-run"], ["reclaim", "--dry-run"]] {
                        let run = try root.dockstore(arguments)
                        let text = run.stdout + run.stderr
                        #expect(!text.contains("a mount at / (") && !text.contains("umount / once"), "\(arguments): \(text)")
                        if arguments == ["provision", "--dry-run"] {
                            #expect(run.status == 0 || (run.status == ExitStatus.refused.rawValue && !text.contains("Inappropriate ioctl")), "\(arguments): \(run.status) \(text)")
                        }
                        seen.append("\(arguments.first ?? "") \(run.status)")
                    }
                }
                #expect(seen.contains("provision 0"), "\(seen)")
            }
        }
    }

    /// Attack 48 R C7, C8: a whole subvolume is part of the tree only when it is not also
    /// mounted outside it: `mount --bind A/var B/var` (A/var a subvolume) or subvol= of the
    /// subvolume another tree mounts as its /var let teardown of B delete A's image.
    @Test func aSubvolumeAnotherTreeMountsIsForeignHere() throws {
        try withTestRoot { root in try withTestRoot { other in
            let disk = try root.attachDisk(megabytes: 1024) { try root.sh("mkfs.btrfs -q '\($0)'") }
            defer { root.forgetBtrfs([disk]) }
            let top = root.path + "/top"
            try root.sh("mkdir -p '\(top)' && mount '\(disk)' '\(top)' && btrfs -q subvolume create '\(top)/@varA' && btrfs -q subvolume create '\(top)/@varB'"
                        + " && mkdir -p '\(top)/@varA/lib' '\(top)/@varB/lib' && umount '\(top)'")
            let theirVar = other.path + "/var", ourVar = root.path + "/var"
            try root.sh("mount -o subvol=@varA '\(disk)' '\(theirVar)'")
            var mounted = [theirVar]
            defer { for target in mounted.reversed() { _ = try? root.sh("umount -R '\(target)'") } }
            try #require(try other.dockstore(["provision", "--size", "256M"]).status == 0)
            let theirs = other.snapshot()
            for mount in ["mount --bind '\(theirVar)' '\(ourVar)'", "mount -o subvol=@varA '\(disk)' '\(ourVar)'"] {
                try root.sh(mount)
                mounted.append(ourVar)
                let said = "\(ourVar) inside \(root.path) shows the folder /@varA of \(disk), which is also mounted outside that tree, at \(theirVar)"
                for arguments in [["teardown", "--delete-image"], ["teardown", "--delete-image", "--dry-run"], ["provision"], ["reclaim"]] {
                    let run = try root.dockstore(arguments)
                    #expect(run.status == ExitStatus.refused.rawValue && run.stderr.contains(said), "\(mount) \(arguments): \(run.status) \(run.stdout)\(run.stderr)")
                }
                let check = try root.dockstore(["check"])
                #expect(check.status == 3 && check.stdout.contains(said), "\(check.stdout)")
                #expect(other.changes(since: theirs).isEmpty, "DATA: the other tree changed: \(other.changes(since: theirs))")
                try root.sh("umount '\(ourVar)'")
                mounted.removeLast()
            }
            #expect(FileManager.default.fileExists(atPath: other.image), "DATA: the other tree's image is gone")
            // Its own subvolume: part of the tree.
            try root.sh("mount -o subvol=@varB '\(disk)' '\(ourVar)'")
            mounted.append(ourVar)
            let own = try root.dockstore(["provision", "--size", "256M"])
            #expect(own.status == 0, "\(own.stdout)\(own.stderr)")
            #expect(try root.dockstore(["teardown", "--delete-image"]).status == 0)
            #expect(try other.dockstore(["teardown", "--delete-image"]).status == 0)
        } }
    }

    /// Attack 48 R C2, C3: the tree's own image reached another way is no other root's store:
    /// --root a recursive bind of the tree (the kernel names the file by the tree's first path),
    /// the store mounted through a loop device over a hard link of the image outside the tree.
    @Test func theTreesOwnImageReachedAnotherWayIsTheStore() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let view = root.path + "-view"
            try root.sh("mkdir -p '\(view)' && mount --rbind '\(root.path)' '\(view)'")
            defer { _ = try? root.sh("umount -R '\(view)'; rmdir '\(view)'") }
            for arguments in [["check"], ["status"], ["provision"]] {
                let run = try root.run(TestRoot.binary, arguments + ["--root", view])
                #expect(run.status == 0 && !(run.stdout + run.stderr).contains("not this root's"), "--root view \(arguments): \(run.status) \(run.stdout)\(run.stderr)")
            }
            _ = try root.sh("umount -R '\(view)'")
            // A hard link of the image outside the tree, the store mounted through it.
            let link = root.path + "-link.btrfs"
            let loop = try root.sh("findmnt -rn -o SOURCE '\(root.mountpoint)'").trimmingCharacters(in: .whitespacesAndNewlines)
            try root.sh("umount '\(root.mountpoint)' && (losetup -d \(loop) 2>/dev/null || true) && ln '\(root.image)' '\(link)'")
            defer { _ = try? root.sh("rm -f '\(link)'") }
            let through = try root.sh("losetup -f --show '\(link)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("losetup -d \(through) 2>/dev/null") }
            try root.sh("mount '\(through)' '\(root.mountpoint)'")
            defer { _ = try? root.sh("umount '\(root.mountpoint)' 2>/dev/null") }
            for arguments in [["check"], ["status"], ["provision"]] {
                let run = try root.dockstore(arguments)
                #expect(!(run.stdout + run.stderr).contains("not this root's"), "link \(arguments): \(run.status) \(run.stdout)\(run.stderr)")
            }
        }
    }
}
