/// The store as dockstore recorded it: the `UUID=` line it wrote in fstab for the mountpoint.
/// A device named by kernel name (`DOCKSTORE_DEVICE=/dev/nvme1n1`, `--device /dev/nvme1n1`)
/// can be another volume after a reboot, since names change. Named in the settings, the
/// recorded store wins when the name does not hold it — never the blank volume that took the
/// name, and never a refusal that leaves the instance without Docker (`redirect`). Typed on
/// the command line, the name is taken as meant, so provision refuses, saying what the name
/// holds now and where the recorded store is (`commandLineRefusal`; outside attack 14, X2).
/// A name whose node in /dev is another device's is not read at all: typed, it is refused as
/// such; in the settings, the recorded store is used by its UUID (attack 40 S F3).
public enum RecordedStore {
    public struct Redirect: Sendable, Equatable {
        public var spec: DeviceSpec
        public var warning: String
        /// The one-line refusal for the same name typed as `--device`; nil when the line is not
        /// one dockstore wrote (no `x-systemd.before=dockstore-provision.service`), which the
        /// fstab planner judges as any other line at the mountpoint.
        public var commandLineRefusal: DockStoreError?
    }

    public static func redirect(host: Host, mountpoint: HostPath, named spec: DeviceSpec, label: String) throws -> Redirect? {
        guard case .path(let named) = spec else { return nil }
        let fstab = FstabFile(bytes: try FileContents.read(HostPaths.fstab, on: host) ?? [])
        guard let found = fstab.entries(mountingAt: mountpoint).first, found.entry.source.hasPrefix("UUID=") else { return nil }
        let uuid = String(found.entry.source.dropFirst(5))
        if let replaced = try DeviceResolver().replacedNodeRefusal(at: named) {
            return Redirect(spec: .filesystemUUID(uuid),
                            warning: "the settings name \(named), whose node in /dev is another device's (restore it, or name the volume by DOCKSTORE_VOLUME_ID): \(named) is left alone and the store dockstore recorded in fstab (UUID=\(uuid)) is used, found by its UUID",
                            commandLineRefusal: replaced)
        }
        let content = BlockProbe.probe(named)
        if case .signature(_, let namedUUID?, _) = content, namedUUID == uuid { return nil }
        switch content {
        case .unreadable, .ambivalent: return nil
        default: break
        }
        let advice = "kernel names change at boot: name the volume by DOCKSTORE_VOLUME_ID instead"
        let holds = content == .blank ? "is blank" : "holds \(content.summary)"
        let line = "\(host.real(HostPaths.fstab)) line \(found.index + 1)"
        let ours = found.entry.options.contains(ProvisionRequest.orderingOption)
        if let holder = try BlockProbe.device(withUUID: uuid) {
            guard case .signature(_, let found?, label) = BlockProbe.probe(holder), found == uuid else { return nil }
            return Redirect(spec: .filesystemUUID(uuid),
                            warning: "the settings name \(named), which does not hold Docker's storage (it holds \(content.summary)); the store dockstore recorded in fstab (UUID=\(uuid)) is on \(holder), so that is what is used; \(advice)",
                            commandLineRefusal: !ours ? nil : .refused("--device \(named) \(holds), not Docker's storage: the store dockstore recorded in \(line) (UUID=\(uuid)) is on \(holder) now (kernel names change at boot); run dockstore provision --device \(holder) (or name the volume by its vol-… id); nothing was changed"))
        }
        // Not attached (yet): wait for the recorded store, never format what took the name. Typed
        // on the command line, a blank name is refused here; one holding data is judged by the
        // device planner (what it holds, --force).
        return Redirect(spec: .filesystemUUID(uuid),
                        warning: "the settings name \(named), which holds \(content.summary), not Docker's storage; the store dockstore recorded in fstab (UUID=\(uuid)) is not attached: waiting for it, and \(named) is left alone; \(advice)",
                        commandLineRefusal: !ours || content != .blank ? nil : .refused("--device \(named) \(holds), not Docker's storage: the store dockstore recorded in \(line) (UUID=\(uuid)) is not attached; attach the volume that holds it and run dockstore provision --device with its name (or its vol-… id); remove that line only to give up that store and the data on it; nothing was changed"))
    }
}
