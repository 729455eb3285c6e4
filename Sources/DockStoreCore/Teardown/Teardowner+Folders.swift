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
    func removeFolders(_ folders: [HostPath], record: Bool, notMade: [HostPath] = []) throws -> (removed: [HostPath], kept: [String]) {
        var removed: [HostPath] = []
        var kept: [String] = []
        let owner = record ? try host.statusInRoot(ProvisionFolderRecord.path)?.uid : nil
        let order = record ? ProvisionFolderRecord.removalOrder(folders) : (first: folders, holdsRecord: [])
        func remove(_ list: [HostPath]) throws {
            for folder in list {
                if let owner, let status = try host.statusInRoot(folder), status.kind == .directory, status.uid != owner {
                    kept.append("kept \(host.real(folder)): it belongs to uid \(status.uid) now, not to uid \(owner), who ran provision")
                } else if try host.removeFolderIfEmpty(folder) {
                    removed.append(folder)
                } else if let reason = try keptReason(folder) {
                    kept.append("kept \(host.real(folder)): \(reason)")
                }
            }
        }
        try remove(order.first)
        var holdsRecord = order.holdsRecord
        if record {
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
            let reason = try mountedReason(folder)
                ?? "the record names it, but it is neither a folder provision makes for its files nor this teardown's mountpoint \(host.real(request.mountpoint)) (a provision with another --mountpoint made it, or the line was added by hand); remove it yourself if nothing needs it"
            kept.append("kept \(host.real(folder)): \(reason)")
        }
        return (removed, kept)
    }

    /// What is mounted on `folder`, which no rmdir can remove (EBUSY); nil when nothing is.
    private func mountedReason(_ folder: HostPath) throws -> String? {
        let shown = host.real(folder)
        guard let mount = try MountTable.read().entries.last(where: { $0.target == shown }) else { return nil }
        return "\(mount.source) is mounted on it; unmount it (umount \(shown)) if nothing needs that filesystem, then remove the folder yourself"
    }

    /// Why `removeFolderIfEmpty` left `folder`; nil when nothing is there.
    private func keptReason(_ folder: HostPath) throws -> String? {
        guard let status = try host.statusInRoot(folder) else { return nil }
        if let mounted = try mountedReason(folder) { return mounted }
        guard status.kind == .directory else { return "it is a \(status.kind.rawValue) now, not the folder provision created" }
        guard let names = try host.folderNamesInRoot(folder), !names.isEmpty else { return "it is not empty" }
        let shown = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", and \(names.count - 3) more" : "")
        return "it is not empty (it holds \(shown))"
    }
}
