/// Every subvolume id Docker's layer store refers to: each layer's `cache-id` (also of a
/// layer being removed, `<chain id>-<random>-removing`, and of a layer being registered,
/// `tmp/write-set-*`), each container's `mount-id`, `init-id` and `<mount-id>-init`. Images
/// refer to subvolumes only through their layers. Whatever cannot be read or does not look
/// like what moby writes makes the whole answer "cannot tell": a reference missed would
/// make a live layer look orphaned.
public struct LayerReferences: Sendable, Equatable {
    public var ids: Set<String>

    public init(ids: Set<String>) { self.ids = ids }

    /// Reads the layer store; throws a refusal that says what could not be read.
    public static func read(_ store: DockerLayerStore, limit: Int = .max) throws -> LayerReferences {
        try store.verifyFolders()
        let layerdb = store.layerdb
        guard try FileStatus.of(layerdb)?.kind == .directory else {
            throw cannotTell("\(layerdb) is missing: Docker's layer store is not where its btrfs driver keeps it")
        }
        var ids = Set<String>()
        var seen = 0
        func folders(_ path: String) throws -> [String] {
            guard let names = FolderEntries.names(path, limit: limit == .max ? .max : limit - seen + 1) else {
                let code = Errno.current
                if code == Errno.noSuchFileOrDirectory { return [] }
                throw cannotTell("cannot list \(path): \(Errno.text(code))")
            }
            seen += names.count
            if seen > limit { throw cannotTell("the layer store \(layerdb) has more than \(limit) entries") }
            return try names.sorted().filter { try FileStatus.of(path + "/" + $0)?.kind == .directory }
        }
        for algorithm in DockerLayerStore.algorithms {
            let base = "\(layerdb)/\(algorithm)"
            for layer in try folders(base) {
                // A layer being removed loses its cache-id only after its subvolume is gone (moby's Remove).
                if let id = try id(in: "\(base)/\(layer)/cache-id", required: !layer.hasSuffix("-removing")) { ids.insert(id) }
            }
        }
        for container in try folders(layerdb + "/mounts") {
            let folder = "\(layerdb)/mounts/\(container)"
            // Attack 31 R 1g: an empty mount-id is what dockerd leaves when the store was full as
            // it created a container; it skips such a mount at start. Still no reference dockstore
            // can match, so still "cannot tell", but with the way out.
            let mountIDPath = folder + "/mount-id"
            guard let bytes = try contents(of: mountIDPath) else { throw cannotTell("\(mountIDPath) is missing") }
            if bytes.allSatisfy({ [9, 10, 13, 32].contains($0) }) {
                throw cannotTell("\(mountIDPath) is empty: dockerd could not write it (the store was full as it created container \(container)) and skips that mount; when docker ps -a --no-trunc lists no container \(container), remove \(folder) and re-run (reclaim --orphans deletes nothing until it can tell)")
            }
            let mount = try parseID(bytes, path: mountIDPath)
            ids.insert(mount)
            ids.insert(mount + "-init")
            if let initID = try id(in: folder + "/init-id", required: false) { ids.insert(initID) }
        }
        // A registration in progress writes cache-id into its write set only after the layer is unpacked.
        for set in try folders(layerdb + "/tmp") {
            if let id = try id(in: "\(layerdb)/tmp/\(set)/cache-id", required: false) { ids.insert(id) }
        }
        return LayerReferences(ids: ids)
    }

    /// The id a layer store file holds, trimmed as moby trims it; nil when the file is
    /// absent and need not be there.
    static func id(in path: String, required: Bool) throws -> String? {
        guard let bytes = try contents(of: path) else {
            if required { throw cannotTell("\(path) is missing") }
            return nil
        }
        return try parseID(bytes, path: path)
    }

    /// A layer store file's bytes; nil when it is absent.
    static func contents(of path: String) throws -> [UInt8]? {
        do {
            return try FileContents.read(path, limit: 4096)
        } catch {
            throw cannotTell("cannot read \(path): \((error as? DockStoreError)?.message ?? "\(error)")")
        }
    }

    /// An id as moby reads it (surrounding white space trimmed), accepted only in the form
    /// moby's btrfs driver gives it (64 lowercase hex digits, an init layer's with `-init`):
    /// any other text is not a reference dockstore can match, so it cannot tell.
    static func parseID(_ bytes: [UInt8], path: String) throws -> String {
        let text = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        guard DockerLayerStore.isLayerStoreID(text) else {
            throw cannotTell("\(path) does not hold a layer id (\(text.isEmpty ? "it is empty" : "'\(text.prefix(80))'"))")
        }
        return text
    }

    static func cannotTell(_ why: String) -> DockStoreError {
        DockStoreError.refused("cannot tell which subvolumes Docker still uses: \(why)")
    }
}
