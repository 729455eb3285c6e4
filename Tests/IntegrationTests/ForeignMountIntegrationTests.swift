import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The store also mounted in another mount namespace (attack 15, C14 and C15): a process that
/// ran `unshare -m` while the store was mounted holds a copy of the mount, as a container or
/// systemd-nspawn started then does. Teardown refuses before its first step instead of undoing
/// fstab, drop-in and DOCKER_OPTS and then refusing to delete the image the copy keeps bound;
/// provision names where the store is mounted instead of advising to remove its only member.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct ForeignMountIntegrationTests {
    /// A `sleep` in a mount namespace of its own (private propagation), which holds a copy of
    /// every mount of `root` there was when it started. Killed and reaped by `release`.
    /// The copies of other test roots' mounts are let go of first: held, they made those tests'
    /// teardowns refuse ("also mounted in another mount namespace") when suites ran side by side.
    final class Holder {
        let process = Process()
        var pid: Int32 { process.processIdentifier }

        init(_ root: TestRoot, propagation: String = "private", then command: String = "") throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
            process.arguments = ["-m", "--propagation", propagation, "sh", "-c", "\(root.letGoOfOtherRootsMounts) \(command) exec sleep 600"]
            process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
            try process.run()
            // unshare execs sleep once the namespace is its own.
            let own = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/mnt")
            for _ in 0..<200 {
                let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
                let ns = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/mnt")) ?? own
                if comm == "sleep\n", ns != own { return }
                usleep(10_000)
            }
            release()
            throw TestFailure("unshare -m sleep did not start in a namespace of its own")
        }

        func release() {
            guard process.isRunning else { return }
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }

    @Test func teardownRefusesBeforeItsFirstStepWhileACopyOfTheMountLivesElsewhere() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            try "kept".write(toFile: root.mountpoint + "/layer", atomically: false, encoding: .utf8)
            let holder = try Holder(root)
            defer { holder.release() }
            let before = root.snapshot()
            for arguments in [["teardown", "--delete-image"], ["teardown"], ["teardown", "--delete-image", "--dry-run"]] {
                let refused = try root.dockstore(arguments)
                #expect(refused.status == 2, "\(arguments): \(refused.stdout) \(refused.stderr)")
                #expect(refused.stderrLines.count == 1, "\(refused.stderr)")
                #expect(refused.stderr.contains("refusing: Docker's storage at \(root.mountpoint) is also mounted in another mount namespace (pid \(holder.pid) (sleep) at \(root.mountpoint))"), "\(refused.stderr)")
                #expect(refused.stderr.contains("which its unmount here does not reach"), "\(refused.stderr)")
                #expect(refused.stderr.contains("nothing was changed: nsenter -t \(holder.pid) -m umount \(root.mountpoint), or stop that process, then re-run"), "\(refused.stderr)")
                #expect(!refused.stdout.contains("[unmount]"), "no step ran: \(refused.stdout)")
                #expect(root.changes(since: before) == [], "\(arguments)")
                #expect(root.mounts().contains { $0.target == root.mountpoint }, "the store stays mounted here")
            }
            holder.release()
            let done = try root.dockstore(["teardown", "--delete-image"])
            #expect(done.status == 0, "\(done.stdout) \(done.stderr)")
            #expect(root.status(root.image) == nil)
            #expect(root.loopDevices().isEmpty)
        }
    }

    /// systemd gives every sandboxed service a slave copy of a shared /: the unmount here
    /// propagates to it, so it does not stop teardown. A slave copy with a mount of its own
    /// inside the store does not receive the unmount (the kernel leaves a copy with children):
    /// teardown refuses before its first step, and at the unmount's re-check for a copy made
    /// after it looked.
    /// (The root's var/lib, bound onto itself and made shared, stands in for systemd's /.)
    @Test func aSlaveCopyTakesTheUnmountAndOneItCannotReachStopsTeardown() throws {
        try withTestRoot { root in
            let varLib = root.path + "/var/lib"
            _ = try root.sh("mount --bind \(varLib) \(varLib) && mount --make-shared \(varLib)")
            defer { _ = try? root.sh("umount \(root.mountpoint) 2>/dev/null; umount \(varLib)") }
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let slave = try Holder(root, propagation: "slave")
            defer { slave.release() }
            let done = try root.dockstore(["teardown"])
            #expect(done.status == 0, "\(done.stdout) \(done.stderr)")
            #expect(root.loopDevices().isEmpty, "the unmount reached the slave copy")
            slave.release()

            #expect(try root.dockstore(["provision"]).status == 0)
            try FileManager.default.createDirectory(atPath: root.mountpoint + "/sub", withIntermediateDirectories: false)
            let pinned = try Holder(root, propagation: "slave", then: "mount -t tmpfs pin \(root.mountpoint)/sub &&")
            defer { pinned.release() }
            let before = root.snapshot()
            let refused = try root.dockstore(["teardown", "--delete-image"])
            #expect(refused.status == 2, "\(refused.stdout) \(refused.stderr)")
            #expect(refused.stderr.contains("is also mounted in another mount namespace (pid \(pinned.pid) (sleep) at \(root.mountpoint)), which its unmount here does not reach"), "\(refused.stderr)")
            #expect(root.changes(since: before) == [])
            pinned.release()

            // A copy made after teardown looked: the unmount's re-check finds it.
            var late: Holder? = nil
            defer { late?.release() }
            let stopped = try root.runStopped(["teardown", "--delete-image"], before: "unmount") {
                late = try Holder(root, propagation: "slave", then: "mount -t tmpfs pin \(root.mountpoint)/sub &&")
            }
            let latePID = try #require(late?.pid)
            #expect(stopped.status == 2, "\(stopped.stdout) \(stopped.stderr)")
            #expect(stopped.stderr.contains("(pid \(latePID) (sleep) at \(root.mountpoint)), which its unmount here does not reach: it would stay mounted and written there, its loop device or device in use; nothing was unmounted"), "\(stopped.stderr)")
            #expect(root.changes(since: before) == [])
            late?.release()
            let finished = try root.dockstore(["teardown", "--delete-image"])
            #expect(finished.status == 0, "\(finished.stdout) \(finished.stderr)")
            #expect(root.status(root.image) == nil)
        }
    }

    /// A device store whose only mount left is the copy in another namespace: provision (the
    /// boot unit's plain run, and --device) says where it is mounted, not "remove it from that
    /// filesystem" (btrfs device remove of the store's only member).
    @Test func provisionNamesTheOtherNamespaceOfADeviceStore() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            let holder = try Holder(root)
            defer { holder.release() }
            _ = try root.sh("umount \(root.mountpoint)")
            let before = root.snapshot()
            for arguments in [["provision", "--dry-run"], ["provision"], ["provision", "--device", disk]] {
                let refused = try root.dockstore(arguments)
                #expect(refused.status == 2, "\(arguments): \(refused.stdout) \(refused.stderr)")
                #expect(refused.stderrLines.count == 1, "\(refused.stderr)")
                #expect(refused.stderr.contains("which is mounted in another mount namespace (pid \(holder.pid) (sleep) at \(root.mountpoint)) and nowhere this namespace shows"), "\(arguments): \(refused.stderr)")
                #expect(!refused.stderr.contains("remove it from that filesystem"), "\(refused.stderr)")
                #expect(root.changes(since: before) == [], "\(arguments)")
            }
            #expect(!root.mounts().contains { $0.target == root.mountpoint })
            // Attack 16, A6c/A8: teardown would take the store's configuration down while it
            // stays mounted there; refused before its first step, also with --wipe-device.
            for arguments in [["teardown"], ["teardown", "--wipe-device"]] {
                let refused = try root.dockstore(arguments)
                #expect(refused.status == 2, "\(arguments): \(refused.stdout) \(refused.stderr)")
                #expect(refused.stderr.contains("is not mounted at \(root.mountpoint) here but in another mount namespace (pid \(holder.pid) (sleep) at \(root.mountpoint))"), "\(arguments): \(refused.stderr)")
                #expect(root.changes(since: before) == [], "\(arguments)")
            }
            holder.release()
            let mounted = try root.dockstore(["provision"])
            #expect(mounted.status == 0, "\(mounted.stdout) \(mounted.stderr)")
            #expect(root.mounts().contains { $0.target == root.mountpoint })
        }
    }

    /// Attack 33 U: the copy's holder in another PID namespace (a container), so no process
    /// dockstore can see holds it: provision said "is a member of the mounted btrfs …; remove it
    /// from that filesystem first", device remove of the store's only device. It says the kernel
    /// has the btrfs open where no visible mount shows it, what may hold it, and nothing changed.
    @Test func aHolderInAnotherPIDNamespaceIsNoMemberToRemove() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 512)
            try #require(try root.dockstore(["provision", "--device", disk]).status == 0)
            let uuid = try root.sh("blkid -s UUID -o value '\(disk)'").trimmingCharacters(in: .whitespacesAndNewlines)
            let holder = try Holder(root)
            defer { holder.release() }
            _ = try root.sh("umount \(root.mountpoint)")
            let before = root.snapshot()
            let refused = try root.run("/usr/bin/unshare", ["--pid", "--fork", "--mount-proc", TestRoot.binary, "provision", "--root", root.path, "--device", disk])
            #expect(refused.status == 2 && refused.stderrLines.count == 1, "exit \(refused.status): \(refused.stdout) \(refused.stderr)")
            #expect(refused.stderr.contains("holds the btrfs \(uuid), which the kernel has open (/sys/fs/btrfs/\(uuid)) but which no mount this namespace shows, nor any other mount namespace of a process visible here; a process in another PID namespace (a container) may hold it")
                    && !refused.stderr.contains("remove it from that filesystem"), "\(refused.stderr)")
            #expect(root.changes(since: before) == [])
            holder.release()
            let mounted = try root.dockstore(["provision"])
            #expect(mounted.status == 0, "\(mounted.stdout) \(mounted.stderr)")
        }
    }
}
