/// What `dockstore reclaim` will do: the balance rounds, tried in order until the store is
/// healthy by `check`'s rules; the temporary room, made first or only when a round runs
/// out of space; and whether an interrupted run's balance is cancelled first.
public struct ReclaimPlan: Sendable, Equatable {
    public var mountpoint: String
    public var uuid: String
    public var before: CapacityFigures
    /// What `check` finds that a balance can remedy (empty: nothing to do).
    public var problems: [CapacityReason]
    /// An interrupted reclaim left a journal: finish its work.
    public var resumes: Bool
    /// Its balance still runs or is paused (the kernel resumes one at mount): cancel it.
    public var cancelInterruptedBalance: Bool
    public var rounds: [ReclaimRound]
    /// The room to lend; nil when none can be made (`noRoom` says why).
    public var room: TemporaryRoom?
    /// Lend it before the first round (no unallocated space to balance into), rather than
    /// only when a round fails with ENOSPC.
    public var roomFirst: Bool
    public var noRoom: String?
    /// Bytes already lent by an interrupted run (judged as gone).
    public var lent: UInt64
    /// When the interrupted run that lent `room` began (the room comes from its journal):
    /// the room is continued and given back, not lent again.
    public var lentSince: Int64? = nil

    /// Nothing to balance and nothing left over from an interrupted run.
    public var isNothingToDo: Bool { problems.isEmpty && !resumes }
    /// What a run (or dry run) with nothing to do ends with. Not "healthy": check may still
    /// report what no balance remedies (`otherFindings`; attack 31 R 1f).
    public static let nothingToDo = "No finding of dockstore check that a balance remedies (unallocated space, metadata room); nothing to do."
    /// check's findings (WARNING or worse) that no balance remedies, said beside "nothing to
    /// do" so that reclaim does not read as the all-clear check is not giving.
    public var otherFindings: [CapacityReason] = []

    /// The figures the plan judged: as if the room an interrupted run lent were given back.
    public var judged: CapacityFigures { before.withoutRoom(lent) }

    /// What happens to the temporary room, in a sentence; nil when none is planned.
    public var roomStep: String? {
        guard let room else { return noRoom.map { "no temporary room can be made: \($0)" } }
        if let since = lentSince {
            let use = problems.isEmpty ? "give it back" : "use it for the rounds, then give it back"
            return "continue the room the interrupted reclaim of \(UTCTime.format(Double(since))) lent (its journal): \(room.lentDescription); \(use)"
        }
        return "\(roomFirst ? "first" : "if a round runs out of space"): \(room.description); if the chunks then no longer fit the old size, \(ReclaimPlanner.packingRound.filter) once more before giving it back"
    }
}

/// The pure decision behind `dockstore reclaim`.
public enum ReclaimPlanner {
    /// Usage percentages of the data rounds: empty chunks first, then ever fuller ones;
    /// never 100 (a full balance).
    public static let dataLevels = [0, 5, 10, 20, 40, 60, 80]
    /// Metadata rounds, only when metadata chunks hold the unallocated space.
    public static let metadataLevels = [0, 5, 10, 20, 40]
    /// The data round that packs the chunks tighter when the lent room will not go back
    /// (chunks allocated while the store was larger are larger).
    public static let packingRound = ReclaimRound(.data, usage: 90)

    /// Every round reclaim may run, as the man page states them (a test holds the page to it).
    public static var roundsSentence: String {
        func list(_ levels: [Int]) -> String {
            let text = levels.map { "\($0)" }
            guard text.count > 1 else { return text.joined() }
            return text.dropLast().joined(separator: ", ") + ", then " + (text.last ?? "")
        }
        return "data chunks less than \(list(dataLevels)) percent full; metadata chunks less than \(list(metadataLevels)) percent full; one more data round less than \(packingRound.usage) percent full"
    }
    /// What the host keeps free beyond the room.
    public static let hostMargin: UInt64 = 64 << 20
    public static let minimumRoom: UInt64 = 128 << 20

