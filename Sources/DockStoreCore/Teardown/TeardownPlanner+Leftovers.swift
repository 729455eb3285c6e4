/// teardown's part in `ImageLeftover`: with --delete-image the leftovers beside the image go
/// with it (after the loops are detached, before the folders that may hold them); without it,
/// or when a name holds something dockstore never made, they stay and teardown says so.
extension TeardownPlanner {
    /// One delete step per removable leftover, with --delete-image; a leftover a loop device
    /// holds refuses the whole teardown before anything changes.
    static func leftoverSteps(_ o: TeardownObservation, _ request: TeardownRequest, _ host: Host) throws -> [TeardownStep] {
        guard request.deleteImage else { return [] }
        return try o.imageLeftovers.compactMap { leftover in
            switch leftover.state {
            case .removable(let file, _): return .deleteLeftover(leftover, file: file)
            case .held(let loop):
                throw DockStoreError.refused("refusing: \(host.real(leftover.path)) (\(leftover.which.what)) is attached to \(loop); nothing was changed: detach it (losetup -d \(loop)) if nothing uses it, and re-run teardown --delete-image")
            case .foreign, .linked: return nil
            }
        }
    }

    /// The lines teardown prints for the leftovers it keeps: all of them without
    /// --delete-image (how to remove them), and with it any name that holds something else
    /// than a regular file, or a file with a second name (dockstore never made it).
    public static func keptLeftovers(_ o: TeardownObservation, _ request: TeardownRequest, _ host: Host) -> [String] {
        o.imageLeftovers.compactMap { leftover in
            let shown = host.real(leftover.path)
            switch leftover.state {
            case .foreign(let kind):
                return "kept \(shown): it is a \(kind.rawValue), not \(leftover.which.what); dockstore never made it, so it does not remove it: look at it"
            case .linked(let links):
                return "kept \(shown): it has \(links) names (hard links), so it is not \(leftover.which.what) (dockstore's have one); another name may be someone's file: look at it (find / -samefile \(shown))"
            case .held(let loop) where !request.deleteImage:
                return "kept \(shown) (\(leftover.which.what)), attached to \(loop): detach it (losetup -d \(loop)) and remove it with teardown --delete-image"
            case .removable where !request.deleteImage:
                return "kept \(shown) (\(leftover.which.what)\(leftover.allocatedText)): remove it with teardown --delete-image"
            case .held, .removable:
                return nil
            }
        }
    }
}

extension ImageLeftover {
    /// ", 1.1 GiB allocated" for a removable leftover that occupies blocks, else empty.
    public var allocatedText: String {
        guard case .removable(_, let allocated) = state, allocated > 0 else { return "" }
        return ", \(ByteSize.format(allocated)) allocated"
    }
}

extension TeardownStep {
    /// Removes only a file a killed run of dockstore left (a leftover beside the image, the
    /// format record): nothing that sets the store up at boot, so it needs no boot marker of
    /// its own.
    var setsNothingUp: Bool {
        switch self {
        case .deleteLeftover, .forgetFormatRecord, .forgetCheckCaches: return true
        default: return false
        }
    }

    /// A leftover is deleted only while its name is still the regular file the plan looked at
    /// and no loop device holds it; one gone since needs nothing (the action finds nothing).
    static func recheckLeftover(_ host: Host, _ leftover: ImageLeftover, _ file: FileIdentity) throws {
        let shown = host.real(leftover.path)
        guard let status = try host.statusInRoot(leftover.path) else { return }
        guard status.kind == .regular, FileIdentity(status) == file else {
            throw DockStoreError.refused("\(shown) is another file than \(leftover.which.what) teardown looked at (it was replaced); not deleting it: look at it and re-run")
        }
        guard status.links == 1 else {
            throw DockStoreError.refused("\(shown) has \(status.links) names (hard links) now; not deleting it: another name may be someone's file: look at it (find / -samefile \(shown)), remove the other names and re-run")
        }
        if let loop = try LoopDevice.devices(backing: status).first {
            throw DockStoreError.refused("\(shown) (\(leftover.which.what)) is attached to \(loop.path) now; not deleting it: detach it (losetup -d \(loop.path)) and re-run")
        }
    }
}
