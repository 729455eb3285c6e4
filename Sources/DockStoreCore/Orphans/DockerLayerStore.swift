/// Where Docker's btrfs storage driver and its layer store keep things under a data root,
/// as moby names them (daemon/graphdriver/btrfs/btrfs.go, daemon/internal/layer/filestore.go):
/// a layer's or container's files live in the subvolume `btrfs/subvolumes/<id>`; the layer
/// store records which id each layer (`layerdb/<algorithm>/<chain id>/cache-id`) and each
/// container (`layerdb/mounts/<container>/mount-id` and `init-id`) uses.
public struct DockerLayerStore: Sendable, Equatable {
    public var dataRoot: String

    public init(dataRoot: String) { self.dataRoot = dataRoot }

    public var subvolumes: String { dataRoot + "/btrfs/subvolumes" }
    public var quotas: String { dataRoot + "/btrfs/quotas" }
    public var layerdb: String { dataRoot + "/image/btrfs/layerdb" }

    /// The folders on the way to the subvolumes, their quota files and the layer store, each either absent or a
    /// real folder of the store's own filesystem: a symbolic link or another filesystem
    /// mounted there would make dockstore judge, and delete, what is not the store's.
    public func verifyFolders() throws {
        guard let top = try FileStatus.of(dataRoot), top.kind == .directory else {
            throw LayerReferences.cannotTell("\(dataRoot) is not a folder")
        }
        let folders = [dataRoot + "/btrfs", subvolumes, quotas, dataRoot + "/image", dataRoot + "/image/btrfs", layerdb]
            + Self.algorithms.map { layerdb + "/" + $0 } + [layerdb + "/mounts", layerdb + "/tmp"]
        for path in folders {
            guard let status = try FileStatus.of(path) else { continue }
            guard status.kind == .directory else {
                throw LayerReferences.cannotTell("\(path) is a \(status.kind.rawValue), not the folder Docker keeps there; put the real folder back")
            }
            guard status.device == top.device else {
                throw LayerReferences.cannotTell("\(path) is on another filesystem than the store (something is mounted there); unmount it")
            }
        }
    }

    /// The digest algorithms moby's layer store keeps layers under (`supportedAlgorithms`).
    static let algorithms = ["sha256", "sha384", "sha512"]

    /// Whether `name` has the form moby's layer store gives the btrfs driver's ids: 64
    /// lowercase hex digits (stringid.GenerateRandomID), a container's init layer with
    /// `-init` after them. Anything else there (BuildKit's snapshots keep their own ids in
    /// buildkit/snapshots.db) is not the layer store's, so it is never called an orphan.
    public static func isLayerStoreID(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        let digits = bytes.count == 69 && name.hasSuffix("-init") ? bytes.prefix(64) : bytes[...]
        return digits.count == 64 && digits.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
