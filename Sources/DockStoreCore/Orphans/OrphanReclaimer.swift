#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `dockstore reclaim --orphans`: observes the layer store, the subvolumes and dockerd
/// once, decides with `OrphanPlanner`, and deletes each orphan only after reading all of
/// it again at that moment.
public struct OrphanReclaimer: Sendable {
    public struct Decision: Sendable, Equatable {
        public var name: String
        public var verdict: OrphanVerdict
    }

    public struct Observation: Sendable, Equatable {
        public var census: OrphanCensus
        public var candidates: [OrphanCandidate]
        public var dockerd: DockerdPresence
    }

    public let store: DockerLayerStore
    public let host: Host

    public init(dataRoot: String, host: Host) {
        store = DockerLayerStore(dataRoot: dataRoot)
        self.host = host
    }

    /// Refuses (nothing to decide on) when the layer store cannot be read.
    public func observe() throws -> Observation {
        _ = try BtrfsFilesystem.open(store.dataRoot)
        let census = try OrphanCensus.take(store)
        let dockerd = DockerdProcesses.presence(dataRoot: store.dataRoot, host: host)
        return Observation(census: census, candidates: census.orphans.map(candidate), dockerd: dockerd)
    }

    func candidate(_ name: String) -> OrphanCandidate {
        let path = store.subvolumes + "/" + name
        do {
            guard try BtrfsSubvolume.isSubvolume(path) else { return OrphanCandidate(name: name, isSubvolume: false, createdAt: nil) }
            return OrphanCandidate(name: name, isSubvolume: true, createdAt: try BtrfsSubvolume.createdAt(path))
        } catch {
            return OrphanCandidate(name: name, isSubvolume: false, createdAt: nil,
                                   unreadable: (error as? DockStoreError)?.message ?? "\(error)")
        }
    }

    public static func plan(_ o: Observation) -> [Decision] {
        o.candidates.map { Decision(name: $0.name, verdict: OrphanPlanner.decide($0, dockerd: o.dockerd)) }
    }

    /// Deletes one orphan after reading the layer store, dockerd and the subvolume again;
    /// returns the verdict it acted on (`.keep` with why when it no longer may delete).
    public func delete(_ name: String) throws -> OrphanVerdict {
        let references: LayerReferences
        do {
            references = try LayerReferences.read(store)
        } catch let error as DockStoreError {
            return .keep(error.message)
        }
        if references.ids.contains(name) { return .keep("Docker's layer store refers to it now") }
        let verdict = OrphanPlanner.decide(candidate(name), dockerd: DockerdProcesses.presence(dataRoot: store.dataRoot, host: host))
        guard verdict == .delete else { return verdict }
        try BtrfsSubvolume.deleteRecursively(store.subvolumes + "/" + name)
        // moby's Remove drops the size limit it kept for the layer too.
        let quota = store.quotas + "/" + name
        if try FileStatus.of(quota)?.kind == .regular {
            try Syscall.check("cannot remove", quota) { unlink(quota) }
        }
        return .delete
    }
}
