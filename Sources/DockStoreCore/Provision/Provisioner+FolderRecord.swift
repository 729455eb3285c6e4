extension Provisioner {
    /// The `folder-record` step: writes `ProvisionFolderRecord` atomically. When its folder
    /// (/var/lib/dockstore) is missing, the outermost missing folder of it appears only together
    /// with the record (`ProvisionFolderRecord.newFolder`): made under a temporary name with the
    /// rest and the record inside, then renamed into place, so a kill at any moment leaves no
    /// folder provision made that the record does not name (the temporary folder a kill leaves
    /// is swept by the next changing run: `FolderRecordDebris`).
    func recordFolders(_ folders: [HostPath], basis: FileBasis) throws {
        let record = ProvisionFolderRecord.path
        let missing = try host.missingFolders(record.parent)
        guard let outermost = missing.first else {
            // The folder exists (or is refused here as no folder): the record is replaced in it.
            try host.makeFolders(record.parent)
            try write(ProvisionFolderRecord.render(folders), to: ProvisionFolderRecord.path, mode: 0o644, backup: false, basis: basis)
            return
        }
        if let refusal = basis.refusal(current: nil, path: host.real(record)) { throw refusal }
        if let gone = missing.first(where: { !folders.contains($0) }) {
            throw DockStoreError.refused("\(host.real(gone)) was removed after provision planned (it was there, so the record does not name it); nothing was changed: re-run")
        }
        let chain = ProvisionFolderRecord.newFolder(outermost)
        guard try host.makeFolderChain(chain, bytes: ProvisionFolderRecord.render(folders), failpoint: ProvisionFolderRecord.newFolderFailpoint) else {
            // Not provision's, so not to be recorded: the next run plans with it as it is now.
            throw DockStoreError.refused("\(host.real(outermost)) appeared while provision made it under \(host.real(chain.temporaryPath)) with its record of folders (another program made it); nothing was changed: re-run, and provision leaves that folder out of its record")
        }
    }
}
