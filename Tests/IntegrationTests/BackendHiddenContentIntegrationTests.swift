import DockStoreCore
import Foundation
import Testing

/// Attack 33 T 13: `backend overlay2` on a btrfs store holding an image and a container said only
/// "restart Docker"; after the restart both were gone from Docker's view. check's remedy "or
/// dockstore provision" did nothing (the settings keep overlay2 at every boot) and status said
/// "in place". backend now says what the store holds under the old driver and the way back,
/// check names the setting that keeps it so, status warns as check does, and a real dockerd is
/// the oracle both ways: it sees neither with overlay2, both again after `backend btrfs`.
@Suite(.serialized, .enabled(if: isRoot && hasDockerd, Comment(rawValue: needsDockerd)))
struct BackendHiddenContentIntegrationTests {
    @Test func switchingAwaySaysWhatDockerWillNotSeeAndTheWayBack() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            do {
                let (daemon, log) = try Dockerd.start(in: root, dataRoot: root.mountpoint)
                let running = try #require(daemon, "dockerd did not start: \(log)")
                defer { running.stop() }
                try running.importBusybox()
                let created = try running.docker(["create", "--name", "kept", "busybox:test", "/bin/true"])
                try #require(created.status == 0, "\(created.stderr)")
            }
            let set = try root.dockstore(["backend", "overlay2"])
            #expect(set.status == 0 && set.stderr.contains("warning: \(root.mountpoint) holds 1 image(s) and 1 container(s) of the btrfs driver: a dockerd started with overlay2 does not see them (they stay on disk, and dockstore backend btrfs brings them back)"),
                    "exit \(set.status): \(set.stdout)\(set.stderr)")
            let check = try root.dockstore(["check"])
            #expect(check.status == 1 && check.stdout.contains("a dockerd started with it does not see the images and containers in the btrfs store; DOCKSTORE_BACKEND=overlay2 in \(root.path)/etc/sysconfig/dockstore keeps it so at every boot (dockstore provision applies it): run dockstore backend btrfs to use the store's images again")
                    && !check.stdout.contains("or dockstore provision"), "exit \(check.status): \(check.stdout)")
            let status = try root.dockstore(["status"])
            #expect(status.stdout.contains("warning: dockerd is set to the overlay2 storage driver"), "\(status.stdout)")

            do {
                let (daemon, log) = try Dockerd.start(in: root, dataRoot: root.mountpoint)
                let running = try #require(daemon, "dockerd did not start with overlay2: \(log)")
                defer { running.stop() }
                let seen = try running.docker(["ps", "-aq"]).stdout + running.docker(["images", "-q"]).stdout
                #expect(seen.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "dockerd with overlay2 sees: \(seen)")
            }
            let back = try root.dockstore(["backend", "btrfs"])
            #expect(back.status == 0 && !back.stderr.contains("of the btrfs driver"), "\(back.stdout)\(back.stderr)")
            let (daemon, log) = try Dockerd.start(in: root, dataRoot: root.mountpoint)
            let running = try #require(daemon, "dockerd did not start with btrfs: \(log)")
            defer { running.stop() }
            #expect(try running.docker(["ps", "-a", "--format", "{{.Names}}"]).stdout.contains("kept"))
            #expect(try !running.docker(["images", "-q"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        }
    }
}
