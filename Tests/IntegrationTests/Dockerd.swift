import Foundation
#if canImport(Glibc)
import Glibc
#endif

let hasDockerd = FileManager.default.isExecutableFile(atPath: "/usr/sbin/dockerd")
    && FileManager.default.isExecutableFile(atPath: "/usr/bin/docker")
    && FileManager.default.isExecutableFile(atPath: "/bin/busybox")
let needsDockerd = "needs root and Debian's docker.io and busybox-static (scripts/test installs them)"

/// A real dockerd started the way SUSE's docker.service starts it — `dockerd $DOCKER_OPTS`
/// with the words bash reads from the test root's /etc/sysconfig/docker — plus test-only
/// flags that keep it inside the test root. `stop()` ends it and its containerd.
final class Dockerd {
    let root: TestRoot
    let process = Process()
    var socket: String { root.path + "/run/docker.sock" }
    var log: String { root.path + "/dockerd.log" }

    /// Starts dockerd; returns nil with its log when it exits before answering.
    static func start(in root: TestRoot, dataRoot: String) throws -> (Dockerd?, String) {
        let daemon = Dockerd(root: root)
        let config = root.path + "/etc/docker/daemon.json"
        if !FileManager.default.fileExists(atPath: config) { try root.write(config, "{}\n") }
        let script = """
            set -e
            [ -f "$ROOT/etc/sysconfig/docker" ] && . "$ROOT/etc/sysconfig/docker"
            exec /usr/sbin/dockerd $DOCKER_OPTS --config-file "$ROOT/etc/docker/daemon.json" \
              --data-root "$DATA" --exec-root "$ROOT/run/docker" --pidfile "$ROOT/run/docker.pid" \
              --host "unix://$ROOT/run/docker.sock" --iptables=false --ip-masq=false --bridge=none
            """
        return try launch(daemon, "/bin/bash", ["-c", script], dataRoot: dataRoot)
    }

    /// Runs `executable` with `arguments` (a script that execs dockerd with the test root in
    /// $ROOT and the data root in $DATA), its output in `log`, and waits up to 30 s until
    /// dockerd answers; nil with its log when it exits first.
    static func launch(_ daemon: Dockerd, _ executable: String, _ arguments: [String], dataRoot: String) throws -> (Dockerd?, String) {
        let root = daemon.root
        daemon.process.executableURL = URL(fileURLWithPath: executable)
        daemon.process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["ROOT"] = root.path
        env["DATA"] = dataRoot
        daemon.process.environment = env
        _ = FileManager.default.createFile(atPath: daemon.log, contents: nil)
        let handle = FileHandle(forWritingAtPath: daemon.log)
        daemon.process.standardOutput = handle
        daemon.process.standardError = handle
        daemon.process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try daemon.process.run()
        for _ in 0..<300 {
            if !daemon.process.isRunning {
                return (nil, (try? String(contentsOfFile: daemon.log, encoding: .utf8)) ?? "")
            }
            if let info = try? daemon.docker(["info", "--format", "{{.Driver}}"]), info.status == 0 {
                return (daemon, "")
            }
            usleep(100_000)
        }
        daemon.stop()
        throw TestFailure("dockerd did not answer within 30 s: \((try? String(contentsOfFile: daemon.log, encoding: .utf8)) ?? "")")
    }

    init(root: TestRoot) { self.root = root }

    func docker(_ arguments: [String], input: String? = nil) throws -> RunResult {
        try root.run("/usr/bin/docker", ["-H", "unix://\(socket)"] + arguments)
    }

    /// Imports a one-binary busybox image as `busybox:test`.
    func importBusybox() throws {
        let rootfs = root.path + "/busybox-rootfs"
        try root.sh("mkdir -p \(rootfs)/bin && cp /bin/busybox \(rootfs)/bin/ && ln -sf busybox \(rootfs)/bin/sh && tar -C \(rootfs) -c . | /usr/bin/docker -H unix://\(socket) import - busybox:test >/dev/null")
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        for _ in 0..<200 where process.isRunning { usleep(100_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        // The containerd dockerd started for itself, should it outlive dockerd.
        _ = try? root.run("/usr/bin/pkill", ["-f", "\(root.path)/run/docker/containerd"])
    }
}
