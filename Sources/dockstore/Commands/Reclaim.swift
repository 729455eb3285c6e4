import ArgumentParser
import DockStoreCore

extension Dockstore {
    struct Reclaim: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give btrfs its unallocated space back before Docker's writes fail with ENOSPC; --orphans deletes subvolumes no layer or container uses.",
            discussion: """
                Balances only nearly empty chunks, by rising usage (data 0, 5, 10, 20, 40, 60, 80%; metadata only \
                when its chunks hold the space), and stops as soon as dockstore check finds no metadata or \
                unallocated trouble, or the --budget (time) or the --io-budget (bytes relocated) is spent; \
                never a full balance. When a balance has no room \
                to work in, it lends the store room (a thin image grows within what the host can back; a device \
                store gets a temporary member on the host filesystem) and gives it back afterwards. A killed or \
                interrupted run is finished by the next. Exit status 0 healthy, nothing to do or a budget spent; \
                1 failed; 2 refused (nothing changed); 3 locked; 64 bad usage. \
                --orphans instead deletes a subvolume of Docker's btrfs driver only while no dockerd uses the \
                store, or when it is older than dockerd's start and nothing refers to it (exit 2 when one was kept).
                """
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var store: StoreOptions

        @Option(name: .long, help: ArgumentHelp("How long to balance: 90s, 5m, 1h (default 5m). Room lent is given back after it.", valueName: "duration"))
        var budget: String?

        @Option(name: .long, help: ArgumentHelp("How many bytes the balance may relocate: 512M, 4G (default a tenth of the store, at least 1G). Room lent is given back after it.", valueName: "size"))
        var ioBudget: String?

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        @Flag(name: .long, help: "Delete the subvolumes of Docker's btrfs driver that no layer, container or image refers to, instead of balancing.")
        var orphans = false

        @OptionGroup var change: ChangeOptions

        func run() throws {
            if change.listFailpoints {
                ReclaimStep.failpoints.forEach { Output.line($0) }
                return
            }
            let host = try global.host()
            let paths = try store.paths(host)
            try ForeignTreeMount.refuse(host: host, paths: [paths.mountpoint, paths.image])
            if orphans {
                guard budget == nil, ioBudget == nil, !json else {
                    throw DockStoreError.usage("--orphans deletes subvolumes and takes neither --budget, --io-budget nor --json")
                }
                try MovedImage.refuseRenamed(host: host, paths: paths)
                try ReclaimOrphans(host: host, mountpoint: host.real(paths.mountpoint), image: host.real(paths.image), change: change).run()
                return
            }
            let seconds = try budget.map { try ReclaimBudget.parse($0) } ?? ReclaimBudget.defaultSeconds
            let bytes = try ioBudget.map { try ReclaimIOBudget.parse($0) }
            let policy = try CapacityPolicy()
            // A refusal creates no lock file (`LockedPlanning`); any plan is a change, as even
            // nothing to do is recorded for the check metrics.
            let (lock, sweep, plan): (FileLock?, DebrisSweep?, ReclaimPlan)
            do {
                (lock, sweep, plan) = try change.planned(host, "reclaim balances the store", watching: [host.real(paths.mountpoint)], changes: { _ in true }) {
                    try MovedImage.refuseRenamed(host: host, paths: paths)
                    let observed = try ReclaimObserver(host: host, mountpoint: host.real(paths.mountpoint), image: host.real(paths.image)).observe()
                    let plan = try ReclaimPlanner.plan(observed, policy: policy)
                    // The write preflight in the plan: its refusal takes no lock (attack 30, 4).
                    if change.preflights {
                        try StepEngine.preflight(ReclaimStep.steps(plan), in: RoomLender(host: host, mountpoint: plan.mountpoint, uuid: plan.uuid))
                    }
                    return plan
                }
            } catch let error as DockStoreError where json {
                Output.line(try ReclaimReport.Stopped(mountpoint: host.real(paths.mountpoint), dryRun: change.dryRun, error: error).json())
                throw error
            }
            try reclaimSpace(host, plan: plan, policy: policy, seconds: seconds, bytes: bytes, sweep: sweep)
            withExtendedLifetime(lock) {}
        }

        private func reclaimSpace(_ host: Host, plan: ReclaimPlan, policy: CapacityPolicy, seconds: Double, bytes: UInt64?,
                                  sweep: DebrisSweep?) throws {
            let budget = Reclaimer.Budget(seconds: seconds, bytes: bytes ?? ReclaimIOBudget.defaultBytes(storeSize: plan.judged.deviceSize))
            let reclaimer = Reclaimer(host: host, policy: policy)
            if change.dryRun || plan.isNothingToDo {
                if !change.dryRun { try reclaimer.recordNothingToDo(plan, sweeping: sweep) }
                Output.line(json ? try ReclaimReport(plan: plan, result: nil, budget: budget).json()
                                 : ReclaimText.plan(plan, dryRun: change.dryRun, budget: budget))
                return
            }
            if !json { Output.line(ReclaimText.before(plan)) }
            let terminal = !json && StandardStream.output.isTerminal
            let result: ReclaimResult
            do {
                result = try reclaimer.run(plan, budget: budget, sweeping: sweep) { event in
                    if !json { ReclaimText.event(event, terminal: terminal) }
                }
            } catch {
                do {
                    try reclaimer.recordFailure(plan)
                } catch let recordError as DockStoreError where recordError.kind != .refused {
                    Output.warning("cannot record the failed run: \(recordError.message)")
                } catch is DockStoreError {
                    // The tree refuses the record too (a folder swapped for a link): the one
                    // line below names why the run stopped; check reports its open journal.
                }
                if json, let error = error as? DockStoreError {
                    Output.line(try ReclaimReport(plan: plan, stopped: error, budget: budget).json())
                }
                throw error
            }
            Output.line(json ? try ReclaimReport(plan: plan, result: result, budget: budget).json() : ReclaimText.after(result))
            if result.outcome == .failed {
                if let problem = result.recordProblem { Output.warning(problem) }
                throw DockStoreError.failed(result.message ?? "reclaim failed")
            }
            if let problem = result.recordProblem { throw DockStoreError.failed(problem) }
        }
    }
}
