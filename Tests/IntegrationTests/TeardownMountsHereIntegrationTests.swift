import DockStoreCore
import Foundation
import Testing

/// Attack 31, R 3a–3c: mounts in this namespace that teardown's unmount does not take down.
/// The store bind-mounted at another place: teardown reported done (exit 0) while the store
/// stayed mounted and written there and its loop device attached; with --delete-image it
/// undid fstab, both drop-ins and the settings, then refused the delete (exit 2). A tmpfs
/// mounted inside the store: the plan said it would unmount, the run failed "busy" and sent
/// the admin to `fuser -vm`, which shows nothing. Both are refused before anything changes,
/// naming the mounts; once they are unmounted teardown runs.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct TeardownMountsHereIntegrationTests {
    @Test(arguments: ["the store", "a folder in it"])
    func theStoreAlsoMountedElsewhereHereIsRefused(_ what: String) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            try root.write(root.mountpoint + "/kept", "data\n")
            _ = try root.sh("mkdir -p '\(root.mountpoint)/sub'")
            let bind = root.path + "/elsewhere"
            _ = try root.sh("mkdir '\(bind)' && mount --bind '\(root.mountpoint)\(what == "the store" ? "" : "/sub")' '\(bind)'")
            defer { _ = try? root.sh("umount '\(bind)'") }
            let loops = root.loopDevices()
            let before = root.snapshot()
            for arguments in [["teardown", "--dry-run"], ["teardown"], ["teardown", "--delete-image"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 2 && run.stderrLines.count == 1
                        && run.stderr.contains("refusing: Docker's storage at \(root.mountpoint) is also mounted at \(bind)")
                        && run.stderr.contains("nothing was changed: unmount it (umount \(bind)), then re-run"),
                        "\(arguments): exit \(run.status): \(run.stdout)\(run.stderr)")
                #expect(root.changes(since: before).isEmpty, "\(arguments): \(root.changes(since: before))")
                #expect(root.loopDevices() == loops)
            }
            if what == "a folder in it" {
                #expect(try root.dockstore(["teardown"]).stderr.contains("(its folder /sub)"))
            }
            _ = try root.sh("umount '\(bind)'")
            let down = try root.dockstore(["teardown", "--delete-image"])
            #expect(down.status == 0, "\(down.stdout)\(down.stderr)")
            #expect(!root.mounts().contains { $0.target == root.mountpoint } && root.loopDevices().isEmpty)
        }
    }

    @Test func aFilesystemMountedInsideTheStoreIsRefused() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let volume = root.mountpoint + "/volumes/tv/_data"
            let shm = root.mountpoint + "/containers/c1/mounts/shm"
            _ = try root.sh("mkdir -p '\(volume)' '\(shm)' && mount -t tmpfs tmpfs '\(volume)' && mount -t tmpfs shm '\(shm)'")
            defer { _ = try? root.sh("umount '\(shm)'; umount '\(volume)'") }
            let before = root.snapshot()
            for arguments in [["teardown", "--dry-run"], ["teardown"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 2 && run.stderrLines.count == 1
                        && run.stderr.contains("refusing: \(volume) (tmpfs), \(shm) (tmpfs) are mounted inside Docker's storage at \(root.mountpoint), so it cannot be unmounted (busy); nothing was changed: unmount them (umount \(shm); umount \(volume)), then re-run"),
                        "\(arguments): exit \(run.status): \(run.stdout)\(run.stderr)")
                #expect(!run.stderr.contains("fuser"))
                #expect(root.changes(since: before).isEmpty, "\(arguments): \(root.changes(since: before))")
            }
            _ = try root.sh("umount '\(shm)' && umount '\(volume)'")
            let down = try root.dockstore(["teardown"])
            #expect(down.status == 0, "\(down.stdout)\(down.stderr)")
            #expect(!root.mounts().contains { $0.target == root.mountpoint })
        }
    }

    /// Attack 32 S td7: a loop device over a file in the store keeps it busy, which no mount
    /// table and no fuser shows: refused before anything changes, naming the loop device.
    @Test func aLoopDeviceOverAFileInTheStoreIsRefused() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let inner = root.mountpoint + "/inner.img"
            let loop = try root.sh("truncate -s 40M '\(inner)' && losetup -f --show '\(inner)'").trimmingCharacters(in: .whitespacesAndNewlines)
            defer { _ = try? root.sh("losetup -d \(loop) 2>/dev/null") }
            let before = root.snapshot()
            for arguments in [["teardown", "--dry-run"], ["teardown"]] {
                let run = try root.dockstore(arguments)
                #expect(run.status == 2 && run.stderrLines.count == 1
                        && run.stderr.contains("refusing: \(loop) (over \(inner)) is a loop device over a file in Docker's storage at \(root.mountpoint)")
                        && run.stderr.contains("nothing was changed: detach it (losetup -d \(loop)), then re-run"),
                        "\(arguments): exit \(run.status): \(run.stdout)\(run.stderr)")
                #expect(root.changes(since: before).isEmpty, "\(arguments): \(root.changes(since: before))")
            }
            _ = try root.sh("losetup -d \(loop)")
            let down = try root.dockstore(["teardown"])
            #expect(down.status == 0, "\(down.stdout)\(down.stderr)")
        }
    }

    /// Attack 32 S td6, td10: an overlay with a folder of the store as its lower layer, or a bind
    /// mount of the store unmounted lazily while a process works in it, keeps the btrfs alive
    /// where no mount table shows it. teardown said it detached the loop device and exited 0
    /// while the store was still written. It now asks the kernel after its unmount, stops there
    /// (exit 1) with fstab and the drop-ins unchanged, and finishes once that use ended.
    @Test(arguments: ["an overlay", "a lazy unmount"])
    func aUseNoMountTableShowsStopsTeardownAfterItsUnmount(_ what: String) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let fstab = root.read(root.fstab)
            let holder = root.path + "/holder"
            var sleeper: String?
            if what == "an overlay" {
                _ = try root.sh("mkdir -p '\(root.mountpoint)/low' '\(holder)' '\(root.path)/u' '\(root.path)/w' && mount -t overlay ov -o lowerdir='\(root.mountpoint)/low',upperdir='\(root.path)/u',workdir='\(root.path)/w' '\(holder)'")
            } else {
                // Started with every other descriptor closed: it must not hold the pipe root.sh reads.
                _ = try root.sh("mkdir '\(holder)' && mount --bind '\(root.mountpoint)' '\(holder)'")
                sleeper = try root.sh("python3 -c 'import subprocess,sys; print(subprocess.Popen([\"sleep\", \"600\"], cwd=sys.argv[1], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True).pid)' '\(holder)'").trimmingCharacters(in: .whitespacesAndNewlines)
                _ = try root.sh("umount -l '\(holder)'")
            }
            defer {
                if let sleeper { _ = try? root.sh("kill \(sleeper) 2>/dev/null") }
                _ = try? root.sh("umount '\(holder)' 2>/dev/null")
            }
            let loops = root.loopDevices()
            let run = try root.dockstore(["teardown"])
            #expect(run.status == 1 && run.stderr.contains("unmounted Docker's storage at \(root.mountpoint), but the kernel still holds its btrfs")
                    && run.stderr.contains("teardown stopped before detaching or changing any file"), "\(what): exit \(run.status): \(run.stdout)\(run.stderr)")
            #expect(!run.stdout.contains("[detach-loop]"), "\(what): \(run.stdout)")
            #expect(root.read(root.fstab) == fstab, "fstab unchanged")
            #expect(root.loopDevices() == loops, "the loop device is still attached, and said to be")
            if let sleeper { _ = try root.sh("kill \(sleeper); sleep 0.3") } else { _ = try root.sh("umount '\(holder)'") }
            let down = try root.dockstore(["teardown"])
            #expect(down.status == 0, "\(what): \(down.stdout)\(down.stderr)")
            #expect(root.loopDevices().isEmpty, "\(root.loopDevices())")
        }
    }

    /// Attack 32 S td4b/td4c: --root under a shared mount with a slave or peer copy of it (an
    /// rbind): the store's copy there goes with the unmount by propagation, so it is no reason to
    /// refuse.
    @Test(arguments: ["slave", "peer"])
    func aCopyTheUnmountPropagatesToIsNoRefusal(_ kind: String) throws {
        try withTestRoot { root in
            let copy = root.path + ".copy"
            _ = try root.sh("mkdir -p '\(copy)' && mount --bind '\(root.path)' '\(root.path)' && mount --make-shared '\(root.path)' && mount --rbind '\(root.path)' '\(copy)'"
                            + (kind == "slave" ? " && mount --make-rslave '\(copy)'" : ""))
            defer { _ = try? root.sh("umount -R '\(copy)' 2>/dev/null; rmdir '\(copy)'; umount -R '\(root.path)' 2>/dev/null") }
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let mirrored = copy + "/var/lib/docker"
            let targets = { try root.sh("findmnt -rn -o TARGET").split(separator: "\n").map(String.init) }
            try #require(try targets().contains(mirrored), "\(kind): the store's mount propagated to the copy")
            let down = try root.dockstore(["teardown"])
            #expect(down.status == 0, "\(kind): \(down.stdout)\(down.stderr)")
            #expect(try !targets().contains { $0 == mirrored || $0 == root.mountpoint }, "\(kind): the copy went with the unmount")
            #expect(root.loopDevices().isEmpty, "\(root.loopDevices())")
        }
    }

    /// Attack 46 P F7: the tree on a shared mount and `mount --rbind ROOT/var/lib ROOT/var/lib`
    /// list the store twice at the mountpoint, on peer parents: one unmount takes both, so
    /// teardown refused for nothing, and its advice (umount -R of the bind) took the store down
    /// with it. teardown takes the store down; without shared propagation it still refuses
    /// (`HiddenMountIntegrationTests`).
    @Test func aRecursiveBindOntoItselfUnderSharedPropagationGoesWithTheUnmount() throws {
        try withTestRoot { root in
            _ = try root.sh("mount --bind '\(root.path)' '\(root.path)' && mount --make-shared '\(root.path)'")
            defer { _ = try? root.sh("umount -R '\(root.path)' 2>/dev/null") }
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let lib = root.path + "/var/lib"
            _ = try root.sh("mount --rbind '\(lib)' '\(lib)'")
            let listed = { try root.sh("findmnt -rn -o TARGET").split(separator: "\n").filter { $0 == root.mountpoint }.count }
            try #require(try listed() == 2)
            let down = try root.dockstore(["teardown"])
            #expect(down.status == 0 && down.stdout.contains("[unmount] unmount \(root.mountpoint)"), "\(down.stdout)\(down.stderr)")
            #expect(try listed() == 0, "both copies went with the unmount")
            #expect(root.loopDevices().isEmpty, "\(root.loopDevices())")
        }
    }
}

