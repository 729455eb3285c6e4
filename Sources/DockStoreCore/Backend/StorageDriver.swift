/// The storage drivers dockerd knows, their option keys (as dockerd's graphdrivers parse
/// them, lowercased) and the filesystems they can live on.
public enum StorageDriver: String, Sendable, CaseIterable {
    case btrfs, overlay2, devicemapper, vfs, zfs
    case fuseOverlayfs = "fuse-overlayfs"

    public var name: String { rawValue }

    public init(parsing text: String) throws {
        guard let driver = StorageDriver(rawValue: text) else {
            let known = StorageDriver.allCases.map(\.rawValue).joined(separator: ", ")
            throw DockStoreError.usage("'\(text)' is not a storage driver dockerd knows; give one of \(known)")
        }
        self = driver
    }

    public var optionKeys: [String] {
        switch self {
        case .btrfs: return ["btrfs.min_space"]
        case .overlay2: return ["overlay2.override_kernel_check", "overlay2.size"]
        case .devicemapper:
            return ["dm.basesize", "dm.blkdiscard", "dm.blocksize", "dm.datadev", "dm.directlvm_device",
                    "dm.directlvm_device_force", "dm.fs", "dm.libdm_log_level", "dm.loopdatasize", "dm.loopmetadatasize",
                    "dm.metadatadev", "dm.min_free_space", "dm.mkfsarg", "dm.mountopt", "dm.override_udev_sync_check",
                    "dm.thinp_autoextend_percent", "dm.thinp_autoextend_threshold", "dm.thinp_metapercent",
                    "dm.thinp_percent", "dm.thinpooldev", "dm.use_deferred_deletion", "dm.use_deferred_removal",
                    "dm.xfs_nospace_max_retries"]
        case .vfs: return ["size"]
        case .zfs: return ["zfs.fsname"]  // zfs.mountopt came after 20.10: "Unknown option"
        case .fuseOverlayfs: return []
        }
    }

    /// Whether the storage option `option` (KEY=VALUE, as DOCKER_OPTS or daemon.json gives it)
    /// belongs to `driver`: its key is one the driver parses (vfs's `size` has no `vfs.`
    /// prefix: attack 17, A2), or carries the driver's prefix.
    static func option(_ option: String, isOf driver: String) -> Bool {
        let key = option.prefix(while: { $0 != "=" }).lowercased()
        if let known = StorageDriver(rawValue: driver), known.optionKeys.contains(key) { return true }
        return key.hasPrefix(driver + ".")
    }

    /// Whether the driver can keep its data on `filesystem` (at the data root), and if not, why.
    public func fits(_ filesystem: FilesystemType) -> String? {
        switch self {
        case .btrfs:
            return filesystem.name == "btrfs" ? nil : "the btrfs driver needs a btrfs filesystem"
        case .zfs:
            return filesystem.name == "zfs" ? nil : "the zfs driver needs a zfs dataset"
        case .overlay2:
            if ["aufs", "ecryptfs", "nfs", "overlay", "zfs"].contains(filesystem.name) {
                return "overlay2 cannot use \(filesystem.name) as its backing filesystem"
            }
            if filesystem.supportsDType == false {
                return filesystem.name == "xfs"
                    ? "overlay2 needs d_type, and this xfs was made without ftype=1 (reformat with mkfs.xfs -n ftype=1)"
                    : "overlay2 needs d_type, which this filesystem does not record"
            }
            return nil
        case .devicemapper, .vfs, .fuseOverlayfs:
            return nil
        }
    }
}

/// One `--storage-opt KEY=VALUE`, checked against its driver and against what bash and
/// systemd would do to it in DOCKER_OPTS.
public struct StorageOption: Sendable, Equatable, CustomStringConvertible {
    public var key: String
    public var value: String

    /// Characters that survive word splitting, globbing and both quoting layers unchanged.
    static func isSafe(_ ch: Character) -> Bool {
        ch.isASCII && (ch.isLetter || ch.isNumber || "._,:=/+@%-".contains(ch))
    }

    public init(parsing text: String, for driver: StorageDriver) throws {
        guard let equals = text.firstIndex(of: "=") else {
            throw DockStoreError.usage("--storage-opt '\(text)' is not KEY=VALUE")
        }
        try Self.checkWord(text, what: "--storage-opt")
        if let problem = Self.problem(text, for: driver) {
            throw DockStoreError.usage("--storage-opt \(problem)")
        }
        key = String(text[..<equals]).lowercased()
        value = String(text[text.index(after: equals)...])
    }

    /// Why dockerd 20.10 would not start with the storage option `text` for `driver` ("'TEXT'
    /// …": the rest of a sentence), or nil when it takes it: not KEY=VALUE, a key the driver
    /// does not know, an empty value, a value its parseOptions refuses (`StorageOptionValue`).
    /// `backend DRIVER`, the settings and `backend`/`status`'s report judge by this one rule.
    public static func problem(_ text: String, for driver: StorageDriver) -> String? {
        guard let equals = text.firstIndex(of: "=") else { return "'\(text)' is not KEY=VALUE" }
        // dockerd trims the key (ParseKeyValueOpt) and lowercases it, except vfs's.
        let given = StorageOptionValue.goTrimSpace(String(text[..<equals]))
        let key = given.lowercased()
        let value = String(text[text.index(after: equals)...])
        if driver == .vfs, given != key, driver.optionKeys.contains(key) {
            return "'\(text)': vfs reads its key in lower case only (dockerd: unknown option \(given) for vfs); give \(key)=\(value)"
        }
        guard driver.optionKeys.contains(key) else {
            let known = driver.optionKeys.isEmpty ? "it takes none" : "known keys: " + driver.optionKeys.joined(separator: ", ")
            return "'\(text)': \(driver.name) has no option '\(key)'; \(known)"
        }
        if StorageOptionValue.goTrimSpace(value).isEmpty {
            return "'\(text)': the value after '=' is empty; \(example(key))"
        }
        if let problem = StorageOptionValue.problem(key: key, value: value) {
            return "'\(text)': \(problem), and dockerd refuses to start on it; \(example(key))"
        }
        return nil
    }

    /// A value dockerd takes for `key`, for the refusal's remedy.
    static func example(_ key: String) -> String {
        if StorageOptionValue.sizeKeys.contains(key) { return "give a size, e.g. \(key)=10G" }
        if StorageOptionValue.boolKeys.contains(key) { return "give true or false, e.g. \(key)=true" }
        switch key {
        case "dm.fs": return "give dm.fs=xfs or dm.fs=ext4"
        case "dm.min_free_space": return "give a percentage below 100, e.g. dm.min_free_space=10%"
        case "dm.libdm_log_level": return "give a level from 2 to 7, e.g. dm.libdm_log_level=3"
        default: return "give \(key)=VALUE"
        }
    }

    public var description: String { "\(key)=\(value)" }

    /// Refuses a word that bash or systemd would split, expand or glob in `$DOCKER_OPTS`.
    static func checkWord(_ text: String, what: String) throws {
        if let bad = text.first(where: { !isSafe($0) }) {
            let shown = bad == " " ? "a space" : bad.isWhitespace ? "whitespace" : "'\(bad)'"
            throw DockStoreError.usage("\(what) '\(text)' contains \(shown): DOCKER_OPTS is split into words and expanded by the shell, so it would not reach dockerd as written; use only letters, digits and . _ , : = / + @ % -")
        }
    }
}
