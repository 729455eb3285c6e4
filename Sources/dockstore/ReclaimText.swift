import DockStoreCore

/// `dockstore reclaim`'s text output: the plan, a line per step and round (a live line on
/// a terminal), and the figures before and after.
enum ReclaimText {
    static func figures(_ f: CapacityFigures) -> String {
        "unallocated \(ByteSize.format(f.unallocated)), data free \(ByteSize.format(f.dataFree)), metadata free \(ByteSize.format(f.metadataFree))"
    }

    /// The figures the plan judged, saying so when an interrupted run's room is left out
    /// (so that "needs: unallocated …" and these figures agree).
    static func judged(_ plan: ReclaimPlan) -> String {
        guard plan.lent > 0 else { return figures(plan.before) }
        return "\(figures(plan.judged)) (without the \(ByteSize.format(plan.lent)) an interrupted reclaim lent; with it, unallocated \(ByteSize.format(plan.before.unallocated)))"
    }

    static func plan(_ plan: ReclaimPlan, dryRun: Bool, budget: Reclaimer.Budget) -> String {
        var lines = ["\(plan.mountpoint): \(judged(plan))"]
        if plan.isNothingToDo {
            lines.append(ReclaimPlan.nothingToDo)
            if !plan.otherFindings.isEmpty {
                lines.append("dockstore check still reports, which no balance remedies:")
                plan.otherFindings.forEach { lines.append("  \($0.state.label) \($0.figure): \($0.message)") }
            }
            return lines.joined(separator: "\n")
        }
        lines.append("Plan\(dryRun ? " (dry run, nothing changed)" : ""):")
        plan.problems.forEach { lines.append("  needs: \($0.message)") }
        if plan.resumes { lines.append("  finish the interrupted reclaim recorded in its journal") }
        if plan.cancelInterruptedBalance { lines.append("  cancel the interrupted reclaim's balance (the kernel keeps the chunks it moved)") }
        if let step = plan.roomStep { lines.append("  \(step)") }
        if !plan.rounds.isEmpty {
            lines.append("  balance, stopping once healthy: \(plan.rounds.map(\.filter).joined(separator: ", "))")
            lines.append("  stop balancing after \(seconds(budget.seconds)) or \(ByteSize.format(budget.bytes)) relocated, whichever comes first")
        }
        lines.append("Steps:")
        ReclaimStep.steps(plan).forEach { lines.append("  [\($0.id)] \($0.description)") }
        return lines.joined(separator: "\n")
    }

    /// `5m`, `90s`, `1h30m`: as `--budget` takes it.
    static func seconds(_ value: Double) -> String {
        let whole = Int(value.rounded())
        let (h, m, s) = (whole / 3600, whole % 3600 / 60, whole % 60)
        let text = (h > 0 ? "\(h)h" : "") + (m > 0 ? "\(m)m" : "") + (s > 0 ? "\(s)s" : "")
        return text.isEmpty ? "0s" : text
    }

    static func before(_ plan: ReclaimPlan) -> String {
        (["Before: \(judged(plan))"] + plan.problems.map { "  needs: \($0.message)" }).joined(separator: "\n")
    }

    static func event(_ event: Reclaimer.Event, terminal: Bool) {
        switch event {
        case .cancelledInterruptedBalance:
            Output.line("cancelled the balance an interrupted reclaim left")
        case .step(let id):
            Output.line("[\(id)] done")
        case .roundStarted(let round):
            if terminal { Output.emitRaw("\(round.filter): starting") }
        case .progress(let round, let c):
            if terminal { Output.emitRaw("\r\u{1b}[K\(round.filter): \(c.considered)/\(c.expected) chunks looked at, \(c.completed) relocated") }
        case .roundEnded(let r):
            let cut = r.interrupted ? " (interrupted)" : ""
            let moved = r.bytes > 0 ? " (at most \(ByteSize.format(r.bytes)))" : ""
            let text = "\(r.round.filter): \(r.relocated) of \(r.considered) chunks relocated\(moved) in \(String(format1: r.seconds)) s\(cut)"
            if terminal { Output.emitRaw("\r\u{1b}[K") }
            Output.line(text)
        }
    }

    static func after(_ result: ReclaimResult) -> String {
        var lines: [String] = []
        if let after = result.after { lines.append("After: \(figures(after))") }
        if let room = result.room, result.roomGivenBack != nil { lines.append("Lent and given back: \(room.description)") }
        // A failed run's summary is the error line the command ends with.
        if result.outcome != .failed { lines.append(result.summary) }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// `1.5` with one decimal.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
