extension Teardowner {
    /// Removes each folder provision created that is empty, still a folder and owned by the
    /// user who owns the record (provision made both), deepest first; with `record`, then the
    /// record (`ProvisionFolderRecord`), then the recorded folders holding it (/var/lib/dockstore)
    /// while they hold nothing else. Returns those removed and, for each one kept, a line saying
    /// why ("kept /etc: it is not empty (it holds dockstore.disabled)"), so teardown never
    /// reports a removal that did not happen. A folder already gone needs no word.
    func removeFolders(_ folders: [HostPath], record: Bool) throws -> (removed: [HostPath], kept: [String]) {
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
        if record { try host.removeFile(ProvisionFolderRecord.path) }
        try remove(order.holdsRecord)
        return (removed, kept)
    }

    /// Why `removeFolderIfEmpty` left `folder`; nil when nothing is there.
    private func keptReason(_ folder: HostPath) throws -> String? {
        guard let status = try host.statusInRoot(folder) else { return nil }
        guard status.kind == .directory else { return "it is a \(status.kind.rawValue) now, not the folder provision created" }
        guard let names = try host.folderNamesInRoot(folder), !names.isEmpty else { return "it is not empty" }
        let shown = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", and \(names.count - 3) more" : "")
        return "it is not empty (it holds \(shown))"
    }
}
