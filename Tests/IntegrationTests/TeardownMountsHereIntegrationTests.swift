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
}
