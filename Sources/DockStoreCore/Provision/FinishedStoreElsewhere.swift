/// A store dockstore finished at another mountpoint of this root: its fstab line (btrfs, with
/// dockstore's ordering option `x-systemd.before=dockstore-provision.service`, which only
/// provision writes) mounts something else than the mountpoint asked for. Docker serves one
/// store, and its drop-in can name only one: provision of a second store would point Docker
/// away from the first and a plain provision back again (attack 9, the drop-in flip-flopping
/// between two stores). `StoreElsewhere` is the other half: a store mounted elsewhere that has
/// no line yet. Another tree's store (a nested --root) has its line in its own fstab, and an
/// admin's own line carries no ordering option: neither counts.
public struct FinishedStoreElsewhere: Sendable, Equatable {
    /// The line's number (from 1) and its text as the file holds it.
    public var lineNumber: Int
    public var line: String
    public var entry: FstabEntry
    /// The line mounts an image and no file is at that path in this root (moved or deleted):
    /// "keep that one" then means putting it back first, since a provision of that line with the
    /// image missing makes a new, empty store (attack 22 G5). Set by `observe`.
    public var imageMissing = false

    /// The first dockstore line in `fstab` mounting at another place than `mountpoint`.
    public static func find(fstab: FstabFile, mountpoint: HostPath) -> FinishedStoreElsewhere? {
        for (index, line) in fstab.lines.enumerated() {
            guard let entry = line.entry, entry.fstype == "btrfs", entry.options.contains(ProvisionRequest.orderingOption),
                  !entry.normalizedTarget.sameBytes(mountpoint.string) else { continue }
            return FinishedStoreElsewhere(lineNumber: index + 1, line: ShownBytes.text(line.raw), entry: entry)
        }
        return nil
    }

    /// `find`, with whether the line's image is missing read in `host`.
    static func observe(fstab: [UInt8]?, mountpoint: HostPath, host: Host) throws -> FinishedStoreElsewhere? {
        guard var found = find(fstab: FstabFile(bytes: fstab ?? []), mountpoint: mountpoint) else { return nil }
        let source = found.entry.normalizedSource
        guard source.hasPrefix("/"), !source.hasPrefix("/dev/") else { return found }
        let image: HostPath
        do {
            image = try HostPath(source, what: "the image fstab mounts")
        } catch {
            return found // no path dockstore can read: the generic refusal
        }
        found.imageMissing = try host.statusInRoot(image) == nil
        return found
    }

    /// provision's refusal: one line naming the fstab line and the ways out.
    public func refusal(asked mountpoint: HostPath, host: Host) -> DockStoreError {
        let rootFlags = host.root == "/" ? "" : " --root \(host.root)"
        let at = "--mountpoint \(entry.normalizedTarget)" + (entry.normalizedSource.hasPrefix("/") ? " --image \(entry.normalizedSource)" : "")
        let target: String
        do { target = host.real(try HostPath(entry.normalizedTarget, what: "fstab's mountpoint")) } catch { target = entry.normalizedTarget }
        if imageMissing {
            let image = entry.normalizedSource
            return DockStoreError.refused("\(host.real(HostPaths.fstab)) line \(lineNumber) ('\(line)') mounts a store dockstore set up at \(target) in the image \(image), not at \(host.real(mountpoint)), and no file is at that path in this root (moved or deleted): dockstore keeps one store per root (Docker's drop-in names one); to keep that store, put its image back at \(image) and run dockstore provision \(at)\(rootFlags) (without the image it makes a new, empty store); to give it up, take it down (dockstore teardown \(at)\(rootFlags)), then re-run; nothing was changed")
        }
        return DockStoreError.refused("\(host.real(HostPaths.fstab)) line \(lineNumber) ('\(line)') mounts a store dockstore set up at \(target), not at \(host.real(mountpoint)): dockstore keeps one store per root (Docker's drop-in names one); keep that one (dockstore provision \(at)\(rootFlags)) or take it down first (dockstore teardown \(at)\(rootFlags)), then re-run; nothing was changed")
    }
}
