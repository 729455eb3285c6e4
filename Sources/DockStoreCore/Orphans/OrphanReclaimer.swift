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
        /// The filesystem UUID of the store observed: every delete re-checks it.
        public var uuid: String
    }

    public let store: DockerLayerStore
    public let host: Host
    /// The configured image's real path, to tell another root's store at the data root.
    public let image: String?

    public init(dataRoot: String, image: String? = nil, host: Host) {
        store = DockerLayerStore(dataRoot: dataRoot)
        self.image = image
        self.host = host
    }

    /// Refuses (nothing to decide on) when nothing is mounted at the data root, it is not
    /// btrfs, the layer store cannot be read, or a running dockerd's data root cannot be resolved.
    public func observe() throws -> Observation {
        guard let entry = try MountTable.read().mount(at: store.dataRoot) else {
            throw DockStoreError.refused("nothing is mounted at \(store.dataRoot): Docker's storage is not there; run dockstore provision first")
        }
        // Another root's store: its dockerd runs where this root cannot see it, so its pulls'
        // subvolumes look unused here. A store whose image was deleted while mounted may be
        // another root's too (its name is gone, attack 21 F2), and is this root's data only
        // until it is copied out: neither is touched.
        if let image, let name = try LoopDevice.backingFile(of: entry.source) {
            if let foreign = try ForeignLoopStore.find(loop: entry.source, backingName: name, image: image) {
                throw DockStoreError.refused("refusing to delete subvolumes: \(foreign.verdict(mountpoint: store.dataRoot))")
            }
            if name.sameBytes(image + " (deleted)"), !CapacityProbe.sameFileAtName(image, loop: entry.source) {
                throw DockStoreError.refused("refusing to delete subvolumes: the store at \(store.dataRoot) runs on \(entry.source), whose file \(image) was deleted while mounted (this root's image, or another root's of that name on the same kernel): copy its data out first, as dockstore check says")
            }
        }
        let uuid = try BtrfsFilesystem.open(store.dataRoot).uuid
        let census = try OrphanCensus.take(store)
        let dockerd = DockerdProcesses.presence(storeUUID: uuid, host: host)
        // Fail closed before anything is decided: that dockerd may be pulling into this store.
        if case .unresolved(let pid, let why) = dockerd {
            throw DockStoreError.refused(DockerdPresence.unresolvedText(pid: pid, why: why))
        }
        return Observation(census: census, candidates: census.orphans.map(candidate), dockerd: dockerd, uuid: uuid)
    }

    func candidate(_ name: String) -> OrphanCandidate {
        let path = store.subvolumes + "/" + name
        do {
            // A link in place of the subvolume is not the driver's: never followed.
            guard try FileStatus.of(path)?.kind == .directory else { return OrphanCandidate(name: name, isSubvolume: false, createdAt: nil) }
            if let blocker = try mountBlocking(path) {
                return OrphanCandidate(name: name, isSubvolume: true, createdAt: nil, unreadable: blocker)
            }
            guard try BtrfsSubvolume.isSubvolume(path) else { return OrphanCandidate(name: name, isSubvolume: false, createdAt: nil) }
            return OrphanCandidate(name: name, isSubvolume: true, createdAt: try BtrfsSubvolume.createdAt(path))
        } catch {
            return OrphanCandidate(name: name, isSubvolume: false, createdAt: nil,
                                   unreadable: (error as? DockStoreError)?.message ?? "\(error)")
        }
    }

    /// Why a mount keeps `path` from being deleted: something mounted on or inside it, or
    /// the store's filesystem mounted a second time elsewhere (a bind mount of a folder of
    /// the store, which may lie inside this subvolume; the mount table does not say which).
    func mountBlocking(_ path: String) throws -> String? {
        let mounts = try MountTable.read()
        if let inside = mounts.entries.first(where: { $0.target.sameBytes(path) || $0.target.hasBytePrefix(path + "/") }) {
            return "\(inside.target) is mounted inside it"
        }
        guard let store = mounts.mount(at: self.store.dataRoot) else { return "\(self.store.dataRoot) is no longer mounted" }
        // A mount on a folder above the subvolume is the same view of it: moby's btrfs driver
        // bind-mounts its own home (<data root>/btrfs) onto itself to make it private.
        if let other = mounts.entries.first(where: { $0.device == store.device && !$0.target.sameBytes(store.target) && !path.hasBytePrefix($0.target + "/") }) {
            return "the store's filesystem is also mounted at \(other.target), which may use it"
        }
        return nil
    }

    /// Why `path` is not on the btrfs `uuid` (another filesystem mounted at the data root or
    /// inside it since dockstore looked); nil when it is.
    func elsewhere(_ path: String, uuid: String) throws -> String? {
        let found: String
        do {
            found = try BtrfsFilesystem.open(path).uuid
        } catch let error as DockStoreError where error.kind == .refused {
            return "\(path) is no longer on a btrfs (dockstore looked at the btrfs \(uuid)): look with findmnt \(store.dataRoot)"
        }
        guard found.lowercased() != uuid.lowercased() else { return nil }
        return "\(path) is on the btrfs \(found) now, not \(uuid), which dockstore looked at (another filesystem mounted in the store's place): look with findmnt \(store.dataRoot)"
    }

    public static func plan(_ o: Observation) -> [Decision] {
        o.candidates.map { Decision(name: $0.name, verdict: OrphanPlanner.decide($0, dockerd: o.dockerd)) }
    }

    /// Deletes one orphan after reading the layer store, dockerd and the subvolume again, while
    /// the store at the data root and the subvolume itself are still on the btrfs `uuid` the
    /// plan observed; returns the verdict it acted on (`.keep` with why when it no longer may
    /// delete).
    public func delete(_ name: String, uuid: String) throws -> OrphanVerdict {
        Failpoint.pause("orphan-delete")
        if let other = try elsewhere(store.dataRoot, uuid: uuid) { return .keep(other) }
        let references: LayerReferences
        do {
            references = try LayerReferences.read(store)
        } catch let error as DockStoreError {
            return .keep(error.message)
        }
        if references.ids.contains(name) { return .keep("Docker's layer store refers to it now") }
        let verdict = OrphanPlanner.decide(candidate(name), dockerd: DockerdProcesses.presence(storeUUID: uuid, host: host))
        guard verdict == .delete else { return verdict }
        let path = store.subvolumes + "/" + name
        if let other = try elsewhere(path, uuid: uuid) { return .keep(other) }
        guard let top = try FileStatus.of(store.dataRoot), top.kind == .directory else { return .keep("\(store.dataRoot) is not a folder") }
        try BtrfsSubvolume.deleteRecursively(path)
        // moby's Remove drops the size limit it kept for the layer too: only a regular file
        // reached through real folders of the store (a link there could lead out of --root).
        if let kept = try PathCalls.removeRegularFile(name, below: store.dataRoot, through: ["btrfs", "quotas"], onDevice: top.device) {
            throw DockStoreError.failed("deleted the orphaned subvolume \(path), but not its quota file: \(kept)")
        }
        return .delete
    }
}
