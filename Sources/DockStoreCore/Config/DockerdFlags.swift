/// The flags of dockerd 20.10 (Debian's docker.io 20.10.24, build 5d6db84, the `dockerd` on
/// the build machines), each with its shorthand and whether it takes a value — what pflag needs
/// to split a command line as dockerd does (`DockerdCommandLine`).
///
/// How the table was made: the shown flags are the lines of
/// `dockerd --help | grep -E '^\s+(-[A-Za-z], )?--[a-z]'` — `-s, --storage-driver string`: a
/// type word (string, int, list, map, ip, bytes, ulimit, runtime, pool-options) means it takes
/// a value, no type word means a bool (pflag's NoOptDefVal "true"); one wrapped description line
/// that begins with `--tlsverify` is the same flag again. The hidden and deprecated ones, which
/// `--help` does not show but pflag still parses, are from moby v20.10.24 cmd/dockerd/config.go
/// (`MarkHidden`: graph/-g, network-diagnostic-port; `MarkDeprecated`: restart/-r,
/// cluster-advertise, cluster-store, cluster-store-opt). `named` is the `opts.NamedOption`
/// name of a flag whose Value implements it (NewNamedListOptsRef, NewNamedMapOpts,
/// NewNamedUlimitOpt, NewNamedRuntimeOpt, PoolsOpt, and -H's hosts in cmd/dockerd/options.go):
/// the daemon.json key its conflict check looks at instead of the flag name.
/// 64 flags take a value, 21 are bools (with help, version and restart).
/// DockerOptsOracleTests checks this table against the real dockerd.
enum DockerdFlags {
    struct Flag: Sendable, Equatable {
        /// The long name, without `--`.
        var name: String
        var short: Character?
        var bool: Bool
        /// The daemon.json key dockerd's conflict check pairs with this flag
        /// (config.go findConfigurationConflicts): its NamedOption name, else its own name.
        var named: String?
        /// The check pflag's Value.Set makes while parsing, where dockstore makes it too.
        var check: DockerdValueCheck?

        init(_ name: String, short: Character? = nil, bool: Bool = false, named: String? = nil, check: DockerdValueCheck? = nil) {
            self.name = name
            self.short = short
            self.bool = bool
            self.named = named
            self.check = check
        }

        var configKey: String { named ?? name }
    }

    static let all: [Flag] = shown + hidden

    /// What `dockerd --help` shows.
    static let shown: [Flag] = [
        Flag("add-runtime", named: "runtimes"),
        Flag("allow-nondistributable-artifacts", named: "allow-nondistributable-artifacts"),
        Flag("api-cors-header"),
        Flag("authorization-plugin", named: "authorization-plugins"),
        Flag("bip"),
        Flag("bridge", short: "b"),
        Flag("cgroup-parent"),
        Flag("config-file"),
        Flag("containerd"),
        Flag("containerd-namespace"),
        Flag("containerd-plugins-namespace"),
        Flag("cpu-rt-period", check: .integer),
        Flag("cpu-rt-runtime", check: .integer),
        Flag("cri-containerd", bool: true),
        Flag("data-root"),
        Flag("debug", short: "D", bool: true),
        Flag("default-address-pool", named: "default-address-pools"),
        Flag("default-cgroupns-mode"),
        Flag("default-gateway"),
        Flag("default-gateway-v6"),
        Flag("default-ipc-mode"),
        Flag("default-runtime"),
        Flag("default-shm-size"),
        Flag("default-ulimit", named: "default-ulimits"),
        Flag("dns"),
        Flag("dns-opt", named: "dns-opts"),
        Flag("dns-search"),
        Flag("exec-opt", named: "exec-opts"),
        Flag("exec-root"),
        Flag("experimental", bool: true),
        Flag("fixed-cidr"),
        Flag("fixed-cidr-v6"),
        Flag("group", short: "G"),
        Flag("help", bool: true),
        Flag("host", short: "H", named: "hosts"),
        Flag("host-gateway-ip"),
        Flag("icc", bool: true),
        Flag("init", bool: true),
        Flag("init-path"),
        Flag("insecure-registry", named: "insecure-registries"),
        Flag("ip"),
        Flag("ip-forward", bool: true),
        Flag("ip-masq", bool: true),
        Flag("ip6tables", bool: true),
        Flag("iptables", bool: true),
        Flag("ipv6", bool: true),
        Flag("label", named: "labels", check: .label),
        Flag("live-restore", bool: true),
        Flag("log-driver"),
        Flag("log-level", short: "l"),
        Flag("log-opt", named: "log-opts"),
        Flag("max-concurrent-downloads", check: .integer),
        Flag("max-concurrent-uploads", check: .integer),
        Flag("max-download-attempts", check: .integer),
        Flag("metrics-addr"),
        Flag("mtu", check: .integer),
        Flag("network-control-plane-mtu", check: .integer),
        Flag("no-new-privileges", bool: true),
        Flag("node-generic-resource", named: "node-generic-resources"),
        Flag("oom-score-adjust", check: .integer),
        Flag("pidfile", short: "p"),
        Flag("raw-logs", bool: true),
        Flag("registry-mirror", named: "registry-mirrors"),
        Flag("rootless", bool: true),
        Flag("seccomp-profile"),
        Flag("selinux-enabled", bool: true),
        Flag("shutdown-timeout", check: .integer),
        Flag("storage-driver", short: "s"),
        Flag("storage-opt", named: "storage-opts"),
        Flag("swarm-default-advertise-addr"),
        Flag("tls", bool: true),
        Flag("tlsverify", bool: true),
        Flag("tlscacert"),
        Flag("tlscert"),
        Flag("tlskey"),
        Flag("userland-proxy", bool: true),
        Flag("userland-proxy-path"),
        Flag("userns-remap"),
        Flag("version", short: "v", bool: true),
    ]

    /// Parsed by pflag, not shown by `--help`.
    static let hidden: [Flag] = [
        Flag("graph", short: "g"),
        Flag("restart", short: "r", bool: true),
        Flag("cluster-advertise"),
        Flag("cluster-store"),
        Flag("cluster-store-opt", named: "cluster-store-opts"),
        Flag("network-diagnostic-port", check: .integer),
    ]

    static let byName: [String: Flag] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    static let byShort: [Character: Flag] = Dictionary(all.compactMap { flag in flag.short.map { ($0, flag) } },
                                                       uniquingKeysWith: { first, _ in first })
}
