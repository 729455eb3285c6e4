import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Attack 15, Y3: the store lazily unmounted (`umount -l`) under a running dockerd, which then
/// writes into the bare folder on the root filesystem. check says CRITICAL
/// docker_on_bare_folder in every format, naming the dockerd, not UNKNOWN "nothing is mounted";
/// without a dockerd, nothing mounted stays UNKNOWN; a dockerd with another data root is not it.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct DockerOnBareFolderIntegrationTests {
    @Test func aDockerdOnTheBareFolderIsCritical() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let pid = try TeardownIntegrationTests().spawnStandIn(root)
            defer { TeardownIntegrationTests.end(pid) }
            try root.write(root.path + "/run/docker.pid", "\(pid)\n")
            _ = try root.sh("umount -l \(root.mountpoint)")

            let check = try root.dockstore(["check"])
            #expect(check.status == 2, "\(check.stdout)")
            #expect(check.stdout.hasPrefix("DOCKSTORE CRITICAL - nothing is mounted at \(root.mountpoint), but dockerd (pid \(pid)) runs with its data root there"), "\(check.stdout)")
            let json = try root.dockstore(["check", "--format", "json"])
            #expect(json.status == 2 && json.stdout.contains("\"docker_on_bare_folder\""), "\(json.stdout)")
            let prom = try root.dockstore(["check", "--format", "prometheus"])
            #expect(prom.stdout.contains("dockstore_status{mountpoint=\"\(root.mountpoint)\",reason=\"docker_on_bare_folder\"} 2"), "\(prom.stdout)")
            let said = try root.dockstore(["status"])
            #expect(said.stdout.contains("but dockerd (pid \(pid)) runs with its data root there"), "\(said.stdout)")

            // Its data root elsewhere: not this folder's dockerd (data_root_elsewhere's business).
            try root.write(root.sysconfig, "DOCKER_OPTS=\"--storage-driver=btrfs --data-root=/srv/docker\"\n")
            let elsewhere = try root.dockstore(["check"])
            #expect(elsewhere.status == 3 && elsewhere.stdout.hasPrefix("DOCKSTORE UNKNOWN - nothing is mounted"), "\(elsewhere.stdout)")
            try root.write(root.sysconfig, "DOCKER_OPTS=\"--storage-driver=btrfs\"\n")

            // dockerd's own default pidfile, /var/run/docker.pid, in a tree whose /var/run is a
            // folder, not the link to /run (attack 16, D2).
            try FileManager.default.removeItem(atPath: root.path + "/run/docker.pid")
            try root.write(root.path + "/var/run/docker.pid", "\(pid)\n")
            let varRun = try root.dockstore(["check"])
            #expect(varRun.status == 2 && varRun.stdout.contains("but dockerd (pid \(pid)) runs with its data root there"), "\(varRun.stdout)")

            TeardownIntegrationTests.end(pid)
            let gone = try root.dockstore(["check"])
            #expect(gone.status == 3 && gone.stdout.hasPrefix("DOCKSTORE UNKNOWN - nothing is mounted at \(root.mountpoint)"), "\(gone.stdout)")
        }
    }

    /// Attack 42 Q F5: a dockerd started on the bare folder while the store is not mounted binds
    /// the folder onto itself (a data root that is no mount point), so check saw "ext4 is
    /// mounted at …, unmount what is there" (UNKNOWN; the umount fails while dockerd runs) and
    /// never named dockerd. It is docker_on_bare_folder, CRITICAL, naming dockerd and the bind;
    /// a bind of another folder there stays "not Docker's store".
    @Test(.enabled(if: hasDockerd, Comment(rawValue: needsDockerd)))
    func aDockerdStartedOnTheBareFolderIsCriticalThroughItsOwnBind() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "256M"]).status == 0)
            let store = try root.sh("findmnt -rn -o SOURCE '\(root.mountpoint)'").trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try root.sh("umount '\(root.mountpoint)' && (losetup -d \(store) 2>/dev/null || true)")
            let other = root.path + "/other"
            try root.sh("mkdir -p '\(other)' && mount --bind '\(other)' '\(root.mountpoint)'")
            let stranger = try root.dockstore(["check"])
            #expect(stranger.status == 3 && stranger.stdout.contains("is mounted at \(root.mountpoint), not Docker's store"), "\(stranger.stdout)")
            try root.sh("umount '\(root.mountpoint)'")
            try root.write(root.sysconfig, "DOCKER_OPTS=\"\"\n")
            let (started, log) = try Dockerd.start(in: root, dataRoot: root.mountpoint)
            let dockerd = try #require(started, "dockerd did not start: \(log)")
            defer { dockerd.stop() }
            let bound = try root.sh("findmnt -rn -o SOURCE '\(root.mountpoint)'")
            try #require(bound.contains("["), "dockerd did not bind its data root onto itself: \(bound)")
            let pid = dockerd.process.processIdentifier
            let check = try root.dockstore(["check"])
            #expect(check.status == 2 && check.stdout.hasPrefix("DOCKSTORE CRITICAL - the store is not mounted at \(root.mountpoint) (what is mounted there is the bare folder bound onto itself")
                    && check.stdout.contains("and dockerd (pid \(pid)) runs with its data root there"), "\(check.stdout)")
            let json = try root.dockstore(["check", "--format", "json"])
            #expect(json.status == 2 && json.stdout.contains("\"docker_on_bare_folder\""), "\(json.stdout)")
            // Bound onto itself twice (attack 43 P C9b): the same verdict.
            try root.sh("mount --bind '\(root.mountpoint)' '\(root.mountpoint)'")
            let twice = try root.dockstore(["check"])
            try root.sh("umount '\(root.mountpoint)'")
            #expect(twice.status == 2 && twice.stdout.contains("the bare folder bound onto itself"), "\(twice.stdout)")
        }
    }
}
