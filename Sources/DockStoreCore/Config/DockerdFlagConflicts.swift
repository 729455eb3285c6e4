/// dockerd 20.10's refusal of a directive given both as a flag and in its config file (moby
/// v20.10.24 daemon/config/config.go, findConfigurationConflicts): for every flag the command
/// line sets (pflag's `Visit`: set at least once, to any value), the config file's key for it —
/// its NamedOption name for a named flag (`labels` for `--label`, `storage-opts` for
/// `--storage-opt`, `hosts` for `-H`; `DockerdFlags.Flag.named`), else its own name — is looked
/// up in the file's keys after one level of nesting is flattened (`DaemonJSON.keysSeen`). A key
/// that is there, whatever its value (`null` and equal values too), stops dockerd: "the
/// following directives are specified both as a flag and in the configuration file". Only
/// `runtimes` (`--add-runtime`) is exempt (skipDuplicates). The file's key for a named flag's own
/// name (`label` beside `--label`) is no conflict. dockerd also looks up a flag's shorthand
/// as a key (`D`), but such a key is no option and already refused as unknown before
/// (`DaemonJSON.unknownKeys`), so it is not repeated here.
enum DockerdFlagConflicts {
    static let skipDuplicates: Set<String> = ["runtimes"]

    /// One key set both ways, with the DOCKER_OPTS words that set the flag, as written.
    struct Conflict: Sendable, Equatable {
        var key: String
        var flags: [String]
    }

    /// The keys of `configKeys` the flags of `line` (split from `words`) conflict with, sorted.
    static func find(_ line: DockerdCommandLine, words: [String], configKeys: Set<String>) -> [Conflict] {
        var byKey: [String: [String]] = [:]
        for setting in line.settings {
            let key = setting.flag.configKey
            guard configKeys.contains(key), !skipDuplicates.contains(key) else { continue }
            byKey[key, default: []].append(words[setting.words].joined(separator: " "))
        }
        return byKey.keys.sorted().map { Conflict(key: $0, flags: byKey[$0] ?? []) }
    }
}
