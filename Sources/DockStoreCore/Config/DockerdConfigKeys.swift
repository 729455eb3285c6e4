/// The keys dockerd 20.10 accepts at the top of daemon.json (or one level down, where it
/// flattens nested objects). Source: moby v20.10 daemon/config/config.go,
/// findConfigurationConflicts: a key is known when `flags.Lookup(key)` finds a dockerd flag
/// (hidden and deprecated ones too: `graph`, `restart`, `cluster-store-opt`), when it is the
/// name of a NamedOption flag (`storage-opts` for `--storage-opt`, `hosts`, `labels`, …; these
/// are the json tags of its Config struct), or in skipValidateOptions (`features`, `builder`).
/// Any other key — another case, a NUL or other byte added, a typo — stops dockerd: "the
/// following directives don't match any configuration option". The flag names are those of
/// cmd/dockerd/config.go, config_common_unix.go and config_unix.go in v20.10; the list was
/// taken from Debian's docker.io 20.10.24 and DaemonJSONOracleTests checks every key in it,
/// and variants of them, against that dockerd.
public enum DockerdConfigKeys {
    public static let known: Set<String> = [
        "add-runtime", "allow-nondistributable-artifacts", "api-cors-header", "authorization-plugin", "authorization-plugins", "bip",
        "bridge", "builder", "cgroup-parent", "cluster-advertise", "cluster-store", "cluster-store-opt",
        "cluster-store-opts", "config-file", "containerd", "containerd-namespace", "containerd-plugins-namespace", "cpu-rt-period",
        "cpu-rt-runtime", "cri-containerd", "data-root", "debug", "default-address-pool", "default-address-pools",
        "default-cgroupns-mode", "default-gateway", "default-gateway-v6", "default-ipc-mode", "default-runtime", "default-shm-size",
        "default-ulimit", "default-ulimits", "deprecated-key-path", "dns", "dns-opt", "dns-opts",
        "dns-search", "exec-opt", "exec-opts", "exec-root", "experimental", "features",
        "fixed-cidr", "fixed-cidr-v6", "graph", "group", "help", "host",
        "host-gateway-ip", "hosts", "icc", "init", "init-path", "insecure-registries",
        "insecure-registry", "ip", "ip-forward", "ip-masq", "ip6tables", "iptables",
        "ipv6", "label", "labels", "live-restore", "log-driver", "log-level",
        "log-opt", "log-opts", "max-concurrent-downloads", "max-concurrent-uploads", "max-download-attempts", "metrics-addr",
        "mtu", "network-control-plane-mtu", "network-diagnostic-port", "no-new-privileges", "node-generic-resource", "node-generic-resources",
        "oom-score-adjust", "pidfile", "raw-logs", "registry-mirror", "registry-mirrors", "restart",
        "rootless", "runtimes", "seccomp-profile", "selinux-enabled", "shutdown-timeout", "storage-driver",
        "storage-opt", "storage-opts", "swarm-default-advertise-addr", "tls", "tlscacert", "tlscert",
        "tlskey", "tlsverify", "userland-proxy", "userland-proxy-path", "userns-remap", "version",

    ]
}
