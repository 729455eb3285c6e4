/// What killed runs left for the next changing run to remove (`FolderRecordDebris`'s temporary
/// folders, `WriteDebris`' temp files, `UnfinishedImageDebris`' image), held by a run that took the run lock until it is about
/// to change something: `StepEngine.apply` runs it after the write preflight and after the first
/// step's re-check, right before that step acts, and a run whose plan has no steps runs it
/// itself (`run`), as then nothing else can refuse. So a run refused by its planning, its
/// preflight or its first re-check leaves the tree as it found it, debris included.
///
/// Made once the plan is made: a temporary folder holding what provision never puts there
/// refuses the run then (`init`), before anything changes, and again if it turned so since
/// (`run`, which looks at every folder before it removes any). Runs at most once per run
/// (reclaim applies its steps in several phases); removing is idempotent, so a kill between
/// the sweep and the first step's action leaves the next run less to sweep and the same steps.
public final class DebrisSweep {
    public let host: Host
    private var swept = false
    /// Also removes a killed provision's unfinished image (`UnfinishedImageDebris`).
    public let unfinishedImage: Bool
    /// Called with a line for what the sweep removed that is worth saying (an unfinished image).
    public var report: (String) -> Void = { _ in }

    /// Refuses now (exit 2, nothing changed) when a temporary folder is not only provision's.
    public init(host: Host, unfinishedImage: Bool = true) throws {
        self.host = host
        self.unfinishedImage = unfinishedImage
        try FolderRecordDebris.check(host: host)
    }

    /// Removes the debris, the first time it is called; later calls do nothing.
    public func run() throws {
        guard !swept else { return }
        try FolderRecordDebris.sweep(host: host)
        WriteDebris.sweep(host: host)
        if unfinishedImage, let line = UnfinishedImageDebris.sweep(host: host) { report(line) }
        swept = true
    }
}
