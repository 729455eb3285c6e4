/// What the subvolumes after a move say of it. The move copies devices block by block, so the
/// inventory is a second check beside the device error counters; but Docker keeps running
/// during an online move and makes and removes layers and containers, so "the same list" is not
/// the invariant (outside attack 14, X1: a correct move with containers coming and going ended
/// "the subvolumes differ", exit 1). Every subvolume there before must be there after, with its
/// UUID and parent — except ones under Docker's own subvolume folder while a dockerd uses the
/// store (Docker's btrfs driver removes only those); new ones are Docker's work. When whether a
/// dockerd uses the store cannot be told, such a removal is neither Docker's work nor a loss:
/// the move is not verified, and the reason is said.
public enum SubvolumeVerdict: Sendable, Equatable {
    case same
    /// Docker changed the list while the move ran: what to say about it.
    case changedByDocker(removed: [SubvolumeInventory.Entry], added: [SubvolumeInventory.Entry])
    /// A subvolume is gone or changed that Docker cannot account for: the message.
    case lost(String)
    /// Subvolumes under Docker's folder are gone and whether a dockerd uses the store cannot be told: the message.
    case unverified(String)
}

extension SubvolumeInventory {
    /// Docker's btrfs driver keeps every layer and container as a subvolume here (relative to the top).
    static let dockerSubvolumeFolder = "btrfs/subvolumes/"

    public static func verdict(before: SubvolumeInventory, after: SubvolumeInventory, dockerd: DockerdPresence) -> SubvolumeVerdict {
        let afterByID = Dictionary(after.entries.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let beforeIDs = Set(before.entries.map(\.id))
        var removed: [Entry] = []
        var altered: [Entry] = []
        for entry in before.entries {
            guard let now = afterByID[entry.id] else { removed.append(entry); continue }
            if now != entry { altered.append(entry) }
        }
        let added = after.entries.filter { !beforeIDs.contains($0.id) }
        if let first = altered.first {
            return .lost("subvolume \(first.id) (\(first.path)) is not what it was before the move (its UUID, parent or path changed)\(altered.count > 1 ? ", and \(altered.count - 1) more" : "")")
        }
        let outside = removed.filter { !$0.path.hasPrefix(dockerSubvolumeFolder) }
        let dockers = removed.filter { $0.path.hasPrefix(dockerSubvolumeFolder) }
        let more = { (gone: [Entry]) in gone.count > 1 ? "; \(gone.count - 1) more are gone too" : "" }
        if let first = outside.first {
            return .lost("subvolume \(first.id) (\(first.path)) is gone after the move, outside Docker's \(dockerSubvolumeFolder)\(more(outside))")
        }
        if let first = dockers.first {
            switch dockerd {
            case .running, .unresolved: break
            case .notRunning:
                return .lost("subvolume \(first.id) (\(first.path)) is gone after the move, and no dockerd uses the store\(more(dockers))")
            case .cannotTell(let why):
                return .unverified("subvolume \(first.id) (\(first.path)) is gone after the move\(more(dockers)), and whether a dockerd removed it cannot be told (\(why))")
            }
        }
        return removed.isEmpty && added.isEmpty ? .same : .changedByDocker(removed: removed, added: added)
    }
}
