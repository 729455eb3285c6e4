import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Dockerd {
    /// Starts dockerd as docker.service does, `dockerd $DOCKER_OPTS` with the test root's
    /// /etc/sysconfig/docker, reading its config file where DOCKER_OPTS says — no
    /// `--config-file` added: in a mount namespace of its own, the test root's /etc/docker is
    /// bound over /etc/docker, so /etc/docker/daemon.json and a `--config-file` under
    /// /etc/docker are the test root's files. Returns nil with its log when it exits before
    /// answering.
    static func startReadingOptions(in root: TestRoot, dataRoot: String) throws -> (Dockerd?, String) {
        let daemon = Dockerd(root: root)
        let script = """
            set -e
            [ -f "$ROOT/etc/sysconfig/docker" ] && . "$ROOT/etc/sysconfig/docker"
            mount --make-rprivate /
            mount --bind "$ROOT/etc/docker" /etc/docker
            exec /usr/sbin/dockerd $DOCKER_OPTS \
              --data-root "$DATA" --exec-root "$ROOT/run/docker" --pidfile "$ROOT/run/docker.pid" \
              --host "unix://$ROOT/run/docker.sock" --iptables=false --ip-masq=false --bridge=none
            """
        daemon.process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        daemon.process.arguments = ["--mount", "--propagation", "private", "/bin/bash", "-c", script]
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
}
