/// The btrfs driver's subvolumes sorted by what the layer store says of them: referenced,
/// orphaned (a layer store id no layer, container or image refers to), or not the layer
/// store's (a name moby's layer store never gives; left alone).
public struct OrphanCensus: Sendable, Equatable {
    public var subvolumes: Int
    public var orphans: [String]
    public var foreign: [String]

    /// Pure: the entries of `btrfs/subvolumes` against the layer store's references.
    public static func classify(subvolumes names: [String], references: LayerReferences) -> OrphanCensus {
        var orphans: [String] = [], foreign: [String] = []
        for name in names.sorted() where !references.ids.contains(name) {
            if DockerLayerStore.isLayerStoreID(name) { orphans.append(name) } else { foreign.append(name) }
        }
        return OrphanCensus(subvolumes: names.count, orphans: orphans, foreign: foreign)
    }

    /// Reads the subvolume folder and the layer store, at most `limit` entries of each.
    /// No subvolume folder (another driver, or none yet) has no orphans; anything else that
    /// cannot be read is a refusal saying why.
    public static func take(_ store: DockerLayerStore, limit: Int = .max) throws -> OrphanCensus {
        try store.verifyFolders()
        guard let names = FolderEntries.names(store.subvolumes, limit: limit == .max ? .max : limit + 1) else {
            let code = Errno.current
            if code == Errno.noSuchFileOrDirectory { return OrphanCensus(subvolumes: 0, orphans: [], foreign: []) }
            throw LayerReferences.cannotTell("cannot list \(store.subvolumes): \(Errno.text(code))")
        }
        if names.count > limit { throw LayerReferences.cannotTell("\(store.subvolumes) has more than \(limit) entries") }
        if names.isEmpty { return OrphanCensus(subvolumes: 0, orphans: [], foreign: []) }
        return classify(subvolumes: names, references: try LayerReferences.read(store, limit: limit))
    }
}

/// What `check` and `status` report of orphaned subvolumes: their count, or why it
/// could not be told (then nothing is called an orphan).
public struct OrphanTally: Sendable, Equatable, Codable {
    public var count: Int?
    public var subvolumes: Int?
    public var unreadable: String?

    public init(count: Int? = nil, subvolumes: Int? = nil, unreadable: String? = nil) {
        self.count = count
        self.subvolumes = subvolumes
        self.unreadable = unreadable
    }

    /// How many layer store entries check reads at most: each costs a few system calls.
    public static let checkLimit = 4096

    public static func count(dataRoot: String, limit: Int = .max) -> OrphanTally {
        do {
            let census = try OrphanCensus.take(DockerLayerStore(dataRoot: dataRoot), limit: limit)
            return OrphanTally(count: census.orphans.count, subvolumes: census.subvolumes)
        } catch {
            return OrphanTally(unreadable: (error as? DockStoreError)?.message ?? "\(error)")
        }
    }
}
