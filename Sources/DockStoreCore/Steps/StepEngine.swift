/// The one apply loop of every changing command: the write preflight for all steps before
/// the first acts, then for each step its pause point, its re-check, the action, the progress
/// report and its failpoint, in that order (the pause stands for time passing between plan and
/// act, so the re-check comes after it). The run's debris sweep (`DebrisSweep`) goes between
/// the first step's re-check and its action: the first change, so that every refusal before
/// it leaves the tree as it was. A failed step stops the loop; what ran is left
/// for the next run to find done (every step is idempotent).
public enum StepEngine {
    /// `sweep` is the run's (nil for none: a caller without the run lock).
    public static func apply<Step: AppliedStep>(_ steps: [Step], in context: Step.Context, sweeping sweep: DebrisSweep?,
                                               progress: (Step) -> Void,
                                               act: (Step) throws -> Void) throws {
        try preflight(steps, in: context)
        for step in steps {
            Failpoint.pause(step.id)
            try step.recheck(context)
            try sweep?.run()
            try act(step)
            progress(step)
            Failpoint.reached(step.failpoint)
        }
    }

    /// The write preflight of `apply` on its own (`WritePreflight` over every step's planned
    /// writes), for a command that checks it while planning, before it takes the run lock.
    public static func preflight<Step: AppliedStep>(_ steps: [Step], in context: Step.Context) throws {
        try WritePreflight.check(steps.flatMap { try $0.plannedWrites(context) })
    }

    /// For steps that need no context.
    public static func apply<Step: AppliedStep>(_ steps: [Step], sweeping sweep: DebrisSweep?, progress: (Step) -> Void,
                                               act: (Step) throws -> Void) throws where Step.Context == Void {
        try apply(steps, in: (), sweeping: sweep, progress: progress, act: act)
    }
}
