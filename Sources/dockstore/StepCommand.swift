import DockStoreCore

/// What a changing command says about its steps; the layout is `StepCommand`'s.
struct StepShow<Step: AppliedStep> {
    /// The one line printed when the plan has no steps.
    var nothingToDo: String
    /// Lines above the plan: the dry run's title, or what the whole change is.
    var title: [String]
    /// A step in words.
    var text: (Step) -> String
    /// The plan is printed before applying too, not only in a dry run (migrate-ebs asks first).
    var planBeforeApplying = false
    /// The line below a dry run's plan.
    var dryRunFooter: String?
    /// Steps whose text stands alone (a diff) print unnumbered and without their id, in the
    /// plan as `text`, once done as `done`.
    var done: ((Step) -> String)?

    init(nothingToDo: String, title: [String], planBeforeApplying: Bool = false, dryRunFooter: String? = nil,
         text: @escaping (Step) -> String, done: ((Step) -> String)? = nil) {
        self.nothingToDo = nothingToDo
        self.title = title
        self.planBeforeApplying = planBeforeApplying
        self.dryRunFooter = dryRunFooter
        self.text = text
        self.done = done
    }
}

/// The one skeleton of every changing command after it planned: "nothing to do", the dry
/// run's plan (`  N. [id] text`), or the steps as they are applied (`[id] text`, printed once
/// each is done, so what is printed is what was done).
enum StepCommand {
    /// Returns whether the steps were applied: false for nothing to do or a dry run.
    /// `apply` runs the steps, calling the printer it is given after each, and the run's debris
    /// `sweep` before the first acts (`StepEngine`); with no steps the sweep runs here, silently.
    @discardableResult
    static func run<Step>(_ steps: [Step], dryRun: Bool, show: StepShow<Step>, sweep: DebrisSweep?,
                          beforeApplying: () throws -> Void = {},
                          apply: (_ report: (Step) -> Void) throws -> Void) throws -> Bool {
        if steps.isEmpty {
            try sweep?.run()
            Output.line(show.nothingToDo)
            return false
        }
        if dryRun || show.planBeforeApplying {
            show.title.forEach { Output.line($0) }
            for (n, step) in steps.enumerated() {
                Output.line(show.done == nil ? "  \(n + 1). [\(step.id)] \(show.text(step))" : show.text(step))
            }
        }
        if dryRun {
            if let footer = show.dryRunFooter { Output.line(footer) }
            return false
        }
        try beforeApplying()
        try apply { step in
            Output.line(show.done.map { $0(step) } ?? "[\(step.id)] \(show.text(step))")
        }
        return true
    }
}
