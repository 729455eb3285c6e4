import DockStoreCore

/// `dockstore reclaim --orphans`: lists the subvolumes of Docker's btrfs driver that
/// nothing refers to and deletes those `OrphanPlanner` proves unused, re-checking each right
/// before it goes. The reclaim command calls `run` when `--orphans` is given.
struct ReclaimOrphans {
    var host: Host
    var mountpoint: String
    var image: String
    var change: ChangeOptions

    /// Exit 0 when every orphan was deleted (or none was found); refused (2) when orphans
    /// stay because their being unused cannot be proven. Observing and deciding come before
    /// the run lock (`LockedPlanning`): a refusal, or a plan that deletes nothing, creates
    /// no lock file and changes nothing. The debris of killed runs (`DebrisSweep`) goes right
    /// before the first deletion, or at the end of a run that deletes nothing and refuses nothing.
    func run() throws {
        let reclaimer = OrphanReclaimer(dataRoot: mountpoint, image: image, host: host)
        typealias Plan = (observed: OrphanReclaimer.Observation, decisions: [OrphanReclaimer.Decision])
        let (lock, sweep, (observed, decisions)) = try change.planned(host, "reclaim --orphans deletes subvolumes",
                                                              changes: { (plan: Plan) in plan.decisions.contains { $0.verdict == OrphanVerdict.delete } }) { () throws -> Plan in
            let observed = try reclaimer.observe()
            return (observed, OrphanReclaimer.plan(observed))
        }
        defer { withExtendedLifetime(lock) {} }
        let dryRun = change.dryRun
        let census = observed.census
        for name in census.foreign {
            Output.line("leave \(reclaimer.store.subvolumes)/\(name): not an id Docker's layer store gives (BuildKit's, or not Docker's)")
        }
        if census.orphans.isEmpty {
            try sweep?.run()
            Output.line("\(census.subvolumes) subvolume(s) under \(reclaimer.store.subvolumes), no orphans: nothing to do.")
            return
        }
        Output.line("\(census.orphans.count) of \(census.subvolumes) subvolume(s) under \(reclaimer.store.subvolumes) are referenced by no layer, container or image\(dryRun ? " (dry run, nothing changed)" : ""):")
        var deleted = 0, kept: [String] = []
        for decision in decisions {
            let path = "\(reclaimer.store.subvolumes)/\(decision.name)"
            var verdict = decision.verdict
            if !dryRun, verdict == .delete {
                try sweep?.run()
                verdict = try reclaimer.delete(decision.name, uuid: observed.uuid)
            }
            switch verdict {
            case .delete:
                deleted += 1
                Output.line("  \(dryRun ? "would delete" : "deleted") \(path)")
            case .keep(let why):
                kept.append(decision.name)
                Output.line("  kept \(path): \(why)")
            }
        }
        guard kept.isEmpty else {
            throw DockStoreError.refused("\(kept.count) orphan candidate(s) kept because dockstore cannot prove them unused\(deleted > 0 ? " (\(deleted) \(dryRun ? "would be " : "")deleted)" : ""); the lines above say why")
        }
        try sweep?.run()
    }
}
