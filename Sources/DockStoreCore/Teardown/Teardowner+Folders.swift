extension Teardowner {
    /// Removes each folder provision created that is empty, still a folder and owned by the
    /// user who owns the record (provision made both), deepest first; with `record`, then the
    /// record (`ProvisionFolderRecord`) and the recorded folders holding it (/var/lib/dockstore):
    /// while those hold nothing but the record, as provision made them, they are renamed away at
    /// once with the record inside and removed (`Host.retireFolderChain`), so that a kill at any
    /// moment leaves either the record, which a re-run reads, or the temporary folder, which
    /// every changing run sweeps; else the record goes first, then each of them while empty.
    /// `notMade` (folders the record names that teardown cannot judge provision's) all stay.
    /// Returns those removed and, for each one kept, a line saying why ("kept /etc: it is not
    /// empty (it holds dockstore.disabled)"), so teardown never reports a removal that did not
    /// happen. A folder already gone needs no word.
    ///
    /// A folder kept because a filesystem is mounted on it is kept for a while only: then the
    /// record is not removed but rewritten (atomically, its owner kept) to name the recorded
    /// folders this run did not remove, and the folders holding it stay, so a teardown after
    /// the unmount finishes (attack 8 F11: the record went, and the folders stayed for good).
    func removeFolders(_ folders: [HostPath], record: Bool, notMade: [HostPath] = []) throws -> (removed: [HostPath], kept: [String]) {
        var removed: [HostPath] = []
        var kept: [String] = []
        var mountedOn: [HostPath] = []
        let owner = record ? try host.statusInRoot(ProvisionFolderRecord.path)?.uid : nil
        let order = record ? ProvisionFolderRecord.removalOrder(folders) : (first: folders, holdsRecord: [])
        func remove(_ list: [HostPath]) throws {
            for folder in list {
                if let owner, let status = try host.statusInRoot(folder), status.kind == .directory, status.uid != owner {
                    kept.append("kept \(host.real(folder)): it belongs to uid \(status.uid) now, not to uid \(owner), who ran provision")
                } else if try host.removeFolderIfEmpty(folder) {
                    removed.append(folder)
                } else if let reason = try mountedReason(folder, then: "run teardown again, which removes it while empty") {
                    mountedOn.append(folder)
                    kept.append("kept \(host.real(folder)): \(reason)")
                } else if let reason = try keptReason(folder) {
                    kept.append("kept \(host.real(folder)): \(reason)")
                }
            }
        }
        try remove(order.first)
        var holdsRecord = order.holdsRecord
        if record, !mountedOn.isEmpty {
            let left = folders.filter { !removed.contains($0) }
            try AtomicFile.write(ProvisionFolderRecord.path, on: host, ProvisionFolderRecord.render(left), mode: 0o644)
            let names = mountedOn.map { host.real($0) }.joined(separator: ", ")
            kept.append("kept \(host.real(ProvisionFolderRecord.path)), now naming only the folders still to remove (\(left.map { host.real($0) }.joined(separator: ", "))): a filesystem is mounted on \(names); after unmounting it, run teardown again to remove them")
            holdsRecord = []
        } else if record {
            if let chain = ProvisionFolderRecord.retiredChain(holdsRecord),
               try host.sweepFolderChain(chain, accepts: FolderRecordDebris.accepts, removing: false, inPlace: true) == .ours {
                if try host.retireFolderChain(chain, accepts: FolderRecordDebris.accepts, failpoint: ProvisionFolderRecord.retireFailpoint) {
                    let own = ProvisionFolderRecord.path.parent
                    let inChain = holdsRecord.filter { own.isWithin($0) && $0.isWithin(chain.folder) }
                    removed += inChain
                    holdsRecord.removeAll { inChain.contains($0) }
                }
            } else {
                try host.removeFile(ProvisionFolderRecord.path)
            }
        }
        try remove(holdsRecord)
        for folder in notMade {
            guard try host.statusInRoot(folder) != nil else { continue }
            let reason = try mountedReason(folder, then: "remove the folder yourself")
                ?? "the record names it, but it is neither a folder provision makes for its files nor this teardown's mountpoint \(host.real(request.mountpoint)) (a provision with another --mountpoint made it, or the line was added by hand); remove it yourself if nothing needs it"
            kept.append("kept \(host.real(folder)): \(reason)")
        }
        return (removed, kept)
    }

    /// What is mounted on `folder`, which no rmdir can remove (EBUSY); nil when nothing is.
    private func mountedReason(_ folder: HostPath, then: String) throws -> String? {
        let shown = host.real(folder)
        guard let mount = try MountTable.read().entries.last(where: { $0.target.sameBytes(shown) }) else { return nil }
        // A tmpfs (or proc, …) has no device: its source is any word, often "none".
        let what = mount.source.hasPrefix("/") ? mount.source : "a \(mount.fstype) filesystem (source \(mount.source))"
        return "\(what) is mounted on it; unmount it (umount \(shown)) if nothing needs that filesystem, then \(then)"
    }

    /// Why `removeFolderIfEmpty` left `folder`; nil when nothing is there.
    private func keptReason(_ folder: HostPath) throws -> String? {
        guard let status = try host.statusInRoot(folder) else { return nil }
        if let mounted = try mountedReason(folder, then: "remove the folder yourself") { return mounted }
        guard status.kind == .directory else { return "it is a \(status.kind.rawValue) now, not the folder provision created" }
        guard let names = try host.folderNamesInRoot(folder), !names.isEmpty else { return "it is not empty" }
        let shown = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", and \(names.count - 3) more" : "")
        return "it is not empty (it holds \(shown))"
    }
}
