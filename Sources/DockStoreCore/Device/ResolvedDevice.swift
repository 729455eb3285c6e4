/// A device node found for a `DeviceSpec`, with what identifies it on EC2.
public struct ResolvedDevice: Sendable, Equatable {
    /// The canonical node, e.g. `/dev/nvme1n1` (symlinks such as `/dev/xvdf` resolved).
    public var path: String
    /// The kernel name, e.g. `nvme1n1`.
    public var name: String
    /// The EBS volume id from the NVMe serial, when it is an EBS NVMe device.
    public var volumeID: EBSVolumeID?
    /// What the user typed, for messages.
    public var requested: String

    /// `/dev/xvdf (/dev/nvme1n1, vol-0abc…)` style label for messages.
    public var label: String {
        var extra: [String] = []
        if requested != path { extra.append(path) }
        if let volumeID, requested != volumeID.description { extra.append(volumeID.description) }
        return extra.isEmpty ? requested : "\(requested) (\(extra.joined(separator: ", ")))"
    }
}
