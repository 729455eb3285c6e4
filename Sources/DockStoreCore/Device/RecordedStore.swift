/// The store as dockstore recorded it: the `UUID=` line it wrote in fstab for the mountpoint.
/// A device named in the settings by kernel name (`DOCKSTORE_DEVICE=/dev/nvme1n1`) can be
/// another volume after a reboot, since names change; when it does not hold the recorded
/// store and the recorded store is attached under another name, the recorded store wins —
/// never the blank volume that took the name, and never a refusal that leaves the instance
/// without Docker.
public enum RecordedStore {
    public struct Redirect: Sendable, Equatable {
        public var spec: DeviceSpec
        public var warning: String
    }

    public static func redirect(host: Host, mountpoint: HostPath, named spec: DeviceSpec, label: String) throws -> Redirect? {
        guard case .path(let named) = spec else { return nil }
        let fstab = FstabFile(bytes: try FileContents.read(HostPaths.fstab, on: host) ?? [])
        guard let line = fstab.entries(mountingAt: mountpoint).first?.entry, line.source.hasPrefix("UUID=") else { return nil }
        let uuid = String(line.source.dropFirst(5))
        let content = BlockProbe.probe(named)
        if case .signature(_, let namedUUID?, _) = content, namedUUID == uuid { return nil }
        switch content {
        case .unreadable, .ambivalent: return nil
        default: break
        }
        let advice = "kernel names change at boot: name the volume by DOCKSTORE_VOLUME_ID instead"
        if let holder = try BlockProbe.device(withUUID: uuid) {
            guard case .signature(_, let found?, label) = BlockProbe.probe(holder), found == uuid else { return nil }
            return Redirect(spec: .filesystemUUID(uuid), warning: "the settings name \(named), which does not hold Docker's storage (it holds \(content.summary)); the store dockstore recorded in fstab (UUID=\(uuid)) is on \(holder), so that is what is used; \(advice)")
        }
        // Not attached (yet): wait for the recorded store, never format what took the name.
        return Redirect(spec: .filesystemUUID(uuid), warning: "the settings name \(named), which holds \(content.summary), not Docker's storage; the store dockstore recorded in fstab (UUID=\(uuid)) is not attached: waiting for it, and \(named) is left alone; \(advice)")
    }
}
