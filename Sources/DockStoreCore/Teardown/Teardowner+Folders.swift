extension Teardowner {
    /// Removes each folder provision created that is empty, in the order given; returns those
    /// removed and, for each one kept, a line saying why ("kept /etc: it is not empty (it holds
    /// dockstore.disabled)"), so teardown never reports a removal that did not happen. A folder
    /// already gone needs no word.
    func removeFolders(_ folders: [HostPath]) throws -> (removed: [HostPath], kept: [String]) {
        var removed: [HostPath] = []
        var kept: [String] = []
        for folder in folders {
            if try host.removeFolderIfEmpty(folder) {
                removed.append(folder)
            } else if let reason = try keptReason(folder) {
                kept.append("kept \(host.real(folder)): \(reason)")
            }
        }
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
