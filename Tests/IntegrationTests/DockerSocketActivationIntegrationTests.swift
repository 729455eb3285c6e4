import DockStoreCore
import Foundation
import Testing

/// Outside attack 18, B-F3: with the store unmounted, check and status asked whether a dockerd
/// runs by connecting to /run/docker.sock. Under socket activation systemd holds that socket,
/// and a connection starts docker.service (and provision with it): a probe every minute woke
/// Docker, re-ran provision and tripped docker.socket's trigger limit. Here a listener that is
/// not dockerd holds the socket and counts connections: none may come, and it is not taken for
/// a dockerd on the bare folder.
@Suite(.serialized, .enabled(if: isRoot, Comment(rawValue: needsRoot)))
struct DockerSocketActivationIntegrationTests {
    @Test func aSocketHeldByAnotherProcessIsNeverConnectedTo() throws {
        try withTestRoot { root in
            try #require(try root.dockstore(["provision", "--size", "512M"]).status == 0)
            try root.sh("mkdir -p \(root.path)/run && umount \(root.mountpoint)")
            let socket = root.path + "/run/docker.sock", count = root.path + "/connections"
            let listener = try root.sh("""
                python3 -c 'import os,socket,sys
                os.closerange(3, 65536)
                s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8)
                while True:
                    c,_=s.accept(); open(sys.argv[2],"a").write("x"); c.close()' \(socket) \(count) </dev/null >/dev/null 2>&1 & echo $!
                """).trimmingCharacters(in: .whitespacesAndNewlines)
            // SIGKILL: the listener outlived SIGTERM here (a signal disposition inherited from the
            // test runner); by its command line too, as the pid sh gave need not be its own.
            defer { _ = try? root.sh("kill -9 \(listener) 2>/dev/null; pkill -9 -f -- '\(root.path)/[c]onnections' || true") }
            for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) { usleep(20_000) }
            try #require(FileManager.default.fileExists(atPath: socket), "the listener is up")
            let check = try root.dockstore(["check"])
            #expect(check.status == 3 && !check.stdout.contains("bare folder"), "nothing mounted, no dockerd: \(check.stdout)")
            let status = try root.dockstore(["status"])
            #expect(!status.stdout.contains("bare folder"), "\(status.stdout)")
            // As nobody, root's listener cannot be looked at: cannot tell, said so, not "a dockerd runs".
            try root.sh("chmod 755 \(root.path)")
            let nobody = try root.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", TestRoot.binary,
                                                            "check", "--root", root.path])
            #expect(nobody.status == 3 && nobody.stdout.contains("cannot tell whether a dockerd runs on the bare folder")
                        && nobody.stdout.contains("cannot tell which process listens on \(socket)"),
                    "\(nobody.stdout) \(nobody.stderr)")
            _ = try root.dockstore(["teardown", "--dry-run"])
            usleep(200_000)
            #expect(root.read(count) == nil, "dockstore connected to the socket: \(root.read(count) ?? "")")
        }
    }
}
