import Dispatch

/// Runs a `ReclaimPlan`: journals the run, cancels an interrupted run's balance, lends room
/// (first, or when a round runs out of space), runs the rounds until the store is healthy
/// by `check`'s rules or the budget is spent, gives the room back and removes the journal.
/// A kill at any point leaves the journal, from which the next run finishes the job.
public struct Reclaimer: Sendable {
    public let host: Host
    public let policy: CapacityPolicy

    /// What the run reports while it works.
    public enum Event {
        case cancelledInterruptedBalance
        case step(String)
        case roundStarted(ReclaimRound)
        /// While a round runs, about once a second.
        case progress(ReclaimRound, BtrfsBalance.Counters)
        case roundEnded(ReclaimResult.Round)
    }

    public init(host: Host, policy: CapacityPolicy) {
        self.host = host
        self.policy = policy
    }

    public func run(_ plan: ReclaimPlan, budget: Double, events: @escaping @Sendable (Event) -> Void) throws -> ReclaimResult {
        let deadline = MonotonicClock.seconds() + budget
        let mp = plan.mountpoint
        let lender = RoomLender(host: host, mountpoint: mp, uuid: plan.uuid)
        var journal = try ReclaimJournal.read(host: host) ?? ReclaimJournal(filesystemUUID: plan.uuid, started: WallClock.seconds(), room: nil)
        try journal.write(host: host)
        Failpoint.reached("reclaim-begin")
        var result = ReclaimResult(outcome: .failed, before: plan.before)
        if plan.cancelInterruptedBalance {
            try BtrfsBalance.cancel(mp)
            events(.cancelledInterruptedBalance)
        }
        var room: TemporaryRoom? = nil
        let step: (String) -> Void = { events(.step($0)) }
        var failure: Error? = nil
        do {
            if plan.roomFirst, let wanted = plan.room {
                room = try lender.lend(wanted, journal: &journal, step: step)
            }
            result.outcome = try balance(plan, deadline: deadline, room: &room, journal: &journal, lender: lender,
                                         result: &result, events: events)
        } catch {
            failure = error
        }
        // A balance someone paused (or an unmount) holds the exclusive operation: nothing can
        // be given back until it is resumed or cancelled, which the next run does.
        if try BtrfsBalance.progress(mp) != nil {
            result.outcome = .failed
            result.room = room ?? journal.room
            result.message = "a balance is paused on \(mp) (btrfs balance status \(mp)); the journal \(host.real(ReclaimJournal.path)) stays, and dockstore reclaim run again cancels that balance, finishes and gives the room back"
            result.after = try CapacityProbe.read(mountpoint: mp)
            return result
        }
        // Give back whatever was lent, also after a failure: the store ends the size it was.
        if let lent = room ?? journal.room {
            do {
                try lender.giveBack(lent, step: step)
            } catch let error as DockStoreError where error.code == Errno.noSpace {
                // The chunks allocated while the store was larger are larger (a tenth of the
                // store on small ones) and no longer fit: pack the data once more, then retry.
                let packing = ReclaimPlanner.packingRound
                events(.roundStarted(packing))
                let ran = try runRound(packing, plan.mountpoint, deadline: .infinity, events: events)
                result.rounds.append(ran)
                events(.roundEnded(ran))
                do {
                    try lender.giveBack(lent, step: step)
                } catch let again as DockStoreError where again.code == Errno.noSpace {
                    throw DockStoreError(.failed, "\(again.message): the store's chunks do not fit its old size again; the room stays lent and the journal \(host.real(ReclaimJournal.path)) records it: run dockstore reclaim again after deleting data (docker image prune -a)", code: Errno.noSpace)
                }
            }
        }
        try ReclaimJournal.remove(host: host)
        Failpoint.reached("reclaim-finish")
        result.room = room ?? journal.room
        result.after = try CapacityProbe.read(mountpoint: mp)
        if let failure {
            result.outcome = .failed
            result.message = (failure as? DockStoreError)?.message ?? "\(failure)"
        } else if result.outcome == .healthy, let after = result.after,
                  !ReclaimHealth.problems(after, policy: policy, lent: 0).isEmpty {
            result.outcome = .failed
            result.message = "the store was healthy with the temporary room but not without it; run dockstore reclaim again, or grow the store (dockstore grow)"
        }
        return result
    }