    public static func plan(_ o: ReclaimObservation, policy: CapacityPolicy) throws -> ReclaimPlan {
        let mp = o.mountpoint
        guard o.fstype == "btrfs", let f = o.figures, let uuid = f.uuid else {
            throw DockStoreError.refused("\(mp) is \(o.fstype), not btrfs: reclaim returns btrfs chunks to the unallocated pool; \(o.fstype) has none")
        }
        if let journal = o.journal, journal.filesystemUUID != uuid {
            throw DockStoreError.refused("the reclaim journal names the btrfs \(journal.filesystemUUID), but \(mp) holds \(uuid); mount that store and run dockstore reclaim, or move the journal aside if that store is gone")
        }
        try refuseUnsafe(f, mp)
        var cancel = false
        if let operation = f.condition.exclusiveOperation {
            guard o.journal != nil, operation.hasPrefix("balance") else {
                // A paused balance holds the exclusive operation until someone resumes or cancels it.
                guard operation != "balance paused" else {
                    throw DockStoreError.refused("a btrfs balance is paused on \(mp) (btrfs balance status \(mp)); reclaim starts no balance beside it, and a paused balance never finishes by itself: resume it (btrfs balance resume \(mp)) or cancel it (btrfs balance cancel \(mp)), then run reclaim again")
                }
                throw DockStoreError.refused("a btrfs \(operation) is running on \(mp); reclaim starts no balance beside it: run it again once that has finished (btrfs balance status \(mp))")
            }
            cancel = true
        }
        let lent = lentBytes(o, f)
        let problems = ReclaimHealth.problems(f, policy: policy, lent: lent)
        var plan = ReclaimPlan(mountpoint: mp, uuid: uuid, before: f, problems: problems, resumes: o.journal != nil,
                               cancelInterruptedBalance: cancel, rounds: [], room: nil, roomFirst: false, noRoom: nil, lent: lent)
        plan.otherFindings = ReclaimHealth.otherFindings(f, policy: policy, lent: lent)
        if plan.isNothingToDo { return plan }
        plan.rounds = rounds(f)
        if let room = o.journal?.room {
            // The interrupted run's room: completed and used while the store still needs it,
            // else only given back.
            plan.room = room
            plan.roomFirst = !problems.isEmpty
            plan.lentSince = o.journal?.started
            return plan
        }
        let size = roomSize(f, dataChunk: o.dataChunkSize)
        switch o.members {
        case .image(let devid, let backing):
            guard let backing else {
                plan.noRoom = "the image behind \(mp) or the free space of its host filesystem could not be read"
                break
            }
            guard backing.hostAvailableBytes >= size + hostMargin else {
                plan.noRoom = "the host filesystem under \(backing.image) has \(ByteSize.format(backing.hostAvailableBytes)) free, less than the \(ByteSize.format(size + hostMargin)) the image would grow by (with a margin)"
                break
            }
            let deviceSize = f.devices.first { $0.devid == devid }?.size ?? backing.apparentBytes
            plan.room = .image(backing.image, devid: devid, originalSize: backing.apparentBytes, originalDeviceSize: deviceSize, bytes: size)
        case .device(let free, let onStore):
            if onStore {
                plan.noRoom = "the folder for a temporary member (\(AtomicFile.parentFolder(of: o.roomFile))) lies on the store itself"
            } else if let free, free >= size + hostMargin {
                plan.room = .device(file: o.roomFile, bytes: size)
            } else {
                let text = free.map(ByteSize.format) ?? "an unreadable amount of"
                plan.noRoom = "the host filesystem under \(AtomicFile.parentFolder(of: o.roomFile)) has \(text) free, less than the \(ByteSize.format(size + hostMargin)) a temporary member needs (with a margin)"
            }
        case .several(let count):
            plan.noRoom = "the store spans \(count) devices (a migration under way?); finish it with dockstore migrate-ebs"
        }
        // Metadata exhausted and nowhere to add a chunk: the balance itself would fail with
        // ENOSPC. With metadata to spare, it moves extents into the chunks' free space first.
        let metadataExhausted = problems.contains { $0.figure == "metadata_free" }
        plan.roomFirst = plan.room != nil && metadataExhausted && f.unallocated < o.dataChunkSize + f.metadataChunkNeed
        return plan
    }

    /// States in which a balance would not help or cannot run.
    static func refuseUnsafe(_ f: CapacityFigures, _ mp: String) throws {
        if let devid = f.condition.missingDevices.first {
            throw DockStoreError.refused("device \(devid) of the btrfs at \(mp) is missing: a balance now could lose the only copy of data; attach it and remount first")
        }
        if let refusal = f.condition.readOnly.refusal(mp, cannotBe: "balanced") { throw refusal }
        if let image = f.condition.image, image.link != .present {
            throw DockStoreError.refused("the image \(image.path) behind \(mp) was \(image.link.rawValue) while mounted: do not balance, save the data first (dockstore check says how)")
        }
    }

    /// Data rounds by rising usage; a metadata round beside each of the lower ones when the
    /// metadata chunks hold at least two chunks' worth of free space (a metadata balance also
    /// moves the system chunks, and on a small store makes them larger: only worth it then).
    static func rounds(_ f: CapacityFigures) -> [ReclaimRound] {
        let metadataChunk = f.metadataChunkSize
        let slack = f.metadataSize > f.metadataUsed ? f.metadataSize - f.metadataUsed : 0
        let metadataHoards = metadataChunk > 0 && slack >= 2 * metadataChunk
        var rounds: [ReclaimRound] = []
        for level in dataLevels {
            rounds.append(ReclaimRound(.data, usage: level))
            if metadataHoards, metadataLevels.contains(level) { rounds.append(ReclaimRound(.metadata, usage: level)) }
        }
        return rounds
    }

    /// Room for one data chunk to move into and two metadata chunks to record the moves, at
    /// least 128 MiB, in whole MiB. No more: while the store is larger, btrfs allocates larger
    /// chunks (a tenth of the store on small ones), which then have to fit back.
    public static func roomSize(_ f: CapacityFigures, dataChunk: UInt64) -> UInt64 {
        let need = max(minimumRoom, dataChunk + 2 * f.metadataChunkNeed)
        let mib: UInt64 = 1 << 20
        return (need + mib - 1) / mib * mib
    }

    /// What an interrupted run lent that is still in place.
    static func lentBytes(_ o: ReclaimObservation, _ f: CapacityFigures) -> UInt64 {
        guard let room = o.journal?.room else { return 0 }
        switch room.kind {
        case .image:
            guard let devid = room.devid, let original = room.originalDeviceSize,
                  let size = f.devices.first(where: { $0.devid == devid })?.size else { return 0 }
            return size > original ? size - original : 0
        case .device:
            guard let devid = o.roomMember else { return 0 }
            return f.devices.first { $0.devid == devid }?.size ?? 0
        }
    }
}
