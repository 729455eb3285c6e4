/// How the user named the device: a /dev path (`/dev/xvdf`, `/dev/sdf`, `/dev/nvme1n1`,
/// `/dev/disk/by-id/…`) or an EBS volume id.
public enum DeviceSpec: Sendable, Equatable, CustomStringConvertible {
    case path(String)
    case volume(EBSVolumeID)
    /// A filesystem UUID (fstab's `UUID=`), found through libblkid.
    case filesystemUUID(String)

    /// `what` names where the text came from in a refusal (`--device`, migrate-ebs's `DEVICE`).
    public init(_ text: String, what: String = "--device") throws {
        if let volume = EBSVolumeID(text) {
            self = .volume(volume)
            return
        }
        if text.lowercased().hasPrefix("vol") {
            self = .volume(try EBSVolumeID(parsing: text, what: what))
            return
        }
        guard text.hasPrefix("/dev/") else {
            throw DockStoreError.usage("\(what) '\(text)' is neither a /dev path nor an EBS volume id; give e.g. /dev/xvdf, /dev/nvme1n1 or vol-0abc1234def567890")
        }
        let path = try HostPath(text, what: what)
        self = .path(path.string)
    }

    public var description: String {
        switch self {
        case .path(let path): return path
        case .volume(let id): return id.description
        case .filesystemUUID(let uuid): return "UUID=\(uuid)"
        }
    }

    /// For `/dev/xvdf`, `/dev/sdf`, `xvdf`, `sdf`, `/dev/xvdf1`: the letters after the
    /// prefix (`f`, `f1`), which AWS uses to match the block device mapping; nil otherwise.
    static func mappingSuffix(_ name: String) -> String? {
        var n = Substring(name.trimmingWhitespace())
        if n.hasPrefix("/dev/") { n = n.dropFirst(5) }
        if n.hasPrefix("xvd") { return n.count > 3 ? String(n.dropFirst(3)) : nil }
        if n.hasPrefix("sd") { return n.count > 2 ? String(n.dropFirst(2)) : nil }
        return nil
    }
}
