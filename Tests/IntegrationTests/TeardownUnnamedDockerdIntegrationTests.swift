import DockStoreCore
import Foundation
import Testing

/// Attack 40 S F1: a dockerd that Docker's pidfile and socket do not name (started by hand with
/// its own --pidfile and --host) ran on the store; teardown saw no dockerd, judged the mounts
/// inside the store, and advised `umount …/btrfs` — dockerd's own bind mount, which pulls the
/// storage from under it and its containers. Refused now naming the dockerd, nothing changed;
/// once it has stopped, teardown goes through.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct TeardownUnnamedDockerdIntegrationTests {
    @Test(.enabled(if: hasDockerd, Comment(rawValue: needsDockerd)))
    func teardownRefusesADockerdNoPidfileOrSocketNames() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "1G"]).status == 0)
            try root.sh("mkdir -p '\(root.path)/elsewhere' && ln -s '\(root.path)/elsewhere/daemon.sock' '\(root.path)/run/docker.sock'")
            let daemon = Dockerd(root: root)
            let script = "exec /usr/sbin/dockerd --data-root \"$DATA\" --exec-root \"$ROOT/elsewhere/exec\" --pidfile \"$ROOT/elsewhere/daemon.pid\" --host \"unix://$ROOT/elsewhere/daemon.sock\" --iptables=false --ip-masq=false --bridge=none --storage-driver=btrfs"
            let (started, log) = try Dockerd.launch(daemon, "/bin/bash", ["-c", script], dataRoot: root.mountpoint)
            let dockerd = try #require(started, "dockerd did not start: \(log)")
            defer { dockerd.stop() }
            let before = root.snapshot()
            let run = try root.dockstore(["teardown"])
            let pid = dockerd.process.processIdentifier
            #expect(run.status == ExitStatus.refused.rawValue && run.stderrLines.count == 1
                    && run.stderr.hasPrefix("dockstore: refusing: Docker daemon processes (pids \(pid), ")
                    && run.stderr.contains(": a dockerd and its containerd) use Docker's storage at \(root.mountpoint), and neither Docker's pidfile nor its socket names them, so --stop-docker cannot stop them; nothing was changed: stop the dockerd among them (ps -o pid,comm -p \(pid),"),
                    "\(run.stdout)\(run.stderr)")
            #expect(!run.stderr.contains("umount"), "\(run.stderr)")
            // dockerd's containerd writes its own database in the store meanwhile.
            let changed = root.changes(since: before).filter { !$0.hasPrefix("var/lib/docker/") }
            #expect(changed.isEmpty, "\(changed)")
            dockerd.stop()
            let again = try root.dockstore(["teardown"])
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        }
    }
}
