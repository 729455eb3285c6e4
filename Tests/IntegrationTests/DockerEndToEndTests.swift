import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Real dockerd on stores dockstore set up, started with the words dockstore wrote.
@Suite(.serialized, .enabled(if: isRoot && hasDockerd, Comment(rawValue: needsDockerd)))
struct DockerEndToEndTests {
    @Test func btrfsStoreRunsAContainer() throws {
        try withTestRoot { root in
            try root.write(root.sysconfig, "\n## Path           : System/Management\n#\nDOCKER_OPTS=\"--log-level=warn -s overlay2 --storage-opt overlay2.size=10G\"\n")
            try #require(try root.dockstore(["provision", "--size", "2G"]).status == 0)
            let backend = try root.dockstore(["backend", "btrfs"])
            #expect(backend.status == 0, "\(backend.stderr)")
            #expect(backend.stdout.contains("nothing to do"), "provision already selected btrfs: \(backend.stdout)")
            try runContainer(root, expectDriver: "btrfs")
        }
    }

    @Test func overlay2OnAnExt4DeviceRunsAContainer() throws {
        try withTestRoot { root in
            let disk = try root.attachDisk(megabytes: 1024)
            let result = try root.dockstore(["provision", "--device", disk, "--fs", "ext4"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(root.read(root.sysconfig)?.contains("--storage-driver=overlay2") == true)
            let shown = try root.dockstore(["backend"])
            #expect(shown.status == 0, "\(shown.stdout)")
            #expect(shown.stdout.contains("overlay2 (from DOCKER_OPTS"))
            try runContainer(root, expectDriver: "overlay2")
        }
    }

    @Test func daemonJSONConflictStopsDockerdUntilBackendSettlesIt() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "2G"]).status == 0)
            // An admin adds the driver to daemon.json too: dockerd refuses to start.
            try root.write(root.path + "/etc/docker/daemon.json", "{\n  \"log-level\": \"warn\",\n  \"storage-driver\": \"btrfs\"\n}\n")
            let report = try root.dockstore(["backend"])
            #expect(report.status == 4)
            #expect(report.stdout.contains("set both in DOCKER_OPTS"))
            let (failed, log) = try Dockerd.start(in: root, dataRoot: root.mountpoint)
            failed?.stop()
            #expect(failed == nil, "dockerd must refuse the conflicting configuration")
            #expect(log.contains("storage-driver"), "dockerd said: \(log)")

            let settled = try root.dockstore(["backend", "btrfs"])
            #expect(settled.status == 0, "\(settled.stderr)")
            #expect(settled.stdout.contains("remove \"storage-driver\": \"btrfs\""))
            #expect(root.read(root.path + "/etc/docker/daemon.json") == "{\n  \"log-level\": \"warn\"\n}\n")
            try runContainer(root, expectDriver: "btrfs")
        }
    }

    /// Outside attack 14, Y-JSON-1: an admin's "storage-opts" of the btrfs driver in daemon.json
    /// stays there (provision removed it, saying dockerd refuses it beside DOCKER_OPTS), and the
    /// real dockerd starts with it beside DOCKER_OPTS' --storage-driver and runs a container.
    @Test func theDriversOwnOptionsInDaemonJSONStayAndDockerdStarts() throws {
        try withTestRoot { root in
            let json = "{\"storage-opts\": [\"btrfs.min_space=10M\"], \"log-level\": \"warn\"}\n"
            try root.write(root.path + "/etc/docker/daemon.json", json)
            let provisioned = try root.dockstore(["provision", "--size", "2G"])
            #expect(provisioned.status == 0 && !provisioned.stdout.contains("daemon-json"), "\(provisioned.stdout) \(provisioned.stderr)")
            #expect(root.read(root.path + "/etc/docker/daemon.json") == json)
            let status = try root.dockstore(["status"])
            #expect(status.status == 0, "\(status.stdout)")
            try runContainer(root, expectDriver: "btrfs")
        }
    }

    @Test func migrateEBSWhileContainersRun() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision"]).status == 0)
            let (started, log) = try Dockerd.start(in: root, dataRoot: root.mountpoint)
            let daemon = try #require(started, "dockerd did not start: \(log)")
            defer { daemon.stop() }
            try daemon.importBusybox()
            for n in 1...3 {
                let run = try daemon.docker(["run", "-d", "--name", "keeper\(n)", "--network", "none", "busybox:test", "/bin/busybox", "sh", "-c",
                                             "echo payload-\(n) > /payload && exec /bin/busybox sleep 3600"])
                #expect(run.status == 0, "\(run.stderr)")
            }
            let writer = try daemon.docker(["run", "-d", "--name", "writer", "--network", "none", "busybox:test", "/bin/busybox", "sh", "-c",
                                            "i=0; while true; do echo $i >> /log || exit 7; i=$((i+1)); /bin/busybox usleep 20000; done"])
            #expect(writer.status == 0, "\(writer.stderr)")
            usleep(500_000)
            // The writer's own layer changes throughout; every other layer (the image's, the
            // keepers' and their init layers) must read the same after the move.
            let writerID = try daemon.docker(["inspect", "-f", "{{.Id}}", "writer"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let writerLayer = try #require(root.read("\(root.mountpoint)/image/btrfs/layerdb/mounts/\(writerID)/mount-id")?.trimmingCharacters(in: .whitespacesAndNewlines), "the writer's mount id")
            let layerSums = {
                try root.sh("cd \(root.mountpoint)/btrfs/subvolumes && find . -path './\(writerLayer)' -prune -o -type f -print0 | sort -z | xargs -0 sha256sum")
            }
            let inventoryBefore = try MigrationIntegrationTests().inventory(root)
            let sumsBefore = try layerSums()
            let usedBefore = try CapacityProbe.read(mountpoint: root.mountpoint).dataUsed

            let disk = try root.attachDisk(megabytes: 8192)
            let migrate = try root.dockstore(["migrate-ebs", disk, "--yes"])
            #expect(migrate.status == 0, "\(migrate.stderr)")
            #expect(migrate.stdout.contains("Verified: the same"))
            #expect(migrate.stdout.contains("Method: device replace"), "\(migrate.stdout)")
            #expect(root.status(root.image) == nil)
            #expect(try MigrationIntegrationTests().inventory(root) == inventoryBefore, "DATA: the subvolume inventory (ids, UUIDs, parents) changed")
            #expect(try layerSums() == sumsBefore, "DATA: the checksums of the layers but the writer's changed")
            let usedAfter = try CapacityProbe.read(mountpoint: root.mountpoint).dataUsed
            // ×1.00 means no extent was copied apart from what it shared: on this 2 MiB store a
            // duplicated busybox layer alone would add over 1 MiB, while the writer's appends and
            // their copy-on-write blocks during the move stay within 256 KiB.
            let growth = String(format: "%.2f", Double(usedAfter) / Double(max(usedBefore, 1)))
            #expect(usedAfter <= usedBefore + 256 * 1024, "bytes used ×\(growth) (the writer appends a few bytes): \(usedBefore) → \(usedAfter)")

            let images = try daemon.docker(["images", "--format", "{{.Repository}}:{{.Tag}}"])
            #expect(images.stdout.contains("busybox:test"))
            for n in 1...3 {
                let payload = try daemon.docker(["exec", "keeper\(n)", "/bin/busybox", "cat", "/payload"])
                #expect(payload.stdout == "payload-\(n)\n", "keeper\(n): \(payload.stderr)")
            }
            let lines1 = try daemon.docker(["exec", "writer", "/bin/busybox", "wc", "-l", "/log"]).stdout
            usleep(300_000)
            let lines2 = try daemon.docker(["exec", "writer", "/bin/busybox", "wc", "-l", "/log"]).stdout
            #expect(try daemon.docker(["inspect", "-f", "{{.State.Running}} {{.State.ExitCode}}", "writer"]).stdout == "true 0\n",
                    "the writing container never saw an error")
            #expect(lines1 != lines2, "it is still writing: \(lines1) then \(lines2)")
            // Every line it wrote before, during and after the move is there, in order.
            let gaps = try daemon.docker(["exec", "writer", "/bin/busybox", "awk", "NR - 1 != $1 { bad++ } END { print bad + 0, NR }", "/log"])
            #expect(gaps.stdout.hasPrefix("0 "), "DATA: lines lost or out of order in the writer's log: \(gaps.stdout) \(gaps.stderr)")
            let fresh = try daemon.docker(["run", "--rm", "--network", "none", "busybox:test", "/bin/busybox", "echo", "after the move"])
            #expect(fresh.stdout == "after the move\n", "\(fresh.stderr)")
            _ = try? daemon.docker(["rm", "-f", "keeper1", "keeper2", "keeper3", "writer"])
        }
    }

    /// Outside attack 14, X1: Docker in ordinary use — containers made and removed while the
    /// store moves — is no lost layer. The move ends 0 and says what Docker changed; every
    /// subvolume Docker kept is the same, the image's layers read the same.
    @Test(arguments: ["replace", "add-remove"])
    func migrateEBSWhileContainersComeAndGo(_ method: String) throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision"]).status == 0)
            let (started, log) = try Dockerd.start(in: root, dataRoot: root.mountpoint)
            let daemon = try #require(started, "dockerd did not start: \(log)")
            defer { daemon.stop() }
            try daemon.importBusybox()
            let keeper = try daemon.docker(["run", "-d", "--name", "keeper", "--network", "none", "busybox:test", "/bin/busybox", "sh", "-c",
                                            "echo payload > /payload && exec /bin/busybox sleep 3600"])
            #expect(keeper.status == 0, "\(keeper.stderr)")
            // One container to be removed during the move, and a loop making and removing more.
            #expect(try daemon.docker(["create", "--name", "doomed", "--network", "none", "busybox:test", "/bin/busybox", "true"]).status == 0)
            let churn = Process()
            churn.executableURL = URL(fileURLWithPath: "/bin/sh")
            churn.arguments = ["-c", "docker -H unix://\(daemon.socket) rm -f doomed >/dev/null 2>&1; while :; do docker -H unix://\(daemon.socket) run --rm --network none busybox:test /bin/busybox true >/dev/null 2>&1; done"]
            churn.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            churn.standardError = FileHandle(forWritingAtPath: "/dev/null")
            let imageSums = { try root.sh("cd \(root.mountpoint)/image && find . -type f -path '*/layerdb/sha256/*' -print0 | sort -z | xargs -0 sha256sum") }
            let sumsBefore = try imageSums()

            let disk = try root.attachDisk(megabytes: 8192)
            try churn.run()
            usleep(300_000)
            let migrate = try root.dockstore(["migrate-ebs", disk, "--yes"], environment: ["DOCKSTORE_MIGRATE_METHOD": method])
            churn.terminate()
            churn.waitUntilExit()
            #expect(migrate.status == 0, "\(migrate.stdout) \(migrate.stderr)")
            #expect(migrate.stdout.contains("Verified: the "), "\(migrate.stdout)")
            #expect(root.status(root.image) == nil, "the image was retired")
            #expect(try imageSums() == sumsBefore, "DATA: the image's layer records read the same")
            #expect(try daemon.docker(["exec", "keeper", "/bin/busybox", "cat", "/payload"]).stdout == "payload\n")
            let fresh = try daemon.docker(["run", "--rm", "--network", "none", "busybox:test", "/bin/busybox", "echo", "after the move"])
            #expect(fresh.stdout == "after the move\n", "\(fresh.stderr)")
            _ = try? daemon.docker(["rm", "-f", "keeper"])
        }
    }

    func runContainer(_ root: TestRoot, expectDriver driver: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (started, log) = try Dockerd.start(in: root, dataRoot: root.mountpoint)
        let daemon = try #require(started, "dockerd did not start: \(log)", sourceLocation: sourceLocation)
        defer { daemon.stop() }
        let info = try daemon.docker(["info", "--format", "{{.Driver}}"])
        #expect(info.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == driver, sourceLocation: sourceLocation)
        try daemon.importBusybox()
        let run = try daemon.docker(["run", "--rm", "--network", "none", "busybox:test", "/bin/busybox", "echo", "hello from \(driver)"])
        #expect(run.status == 0, "\(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stdout == "hello from \(driver)\n", sourceLocation: sourceLocation)
    }
}
