/// check's memory of its last orphan count, so that a minute's check does not read every
/// layer of a large store again: valid while none of the folders it was counted from has
/// changed (their inode and modification time). moby changes one of them for everything that
/// changes a count — a subvolume made or deleted, a layer committed (a rename into
/// `layerdb/sha256`) or being removed (a rename there), a container's folder made or removed
/// (`layerdb/mounts`), a registration started or ended (`layerdb/tmp`) — and never rewrites
/// a file in place. Only a count is remembered, never "cannot tell", and only when the
/// folders are older than two seconds (a change in the same clock tick would not show).
/// `reclaim --orphans` never uses it.
public enum OrphanTallyCache {
    public static let defaultPath = HostPath.known("/var/lib/dockstore/orphan-count")

    /// - Parameter cacheFile: read and written inside --root (`Host.openInRoot`), like every
    ///   file under it: a link in the tree cannot lead the cache's write onto the host.
    public static func count(dataRoot: String, cacheFile: HostPath, on host: Host, limit: Int, now: Double) -> OrphanTally {
        let store = DockerLayerStore(dataRoot: dataRoot)
        guard let (key, newest) = key(store) else { return OrphanTally.count(dataRoot: dataRoot, limit: limit) }
        if let cached = load(cacheFile, on: host, key: key) { return cached }
        let tally = OrphanTally.count(dataRoot: dataRoot, limit: limit)
        if let count = tally.count, let subvolumes = tally.subvolumes, newest < now - 2 {
            // A cache that cannot be written only means counting again next time.
            _ = save(cacheFile, on: host, text: "\(key)\n\(count) \(subvolumes)\n")
        }
        return tally
    }

    /// The folders' identities and the newest modification time; nil when there are no
    /// subvolumes (nothing to count, nothing to remember) or a folder cannot be looked at.
    static func key(_ store: DockerLayerStore) -> (String, Double)? {
        var parts: [String] = []
        var newest = 0.0
        let folders = [store.subvolumes] + DockerLayerStore.algorithms.map { "\(store.layerdb)/\($0)" }
            + ["\(store.layerdb)/mounts", "\(store.layerdb)/tmp"]
        for (index, folder) in folders.enumerated() {
            let status: FileStatus?
            do { status = try FileStatus.of(folder) } catch { return nil }
            guard let status else {
                if index == 0 { return nil }
                parts.append("-")
                continue
            }
            let time = status.modificationTime
            parts.append("\(status.device):\(status.inode):\(time.tv_sec).\(time.tv_nsec)")
            newest = max(newest, Double(time.tv_sec) + Double(time.tv_nsec) / 1e9)
        }
        return ("\(store.dataRoot) " + parts.joinedText(" "), newest)
    }

    static func load(_ path: HostPath, on host: Host, key: String) -> OrphanTally? {
        // A cache: unreadable means counting again, never a count made up.
        guard let bytes = (try? FileContents.read(path, on: host)).flatMap({ $0 }),
              let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 2, lines[0] == key else { return nil }
        let numbers = lines[1].split(separator: " ").compactMap { Int($0) }
        guard numbers.count == 2 else { return nil }
        return OrphanTally(count: numbers[0], subvolumes: numbers[1])
    }

    static func save(_ path: HostPath, on host: Host, text: String) -> Bool {
        // A cache: a folder that cannot be made (or a write refused) only means the next
        // check counts again.
        do {
            try host.makeFolders(path.parent)
            try AtomicFile.write(path, on: host, Array(text.utf8), mode: 0o644)
        } catch {
            return false
        }
        return true
    }
}
