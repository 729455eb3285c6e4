import Foundation
import Testing

/// Attack 29 C-drift: DOCKER_OPTS switched to overlay2 (or daemon.json's "storage-driver" to vfs)
/// under a btrfs store: status reported it, check said OK in every format; at Docker's next start
/// it sees none of the store's images and containers. check now warns, as status says it.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct DriverCheckIntegrationTests {
    @Test func checkWarnsWhileDockerdIsSetToAnotherDriver() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "300M"]).status == 0)
            #expect(try root.dockstore(["check"]).status == 0)

            try root.write(root.sysconfig, "DOCKER_OPTS=\"--storage-driver=overlay2\"\n")
            let said = "dockerd is set to the overlay2 storage driver (DOCKER_OPTS in \(root.sysconfig)), not btrfs: a dockerd started with it does not see the images and containers in the btrfs store"
            let check = try root.dockstore(["check"])
            #expect(check.status == 1 && check.stdout.hasPrefix("DOCKSTORE WARNING - \(said)"), "\(check.stdout)")
            let json = try root.dockstore(["check", "--format", "json"])
            #expect(json.status == 1 && json.stdout.contains("\"storage_driver_elsewhere\""), "\(json.stdout)")
            let prom = try root.dockstore(["check", "--format", "prometheus"])
            #expect(prom.stdout.contains("dockstore_status{mountpoint=\"\(root.mountpoint)\",reason=\"storage_driver_elsewhere\"} 1"), "\(prom.stdout)")
            let status = try root.dockstore(["status"])
            #expect(status.status == 4, "status agrees: \(status.stdout)")

            // daemon.json's key, DOCKER_OPTS setting none; `-s` spelled short.
            let daemonJSON = root.path + "/etc/docker/daemon.json"
            try root.sh("mkdir -p '\(root.path)/etc/docker'")
            try root.write(root.sysconfig, "DOCKER_OPTS=\"\"\n")
            try root.write(daemonJSON, "{\"storage-driver\": \"vfs\"}\n")
            let file = try root.dockstore(["check"])
            #expect(file.status == 1 && file.stdout.hasPrefix("DOCKSTORE WARNING - dockerd is set to the vfs storage driver (\(daemonJSON)), not btrfs"), "\(file.stdout)")
            try root.sh("rm '\(daemonJSON)'")
            try root.write(root.sysconfig, "DOCKER_OPTS=\"-s overlay2\"\n")
            #expect(try root.dockstore(["check"]).stdout.hasPrefix("DOCKSTORE WARNING - dockerd is set to the overlay2 storage driver"))

            // None set (dockerd picks btrfs on a btrfs data root), an empty value (the same for
            // dockerd 20.10: attack 30 3-empty), and btrfs set: OK.
            try root.write(root.sysconfig, "DOCKER_OPTS=\"\"\n")
            #expect(try root.dockstore(["check"]).status == 0)
            try root.write(root.sysconfig, "DOCKER_OPTS=\"--storage-driver=\"\n")
            let empty = try root.dockstore(["check"])
            #expect(empty.status == 0, "\(empty.stdout)")
            try root.write(root.sysconfig, "DOCKER_OPTS=\"\"\n")
            try root.write(daemonJSON, "{\"storage-driver\": \"\"}\n")
            let emptyKey = try root.dockstore(["check"])
            #expect(emptyKey.status == 0, "\(emptyKey.stdout)")
            try root.sh("rm '\(daemonJSON)'")
            try root.write(root.sysconfig, "DOCKER_OPTS=\"--storage-driver=btrfs\"\n")
            #expect(try root.dockstore(["check"]).status == 0)
        }
    }
}
