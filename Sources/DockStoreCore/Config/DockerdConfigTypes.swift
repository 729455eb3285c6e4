/// The Go type of each daemon.json key dockerd 20.10 decodes into its Config struct, taken
/// from moby v20.10.24 (commit 5d6db842238e3c4f5f9fb9ad70ea46b35227d084, the release Debian's
/// docker.io 20.10.24 packages): daemon/config/config.go (CommonConfig, LogConfig,
/// commonBridgeConfig, NetworkConfig, CommonTLSOptions, DNSConfig), config_unix.go (Config,
/// BridgeConfig), config_common_unix.go (CommonUnixConfig, commonUnixBridgeConfig), builder.go
/// (BuilderConfig), registry/config.go (ServiceOptions), opts/address_pools.go (PoolsOpt: an
/// array of ipamutils.NetworkToSplit), opts/opts.go (MemBytes), api/types (Runtime) and
/// go-units (Ulimit). `net.IP` fields (`ip`, `default-gateway`, `default-gateway-v6`,
/// `host-gateway-ip`) take a string. dockerd decodes the whole file into that struct after its
/// key check (getConflictFreeConfiguration), and a value of another type stops it.
///
/// Some json names are no dockerd flag (`resolv-conf`, `default-init`, `swarm-raft-*-tick`,
/// `containerd-plugin-namespace`): the key check refuses them at the top level, but an object
/// under a key that differs only in case reaches the decoder; they are listed for that.
/// Keys that are a flag but no json name (`label`, `storage-opt`, …) decode into nothing and
/// take any value.
enum DockerdConfigTypes {
    static let top: [String: DockerdValueType] = [
        // CommonConfig
        "authorization-plugins": .array(.string), "exec-opts": .array(.string), "storage-driver": .string,
        "storage-opts": .array(.string), "labels": .array(.string), "mtu": .int64, "network-diagnostic-port": .int64,
        "pidfile": .string, "raw-logs": .bool, "graph": .string, "data-root": .string, "exec-root": .string,
        "group": .string, "api-cors-header": .string, "deprecated-key-path": .string, "live-restore": .bool,
        "cluster-store": .string, "cluster-store-opts": .map(.string), "cluster-advertise": .string,
        "max-concurrent-downloads": .int64, "max-concurrent-uploads": .int64, "max-download-attempts": .int64,
        "shutdown-timeout": .int64, "debug": .bool, "hosts": .array(.string), "log-level": .string,
        "tls": .bool, "tlsverify": .bool, "swarm-default-advertise-addr": .string,
        "swarm-raft-heartbeat-tick": .uint32, "swarm-raft-election-tick": .uint32, "metrics-addr": .string,
        "experimental": .bool, "node-generic-resources": .array(.string), "containerd": .string,
        "cri-containerd": .bool, "features": .map(.bool), "builder": builder,
        "containerd-namespace": .string, "containerd-plugin-namespace": .string,
        // CommonTLSOptions
        "tlscacert": .string, "tlscert": .string, "tlskey": .string,
        // DNSConfig
        "dns": .array(.string), "dns-opts": .array(.string), "dns-search": .array(.string), "host-gateway-ip": .string,
        // LogConfig
        "log-driver": .string, "log-opts": .map(.string),
        // BridgeConfig, commonBridgeConfig, commonUnixBridgeConfig
        "bridge": .string, "fixed-cidr": .string, "ip": .string, "bip": .string, "default-gateway": .string,
        "default-gateway-v6": .string, "icc": .bool, "ipv6": .bool, "iptables": .bool, "ip6tables": .bool,
        "ip-forward": .bool, "ip-masq": .bool, "userland-proxy": .bool, "userland-proxy-path": .string,
        "fixed-cidr-v6": .string,
        // NetworkConfig
        "default-address-pools": .array(.fields(["base": .string, "size": .int64])), "network-control-plane-mtu": .int64,
        // registry.ServiceOptions
        "allow-nondistributable-artifacts": .array(.string), "registry-mirrors": .array(.string),
        "insecure-registries": .array(.string),
        // CommonUnixConfig
        "runtimes": .map(.fields(["path": .string, "runtimeArgs": .array(.string)])), "default-runtime": .string,
        "default-init": .string,
        // Config (config_unix.go)
        "cgroup-parent": .string, "selinux-enabled": .bool, "userns-remap": .string,
        "default-ulimits": .map(.fields(["Name": .string, "Hard": .int64, "Soft": .int64])),
        "cpu-rt-period": .int64, "cpu-rt-runtime": .int64, "oom-score-adjust": .int64, "init": .bool,
        "init-path": .string, "seccomp-profile": .string, "default-shm-size": .sizeString,
        "no-new-privileges": .bool, "default-ipc-mode": .string, "default-cgroupns-mode": .string,
        "resolv-conf": .string, "rootless": .bool,
    ]

    /// config.BuilderConfig: its fields carry no json name, so Go matches the field names.
    static let builder = DockerdValueType.fields([
        "GC": .fields([
            "Enabled": .bool,
            "Policy": .array(.fields(["All": .bool, "Filter": .gcFilter, "KeepStorage": .string])),
            "DefaultKeepStorage": .string,
        ]),
        "Entitlements": .fields(["network-host": .bool, "security-insecure": .bool]),
    ])
}
