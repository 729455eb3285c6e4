/// Runs a `ReclaimPlan`: journals the run, cancels an interrupted run's balance, lends room
/// (first, or when a round runs out of space), runs the rounds until the store is healthy
/// by `check`'s rules or the time or I/O budget is spent, gives the room back and removes
/// the journal.
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

    /// What a run may spend on balancing: seconds, and bytes relocated (`ReclaimIOBudget`).
    /// Giving the room back is not cut short by either.
    public struct Budget: Sendable, Equatable {
        public var seconds: Double
        public var bytes: UInt64

        public init(seconds: Double, bytes: UInt64) {
            self.seconds = seconds
            self.bytes = bytes
        }
    }

    /// The deadline and the I/O budget of one run, and what its rounds have moved.
    struct Limits {
        var deadline: Double
        var ioBudget: UInt64
        var spent: UInt64 = 0
        /// The kernel's data chunk size (`allocation/data/chunk_size`).
        var dataChunkSetting: UInt64

        var ioLeft: UInt64 { ioBudget > spent ? ioBudget - spent : 0 }
        var ioSpent: Bool { spent >= ioBudget }
    }

    /// Applies the plan's steps (`ReclaimStep.steps`) through `StepEngine`: the write
    /// preflight of them all before the first acts; the journal; the room when the plan lends
    /// it first; the rounds (which lend it when one runs out of space); the room given back,
    /// also after a failed round; the journal removed; the run recorded.
    /// The run's debris `sweep` goes right before its first step acts (`StepEngine`).
    public func run(_ plan: ReclaimPlan, budget: Budget, sweeping sweep: DebrisSweep?,
                    events: @escaping @Sendable (Event) -> Void) throws -> ReclaimResult {
        let dataChunk = CapacityProbe.number("/sys/fs/btrfs/\(plan.uuid)/allocation/data/chunk_size") ?? (1 << 30)
        var limits = Limits(deadline: MonotonicClock.seconds() + budget.seconds, ioBudget: budget.bytes, dataChunkSetting: dataChunk)
        let mp = plan.mountpoint
        let store = PlannedStore(mountpoint: mp, uuid: plan.uuid)
        let lender = RoomLender(host: host, mountpoint: mp, uuid: plan.uuid)
        let steps = ReclaimStep.steps(plan)
        try StepEngine.preflight(steps, in: lender)
        let progress: (ReclaimStep) -> Void = { events(.step($0.id)) }
        func phase(_ kinds: [ReclaimStep.Kind], _ act: (ReclaimStep) throws -> Void) throws {
            do {
                try StepEngine.apply(steps.filter { kinds.contains($0.kind) }, in: lender, sweeping: sweep, progress: progress, act: act)
            } catch {
                // The journal is written by the first step: after it, no refusal says nothing changed.
                throw kinds == [.begin] ? error : ReclaimAfterChange.failure(error)
            }
        }
        // The run changed the store: a record that cannot be written is noted, never thrown, so
        // that the run's outcome stands and no fallback record is written in its place.
        func recordChanged(_ result: inout ReclaimResult) {
            do {
                try phase([.record]) { _ in try record(result, before: plan.before) }
            } catch {
                result.recordProblem = ReclaimAfterChange.recordProblem(error, path: host.real(LastReclaimRecord.path))
            }
        }
        var journal = try ReclaimJournal.read(host: host) ?? ReclaimJournal(filesystemUUID: plan.uuid, started: WallClock.seconds(), room: nil)
        var result = ReclaimResult(outcome: .failed, before: plan.before)
        try phase([.begin]) { _ in
            journal.running = WallClock.seconds()
            journal.budgetSeconds = budget.seconds
            try journal.write(host: host)
            if plan.cancelInterruptedBalance {
                try BtrfsBalance.cancel(mp, uuid: plan.uuid)
                events(.cancelledInterruptedBalance)
            }
        }
        var room: TemporaryRoom? = nil
        let lend = { (wanted: TemporaryRoom, journal: inout ReclaimJournal) throws -> TemporaryRoom in
            var lent = wanted
            try phase(ReclaimStep.Kind.lending(wanted.kind)) { step in try lender.act(step.kind, room: &lent, journal: &journal) }
            return lent
        }
        var failure: Error? = nil
        do {
            if plan.roomFirst, let wanted = plan.room {
                room = try lend(wanted, &journal)
            }
            try phase([.balance]) { _ in
                result.outcome = try balance(plan, limits: &limits, room: &room, journal: &journal, lend: lend,
                                             result: &result, events: events)
            }
        } catch {
            failure = error
        }
        if let failure { try stopIfTheStoreMoved(failure, plan) }
        // A balance someone started or paused (or an unmount paused) holds the exclusive
        // operation: nothing can be given back until it ends or is cancelled, which the next
        // run does. Looked for after the rounds, and again when the give-back fails (one
        // started while it waited): the run fails naming it, the journal keeps the room.
        func stoppedByABalance() throws -> ReclaimResult {
            stopByABalance(plan, room: room ?? journal.room, &result)
            result.after = try store.figures()
            recordChanged(&result)
            return result
        }
        if try pausedBalance(mp, uuid: plan.uuid, after: failure) { return try stoppedByABalance() }
        // Give back whatever was lent, also after a failure: the store ends the size it was.
        if var lent = room ?? journal.room {
            let inPlace = LentRoom.inPlace(lent, try store.figures())
            let giveBack = { try phase(ReclaimStep.Kind.givingBack(lent.kind)) { step in try lender.act(step.kind, room: &lent, journal: &journal) } }
            do {
                try giveBack()
            } catch let error as DockStoreError where error.code == Errno.noSpace {
                // The chunks allocated while the store was larger are larger (a tenth of the
                // store on small ones) and no longer fit: pack the data once more, then retry.
                let packing = ReclaimPlanner.packingRound
                events(.roundStarted(packing))
                var unbounded = Limits(deadline: .infinity, ioBudget: .max, dataChunkSetting: dataChunk)
                let ran = try runRound(packing, store, limits: &unbounded, events: events)
                result.rounds.append(ran)
                events(.roundEnded(ran))
                do {
                    try giveBack()
                } catch let again as DockStoreError where again.code == Errno.noSpace {
                    throw DockStoreError(.failed, "\(again.message): the store's chunks do not fit its old size again; the room stays lent and the journal \(host.real(ReclaimJournal.path)) records it: run \(Remedy.reclaim(plan.before)) again after deleting data (docker image prune -a)", code: Errno.noSpace)
                }
            } catch {
                if try pausedBalance(mp, uuid: plan.uuid, after: error) { return try stoppedByABalance() }
                throw error
            }
            result.roomGivenBack = inPlace
        }
        try phase([.finish]) { _ in try ReclaimJournal.remove(host: host) }
        result.room = room ?? journal.room
        // Read from the planned store only: another filesystem mounted in its place since
        // the last step fails the run, its figures never reported as the store's.
        result.after = try store.figures()
        if let failure {
            result.outcome = .failed
            result.message = (failure as? DockStoreError)?.message ?? "\(failure)"
        } else if result.outcome == .healthy, let after = result.after,
                  !ReclaimHealth.problems(after, policy: policy, lent: 0).isEmpty {
            result.outcome = .failed
            result.message = "the store was healthy with the temporary room but not without it; run \(Remedy.reclaim(plan.before)) again, or \(Remedy.afterReclaim(plan.before))"
        }
        recordChanged(&result)
        return result
    }

    /// After a failed step, the store is looked for first where the plan saw it (its folder
    /// reached inside --root through no link, the planned btrfs there). When it is not, nothing
    /// more touches it (the paused-balance check, the give-back, the figures after): the run
    /// stops with one refusal (the step's own, or this check's), the journal keeps what was
    /// lent, and the next run, with the store back in place, gives it back.
    private func stopIfTheStoreMoved(_ failure: Error, _ plan: ReclaimPlan) throws {
        do {
            try host.checkStore(at: plan.mountpoint, uuid: plan.uuid, before: (verb: "go on with", done: "changed after the step that failed"))
        } catch let moved as DockStoreError where moved.kind == .refused {
            if let refusal = failure as? DockStoreError, refusal.kind == .refused { throw refusal }
            throw moved
        }
    }

    /// A run with nothing to do: only its record step, so that check sees when reclaim last ran.
    public func recordNothingToDo(_ plan: ReclaimPlan, sweeping sweep: DebrisSweep?) throws {
        let lender = RoomLender(host: host, mountpoint: plan.mountpoint, uuid: plan.uuid)
        try StepEngine.apply(ReclaimStep.steps(plan).filter { $0.kind == .record }, in: lender, sweeping: sweep, progress: { _ in }) { _ in
            try record(ReclaimResult(outcome: .nothingToDo, before: plan.before), before: plan.before)
        }
    }

    /// Records a run that failed before it could record itself (`run` threw).
    public func recordFailure(_ plan: ReclaimPlan) throws {
        try record(ReclaimResult(outcome: .failed, before: plan.before), before: plan.before)
    }

    /// Writes last-reclaim.json for `result`: what `dockstore check` reports as the last run.
    public func record(_ result: ReclaimResult, before: CapacityFigures) throws {
        try LastReclaimRecord(finished: WallClock.seconds(), outcome: result.outcome, chunksRelocated: result.chunksRelocated,
                              unallocatedBefore: before.unallocated, unallocatedAfter: (result.after ?? before).unallocated,
                              bytesRelocated: result.bytesRelocated, fsid: before.uuid).write(host: host)
    }

    /// The rounds, until healthy or out of budget or rounds.
    private func balance(_ plan: ReclaimPlan, limits: inout Limits, room: inout TemporaryRoom?, journal: inout ReclaimJournal,
                         lend: (TemporaryRoom, inout ReclaimJournal) throws -> TemporaryRoom,
                         result: inout ReclaimResult, events: @escaping @Sendable (Event) -> Void) throws -> LastReclaimRecord.Outcome {
        let store = PlannedStore(mountpoint: plan.mountpoint, uuid: plan.uuid)
        let mp = plan.mountpoint
        for round in plan.rounds {
            if try healthy(store, lent: room) { return .healthy }
            if MonotonicClock.seconds() >= limits.deadline { return .budgetSpent }
            if limits.ioSpent { return .ioBudgetSpent }
            events(.roundStarted(round))
            var ran: ReclaimResult.Round
            do {
                ran = try runRound(round, store, limits: &limits, events: events)
            } catch let error as DockStoreError where error.code == Errno.noSpace && room == nil {
                guard let wanted = plan.room else {
                    throw DockStoreError.failed("\(error.message); reclaim cannot lend the store room: \(plan.noRoom ?? "none can be made"); \(Remedy.afterReclaim(plan.before))")
                }
                room = try lend(wanted, &journal)
                ran = try runRound(round, store, limits: &limits, events: events)
            }
            result.rounds.append(ran)
            events(.roundEnded(ran))
            Failpoint.reached("balance-round")
            if ran.interrupted {
                if limits.ioSpent { return .ioBudgetSpent }
                if MonotonicClock.seconds() >= limits.deadline { return .budgetSpent }
                throw DockStoreError.failed("the balance \(round.filter) was paused or cancelled by someone else (btrfs balance status \(mp)); run \(Remedy.reclaim(plan.before)) again to continue")
            }
        }
        if try healthy(store, lent: room) { return .healthy }
        throw DockStoreError.failed("every round ran (up to -dusage=\(ReclaimPlanner.dataLevels.last ?? 0)) and the store still needs room: its chunks are too full for a balance to return space; \(Remedy.afterReclaim(plan.before))")
    }

    private func healthy(_ store: PlannedStore, lent room: TemporaryRoom?) throws -> Bool {
        let figures = try store.figures()
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

    /// One balance, watched (`BalanceWatch`): cancelled when the time or the I/O budget runs
    /// out. What it moved is added to `limits.spent`, also when the balance fails.
    private func runRound(_ round: ReclaimRound, _ store: PlannedStore, limits: inout Limits, events: @escaping @Sendable (Event) -> Void) throws -> ReclaimResult.Round {
        let start = MonotonicClock.seconds()
        let figures = try store.figures()
        let watch = BalanceWatch(round, store: store, deadline: limits.deadline, ioLeft: limits.ioLeft,
                                 chunkBytes: ReclaimIOBudget.chunkBytes(round.kind, figures, dataChunkSetting: limits.dataChunkSetting))
        watch.start(events: events)
        let ending: BtrfsBalance.Ending
        do {
            defer { watch.stop() }
            ending = try BtrfsBalance.run(store.mountpoint, uuid: store.uuid, dataUsage: round.kind == .data ? round.usage : nil,
                                          metadataUsage: round.kind == .metadata ? round.usage : nil)
        } catch {
            limits.spent = limits.spent.addingClamped(watch.charge(watch.lastSeen.completed))
            throw error
        }
        let seconds = MonotonicClock.seconds() - start
        let counters: BtrfsBalance.Counters
        let interrupted: Bool
        switch ending {
        case .finished(let c): (counters, interrupted) = (c, false)
        case .interrupted(let c): (counters, interrupted) = (c, true)
        }
        let bytes = watch.charge(max(counters.completed, watch.lastSeen.completed))
        limits.spent = limits.spent.addingClamped(bytes)
        return ReclaimResult.Round(round: round, considered: counters.considered, relocated: counters.completed,
                                   bytes: bytes, seconds: seconds, interrupted: interrupted)
    }
}

extension UInt64 {
    func addingClamped(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
