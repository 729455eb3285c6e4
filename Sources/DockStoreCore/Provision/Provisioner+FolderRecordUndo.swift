extension Provisioner {
    /// A run that fails before it changed anything but its new image and mountpoint (both
    /// undone by the caller) takes back the folder record it created (`ProvisionFolderRecord`,
    /// written by its first step where there was none): the record, while it still holds what
    /// this run wrote, then its recorded folders while empty, deepest first, so nothing is left
    /// behind. A record that was there before the run stays, as does one changed since.
    /// - Returns: whether the record was removed.
    func undoFolderRecord(of plan: ProvisionPlan) throws -> Bool {
        guard case .recordFolders(let folders, let basis)? = plan.steps.first, basis.bytes == nil,
              try FileContents.read(ProvisionFolderRecord.path, on: host) == ProvisionFolderRecord.render(folders) else { return false }
        let order = ProvisionFolderRecord.removalOrder(folders)
        for folder in order.first { try host.removeFolderIfEmpty(folder) }
        try host.removeFile(ProvisionFolderRecord.path)
        for folder in order.holdsRecord { try host.removeFolderIfEmpty(folder) }
        return true
    }
}
