/// The write-ahead record of the folders provision creates (`ProvisionFolderRecord`).
extension ProvisionPlanner {
    /// The `folder-record` step, first of all, when this run may create a folder not recorded
    /// yet, or rewrites a drop-in that holds the record an older provision wrote there (the new
    /// drop-in no longer carries it); nil when the record already says it all. Only
    /// folders missing now are added, so a folder that was there before provision is never in it.
    static func folderRecordStep(_ observed: ProvisionObservation, _ request: ProvisionRequest, _ host: Host,
                                 steps: [ProvisionStep]) throws -> ProvisionStep? {
        var recorded: [HostPath] = []
        if let bytes = observed.folderRecord {
            guard let folders = ProvisionFolderRecord.folders(in: bytes) else {
                let path = host.real(ProvisionFolderRecord.path)
                throw DockStoreError.refused("\(path) is not the record of folders dockstore writes; nothing was changed: look at it, and move it away (teardown then removes no folder provision made) and re-run")
            }
            recorded = folders
        }
        let rewritesDropIn = steps.contains { if case .writeDropIn = $0 { return true }; return false }
        let fromDropIn = rewritesDropIn ? observed.dropIn.map { DockerDropIn.createdFolders(in: $0).folders } ?? [] : []
        var made: [HostPath] = []
        for step in steps {
            switch step {
            case .createMountpoint: made.append(request.mountpoint)
            default: if let target = step.folderMade { made += observed.missingFolders.filter { target.isWithin($0) } }
            }
        }
        guard !made.isEmpty || !fromDropIn.isEmpty else { return nil }
        // The record's own folder, made by this step when it is missing.
        let own = observed.missingFolders.filter { ProvisionFolderRecord.path.parent.isWithin($0) }
        let folders = ProvisionFolderRecord.merging(ProvisionFolderRecord.merging(recorded, fromDropIn), own + made)
        if let bytes = observed.folderRecord, bytes == ProvisionFolderRecord.render(folders) { return nil }
        return .recordFolders(folders: folders, basis: FileBasis(observed.folderRecord))
    }
}

extension ProvisionStep {
    /// The folder this step makes (with its missing parents) before it writes its file, if any.
    var folderMade: HostPath? {
        switch self {
        case .writeFstab: return HostPaths.fstab.parent
        case .writeDropIn: return HostPaths.dockerDropIn.parent
        case .writeMountDropIn(let path, let text, _, _): return text == nil ? nil : path.parent
        case .writeDaemonJSON: return DaemonJSONRecord.path.parent
        case .writeSysconfig: return HostPaths.sysconfigDocker.parent
        case .writeBootSettings: return ProvisionSettings.path.parent
        default: return nil
        }
    }
}
