extension Reclaimer {
    /// Whether a balance runs or is paused on the planned store after the steps ran: one
    /// someone else started or paused (reclaim's own rounds have ended by then), which holds
    /// the exclusive operation. When a step already failed or refused and the balance cannot
    /// be read (another filesystem is mounted in the store's place, the folder was swapped),
    /// that step's error is the one the run reports: the reading's own error would hide why
    /// the run stopped.
    func pausedBalance(_ mountpoint: String, uuid: String, after failure: Error?) throws -> Bool {
        do {
            return try BtrfsBalance.progress(mountpoint, uuid: uuid) != nil
        } catch {
            if let failure { throw failure }
            throw error
        }
    }

    /// `result` as a run stopped by a balance someone else started or paused: failed, the
    /// room still lent, one sentence naming `btrfs balance status` and what the next run does.
    func stopByABalance(_ plan: ReclaimPlan, room: TemporaryRoom?, _ result: inout ReclaimResult) {
        let mp = plan.mountpoint
        result.outcome = .failed
        result.room = room
        result.message = "a balance is \(balanceState(uuid: plan.uuid)) on \(mp) (btrfs balance status \(mp)); the journal \(host.real(ReclaimJournal.path)) stays, and \(Remedy.reclaim(plan.before)) run again cancels that balance, finishes and gives the room back"
    }

    /// How the balance `pausedBalance` found stands, as the kernel's exclusive operation says:
    /// "paused", "running", or "running or paused" when that cannot be read.
    func balanceState(uuid: String) -> String {
        switch try? BtrfsSysfs.exclusiveOperation(uuid: uuid, sysfs: "/sys") {
        case "balance paused": return "paused"
        case "balance": return "running"
        default: return "running or paused"
        }
    }
}
