import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Dockerd {
    /// Starts dockerd as docker.service does, `dockerd $DOCKER_OPTS` with the test root's
    /// /etc/sysconfig/docker in its environment (as EnvironmentFile= puts it), reading its config file where DOCKER_OPTS says — no
    /// `--config-file` added: in a mount namespace of its own, the test root's /etc/docker is
    /// bound over /etc/docker, so /etc/docker/daemon.json and a `--config-file` under
    /// /etc/docker are the test root's files. Returns nil with its log when it exits before
    /// answering.
    static func startReadingOptions(in root: TestRoot, dataRoot: String) throws -> (Dockerd?, String) {
        let daemon = Dockerd(root: root)
        let script = """
            set -e
            # EnvironmentFile=: every assignment reaches dockerd's environment (DOCKER_DRIVER too).
            set -a
            [ -f "$ROOT/etc/sysconfig/docker" ] && . "$ROOT/etc/sysconfig/docker"
            set +a
            mount --make-rprivate /
            \(root.letGoOfOtherRootsMounts)
            mount --bind "$ROOT/etc/docker" /etc/docker
            exec /usr/sbin/dockerd $DOCKER_OPTS \
              --data-root "$DATA" --exec-root "$ROOT/run/docker" --pidfile "$ROOT/run/docker.pid" \
              --host "unix://$ROOT/run/docker.sock" --iptables=false --ip-masq=false --bridge=none
            """
        return try launch(daemon, "/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/bash", "-c", script], dataRoot: dataRoot)
    }
}