    /// The rounds, until healthy or out of budget or rounds.
    private func balance(_ plan: ReclaimPlan, deadline: Double, room: inout TemporaryRoom?, journal: inout ReclaimJournal,
                         lender: RoomLender, result: inout ReclaimResult, events: @escaping @Sendable (Event) -> Void) throws -> LastReclaimRecord.Outcome {
        let mp = plan.mountpoint
        let step: (String) -> Void = { events(.step($0)) }
        for round in plan.rounds {
            if try healthy(mp, lent: room) { return .healthy }
            if MonotonicClock.seconds() >= deadline { return .budgetSpent }
            events(.roundStarted(round))
            var ran: ReclaimResult.Round
            do {
                ran = try runRound(round, mp, deadline: deadline, events: events)
            } catch let error as DockStoreError where error.code == Errno.noSpace && room == nil {
                guard let wanted = plan.room else {
                    throw DockStoreError.failed("\(error.message); reclaim cannot lend the store room: \(plan.noRoom ?? "none can be made"); free space (docker image prune -a) or grow the store (dockstore grow)")
                }
                room = try lender.lend(wanted, journal: &journal, step: step)
                ran = try runRound(round, mp, deadline: deadline, events: events)
            }
            result.rounds.append(ran)
            events(.roundEnded(ran))
            Failpoint.reached("balance-round")
            if ran.interrupted {
                if MonotonicClock.seconds() >= deadline { return .budgetSpent }
                throw DockStoreError.failed("the balance \(round.filter) was paused or cancelled by someone else (btrfs balance status \(mp)); run dockstore reclaim again to continue")
            }
        }
        if try healthy(mp, lent: room) { return .healthy }
        throw DockStoreError.failed("every round ran (up to -dusage=\(ReclaimPlanner.dataLevels.last ?? 0)) and the store still needs room: its chunks are too full for a balance to return space; delete data (docker image prune -a; docker builder prune) or grow the store (dockstore grow)")
    }

    private func healthy(_ mp: String, lent room: TemporaryRoom?) throws -> Bool {
        let figures = try CapacityProbe.read(mountpoint: mp)
        return ReclaimHealth.problems(figures, policy: policy, lent: room.map { lentBytes($0, figures) } ?? 0).isEmpty
    }

    private func lentBytes(_ room: TemporaryRoom, _ f: CapacityFigures) -> UInt64 {
        switch room.kind {
        case .image:
            guard let devid = room.devid, let original = room.originalDeviceSize,
                  let size = f.devices.first(where: { $0.devid == devid })?.size else { return room.bytes }
            return size > original ? size - original : 0
        case .device:
            return room.devid.flatMap { devid in f.devices.first { $0.devid == devid }?.size } ?? room.bytes
        }
    }

    /// One balance, watched: progress about once a second, and cancelled when the budget runs out.
    private func runRound(_ round: ReclaimRound, _ mp: String, deadline: Double, events: @escaping @Sendable (Event) -> Void) throws -> ReclaimResult.Round {
        let start = MonotonicClock.seconds()
        let done = Flag()
        let watcher = DispatchQueue(label: "dockstore.reclaim.progress")
        watcher.async {
            var cancelled = false
            while !done.value {
                // Progress only: a round that cannot read it shows none; the balance ioctl decides.
                if let counters = try? BtrfsBalance.progress(mp), !done.value {
                    events(.progress(round, counters))
                    if counters.considered > 0 { Failpoint.reached("balance-running") }
                }
                if !cancelled, MonotonicClock.seconds() >= deadline {
                    cancelled = true
                    try? BtrfsBalance.cancel(mp)
                }
                var slept = 0.0
                while slept < 1, !done.value { MonotonicClock.sleep(0.05); slept += 0.05 }
            }
        }
        let ending: BtrfsBalance.Ending
        do {
            defer { done.set(); watcher.sync {} }
            ending = try BtrfsBalance.run(mp, dataUsage: round.kind == .data ? round.usage : nil,
                                          metadataUsage: round.kind == .metadata ? round.usage : nil)
        }
        let seconds = MonotonicClock.seconds() - start
        switch ending {
        case .finished(let c):
            return ReclaimResult.Round(round: round, considered: c.considered, relocated: c.completed, seconds: seconds, interrupted: false)
        case .interrupted(let c):
            return ReclaimResult.Round(round: round, considered: c.considered, relocated: c.completed, seconds: seconds, interrupted: true)
        }
    }
}
