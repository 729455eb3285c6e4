/// How dockerd 20.10 reads the value of each storage option dockstore accepts, in the
/// drivers' own parseOptions (moby v20.10 daemon/graphdriver/{btrfs,overlay2,vfs,zfs}, and
/// devmapper's NewDeviceSet): pkg/parsers.ParseKeyValueOpt trims the value (strings.TrimSpace),
/// then each key takes go-units RAMInBytes, strconv.ParseBool, ParseUint/ParseInt with a
/// range, or any text. A value dockerd refuses stops it at start ("error initializing
/// graphdriver"), so dockstore refuses it before writing it.
enum StorageOptionValue {
    static let sizeKeys: Set<String> = ["btrfs.min_space", "overlay2.size", "size", "dm.basesize", "dm.loopdatasize",
                                        "dm.loopmetadatasize", "dm.blocksize"]
    static let boolKeys: Set<String> = ["overlay2.override_kernel_check", "dm.blkdiscard", "dm.override_udev_sync_check",
                                        "dm.use_deferred_removal", "dm.use_deferred_deletion", "dm.directlvm_device_force"]

    /// Why dockerd refuses `value` for `key` (lowercased), in words that say what it takes; nil
    /// when dockerd reads it.
    static func problem(key: String, value raw: String) -> String? {
        let value = goTrimSpace(raw)
        if value.isEmpty { return "the value is empty" }
        if sizeKeys.contains(key) {
            return GoSize.ramInBytes(Array(value.utf8)) == nil
                ? "'\(value)' is not a size dockerd reads (invalid size: digits with an optional fraction, then an optional unit k, m, g, t or p with an optional i and b, such as 10G, 512MiB or 1.5g; no sign, no E)" : nil
        }
        if boolKeys.contains(key) {
            return goParseBool(value) == nil ? "'\(value)' is not a boolean dockerd reads (true, false, 1, 0, t, f, TRUE, FALSE, True, False)" : nil
        }
        switch key {
        case "dm.fs":
            return value == "ext4" || value == "xfs" ? nil : "'\(value)' is not ext4 or xfs (the only filesystems devicemapper makes)"
        case "dm.min_free_space":
            guard value.hasSuffix("%"), let percent = goParseUint(String(value.dropLast()), bits: 32) else {
                return "'\(value)' is not a percentage such as 10% (digits, then %)"
            }
            return percent < 100 ? nil : "'\(value)' is not below 100%"
        case "dm.xfs_nospace_max_retries":
            return goParseUint(value, bits: 64) == nil ? "'\(value)' is not a whole number of retries (digits only)" : nil
        case "dm.thinp_percent", "dm.thinp_metapercent", "dm.thinp_autoextend_percent", "dm.thinp_autoextend_threshold":
            let limit: UInt64 = key.hasPrefix("dm.thinp_autoextend") ? 100 : 99
            let digits = value.hasSuffix("%") ? String(value.dropLast()) : value
            guard let percent = goParseUint(digits, bits: 32) else { return "'\(value)' is not a percentage (digits, an optional %)" }
            return percent <= limit ? nil : "'\(value)' is not \(limit == 100 ? "at most 100" : "below 100")"
        case "dm.libdm_log_level":
            guard let level = goParseInt(value, bits: 32), (2...7).contains(level) else {
                return "'\(value)' is not a libdm log level from 2 (fatal) to 7 (debug)"
            }
            return nil
        default:
            // dm.mkfsarg, dm.mountopt, dm.datadev, dm.metadatadev, dm.thinpooldev,
            // dm.directlvm_device, zfs.fsname: taken as written.
            return nil
        }
    }

    /// Whether the option asks for a per-container size limit, which needs project quota
    /// (overlay2 on xfs mounted with prjquota; vfs likewise): a size RAMInBytes reads as 0 does
    /// not (dockerd tests `quota.Size > 0`).
    static func asksForQuota(key: String, value: String) -> Bool {
        // vfs's `size` needs it too (quota.NewControl), but is not judged here yet: which ext4
        // mounts answer Q_XGETQSTAT_PRJQUOTA has no oracle row.
        guard key == "overlay2.size" else { return false }
        return (GoSize.ramInBytes(Array(goTrimSpace(value).utf8)) ?? 0) >= 1
    }

    /// Go's strings.TrimSpace: leading and trailing Unicode White_Space.
    static func goTrimSpace(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }

    /// strconv.ParseBool: the words of dockerd's own bool flags (`DockerdCommandLine.boolWords`).
    static func goParseBool(_ text: String) -> Bool? { DockerdCommandLine.boolWords[text] }

    /// strconv.ParseUint(text, 10, bits): ASCII digits only, within the bit size.
    static func goParseUint(_ text: String, bits: Int) -> UInt64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let value = UInt64(text) else { return nil }
        return bits >= 64 || value < (UInt64(1) << UInt64(bits)) ? value : nil
    }

    /// strconv.ParseInt(text, 10, bits): an optional sign, then ASCII digits, within the bit size.
    static func goParseInt(_ text: String, bits: Int) -> Int64? {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" { negative = sign == "-"; digits = digits.dropFirst() }
        guard let magnitude = goParseUint(String(digits), bits: 64) else { return nil }
        let limit = UInt64(1) << UInt64(bits - 1)
        guard negative ? magnitude <= limit : magnitude < limit else { return nil }
        return negative ? (magnitude == limit ? Int64(bitPattern: 0 &- magnitude) : -Int64(magnitude)) : Int64(magnitude)
    }
}
