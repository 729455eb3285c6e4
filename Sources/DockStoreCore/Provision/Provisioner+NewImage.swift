extension Provisioner {
    /// A format (or its check before the rename) that fails on the new image this same run
    /// created under its temporary name takes that file away again, so a host that filled up
    /// during mkfs gets its space back and the next run starts clean; an image that existed
    /// before the run (even a blank one) is left as it was. When the host's filesystem was
    /// full, the message says so instead of mkfs's "Input/output error".
    func undoNewImage(after error: Error, at step: ProvisionStep, of plan: ProvisionPlan) -> Error {
        switch step {
        case .format(_, _, newImage: true), .installImage: break
        default: return error
        }
        guard plan.steps.contains(where: Self.createsImage) else { return error }
        let image = host.real(unfinishedImage.path)
        let folder = AtomicFile.parentFolder(of: image)
        let space: HostSpace
        do { space = try HostSpace.of(folder) } catch { return error }
        // Only the words of the error being returned: an unreadable image leaves its size out.
        let used = (try? host.statusInRoot(unfinishedImage.path))?.flatMap { $0.kind == .regular ? $0.allocatedBytes : nil }
        let what: String
        do {
            try host.removeFile(unfinishedImage.path)
            what = "dockstore removed the new image again"
        } catch {
            let reason = (error as? DockStoreError)?.code.map(Errno.text) ?? "\(error)"
            what = "dockstore could not remove the new image (\(reason)): remove \(image)"
        }
        // The format steps come before any folder but the record's is made: the record goes too.
        do {
            _ = try undoFolderRecord(of: plan)
        } catch let cleanup {
            let reason = (cleanup as? DockStoreError)?.message ?? "\(cleanup)"
            return DockStoreError(.failed, "\((error as? DockStoreError)?.message ?? "\(error)"); \(what); its record of folders stays for teardown (\(reason))")
        }
        if space.available < Self.fullHost {
            let held = used.map { ", \(ByteSize.format($0)) of it in the image" } ?? ""
            return DockStoreError.failed("no space left on the filesystem holding \(host.real(request.image)) while mkfs.btrfs formatted it (\(ByteSize.format(space.available)) free\(held)); \(what): free space there and re-run")
        }
        let message = (error as? DockStoreError)?.message ?? "\(error)"
        return DockStoreError(.failed, "\(message); \(what)")
    }

    /// Below this much free space the host's filesystem counts as full.
    static let fullHost: UInt64 = 8 << 20

    static func createsImage(_ step: ProvisionStep) -> Bool {
        if case .allocateImage(_, _, existing: false) = step { return true }
        return false
    }
}
