/// Finding, adopting and writing the one fstab line that mounts Docker's storage.
extension FstabFile {
    /// What to do with fstab so that exactly one line mounts `source` at `target` with at
    /// least `requiredOptions`.
    public enum StoreLineEdit: Sendable, Equatable {
        /// The line is there with every required option.
        case inPlace(FstabEntry)
        /// A new line goes at the end.
        case append(FstabEntry)
        /// The line at this 0-based index (ours, or the one SUSE's docker-img-store-setup
        /// wrote) gets the missing options; the options already there stay.
        case adopt(index: Int, old: FstabEntry, new: FstabEntry)
    }

    /// Plans the edit, or refuses when another line claims the mountpoint or the source.
    /// `aliases` are other sources that name the same store (`/dev/xvdf` for `UUID=…`); a
    /// line using one is adopted and rewritten with `source`.
    public func storeLineEdit(source: String, aliases: [String] = [], target: HostPath, fstype: String,
                              requiredOptions: [String], pass: String = "0", path: String) throws -> StoreLineEdit {
        // A line that names the mountpoint or the source but cannot be read (fewer than three
        // fields, bytes that are not UTF-8, a NUL) is a half-written claim on the store, or one
        // dockstore cannot judge: refuse rather than add a second line.
        if let bad = unreadableLine(naming: [target.string, source]) {
            throw DockStoreError.refused("\(path) line \(bad.index + 1) names \(bad.name) but is not a valid fstab line (\(bad.reason)): fix or remove it and re-run")
        }
        let atTarget = entries(mountingAt: target)
        if atTarget.count > 1 {
            let numbers = atTarget.map { String($0.index + 1) }.joined(separator: ", ")
            throw DockStoreError.refused("\(path) has \(atTarget.count) lines for \(target) (lines \(numbers)); remove all but one and re-run")
        }
        if let elsewhere = entries(withSource: source).first(where: { !$0.entry.normalizedTarget.sameBytes(target.string) }) {
            throw DockStoreError.refused("\(path) line \(elsewhere.index + 1) mounts \(source.shellWord) at \(elsewhere.entry.target.shellWord) too; remove that line, a store must be mounted once")
        }
        guard let existing = atTarget.first else {
            return .append(FstabEntry(source: source, target: target.string, fstype: fstype, options: requiredOptions,
                                      pass: pass))
        }
        let entry = existing.entry
        guard entry.normalizedSource.sameBytes(source) || aliases.contains(where: { $0.sameBytes(entry.normalizedSource) }) else {
            // dockstore's own line for a volume store (UUID= and its ordering before the boot
            // unit): the store is on a volume that is not the one named now, perhaps not yet
            // attached, or renamed at a reboot (attack 13 X6). Removing the line gives it up.
            if entry.source.hasPrefix("UUID="), entry.options.contains(ProvisionRequest.orderingOption) {
                throw DockStoreError.refused("\(path) line \(existing.index + 1) mounts \(entry.source) at \(target), the store dockstore set up on a volume, and \(source) is not that volume (a reboot can give its name to another): attach the volume that holds \(entry.source) (or name it by its vol-… id) and re-run; remove that line only to give up that store and the data on it")
            }
            throw DockStoreError.refused("\(path) line \(existing.index + 1) already mounts \(entry.source) at \(target); remove that line or choose another --mountpoint")
        }
        guard entry.fstype == fstype || entry.fstype == "auto" else {
            throw DockStoreError.refused("\(path) line \(existing.index + 1) mounts \(source) as \(entry.fstype), not \(fstype); fix or remove that line")
        }
        let merged = Self.merge(entry.options, requiredOptions)
        if merged == entry.options && entry.fstype == fstype && entry.source == source { return .inPlace(entry) }
        var updated = entry
        updated.source = source
        updated.options = merged
        updated.fstype = fstype
        return .adopt(index: existing.index, old: entry, new: updated)
    }

    /// Keeps the options already there (dropping a bare `defaults`, and the bare `loop` of
    /// older lines: see `ProvisionRequest.imageMountOptions`) and adds the required ones that
    /// are missing. An admin's own discard choice is kept.
    static func merge(_ existing: [String], _ required: [String]) -> [String] {
        var result = existing.filter { $0 != "defaults" && $0 != "loop" }
        func key(_ option: String) -> String { String(option.split(separator: "=", maxSplits: 1).first ?? "") }
        let discardKeys: Set<String> = ["discard", "nodiscard"]
        for option in required {
            if result.contains(option) { continue }
            if discardKeys.contains(key(option)), result.contains(where: { discardKeys.contains(key($0)) }) { continue }
            result.append(option)
        }
        return result
    }
}
