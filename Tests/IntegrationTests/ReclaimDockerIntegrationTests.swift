import DockStoreCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `dockstore reclaim` under a real dockerd whose container writes all through the reclaim.
@Suite(.serialized, .enabled(if: isRoot && hasDockerd, Comment(rawValue: needsDockerd)))
struct ReclaimDockerIntegrationTests {
    @Test func reclaimsWhileAContainerWrites() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            let (started, log) = try Dockerd.start(in: root, dataRoot: root.mountpoint)
            let daemon = try #require(started, "dockerd did not start: \(log)")
            defer { daemon.stop() }
            try daemon.importBusybox()
            let keeper = try daemon.docker(["run", "-d", "--name", "keeper", "--network", "none", "busybox:test", "/bin/busybox", "sh", "-c",
                                            "echo payload > /payload && exec /bin/busybox sleep 3600"])
            #expect(keeper.status == 0, "\(keeper.stderr)")
            // Writes a line every 20 ms and counts the writes that failed, never stopping.
            let writer = try daemon.docker(["run", "-d", "--name", "writer", "--network", "none", "busybox:test", "/bin/busybox", "sh", "-c",
                                            "i=0; while true; do echo $i >> /log 2>/dev/null || echo $i >> /failed 2>/dev/null; i=$((i+1)); /bin/busybox usleep 20000; done"])
            #expect(writer.status == 0, "\(writer.stderr)")
            let filler = root.mountpoint + "/filler"
            try root.sh("mkdir -p \(filler)")
            try root.exhaustMetadata(keepEvery: 4, folder: filler)
            #expect(!root.writesSucceed(filler), "writes fail with ENOSPC before reclaim")
            let sums = try root.checksums(filler)
            let size = try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize
            let result = try root.dockstore(["reclaim"])
            #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
            #expect(try root.dockstore(["check"]).status == 0, "check is OK")
            #expect(try CapacityProbe.read(mountpoint: root.mountpoint).deviceSize == size)
            #expect(try root.checksums(filler) == sums, "DATA: every file as it was")
            let lines1 = try daemon.docker(["exec", "writer", "/bin/busybox", "wc", "-l", "/log"]).stdout
            usleep(400_000)
            let lines2 = try daemon.docker(["exec", "writer", "/bin/busybox", "wc", "-l", "/log"]).stdout
            #expect(lines1 != lines2, "the container writes again after reclaim: \(lines1) then \(lines2)")
            #expect(try daemon.docker(["inspect", "-f", "{{.State.Running}}", "writer"]).stdout == "true\n")
            #expect(try daemon.docker(["exec", "keeper", "/bin/busybox", "cat", "/payload"]).stdout == "payload\n")
            let fresh = try daemon.docker(["run", "--rm", "--network", "none", "busybox:test", "/bin/busybox", "echo", "after reclaim"])
            #expect(fresh.stdout == "after reclaim\n", "a new container starts: \(fresh.stderr)")
            _ = try? daemon.docker(["rm", "-f", "keeper", "writer"])
        }
    }
}
