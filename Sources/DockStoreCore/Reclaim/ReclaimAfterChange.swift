/// What a reclaim step's refusal means once the run has changed something (its journal
/// written, chunks relocated, room lent): the refusal (`WritePreflight`: a full or read-only
/// host filesystem) still stops that step, but "nothing was changed" and the exit status of a
/// refusal (2) would be false, so it becomes a failure (1) that says so.
/// A claim scoped to one step ("nothing was changed by [room-shrink]", the store's re-check
/// before that step: its folder swapped, another filesystem in its place) stays true and stays
/// a refusal: the journal keeps what was lent, and a re-run with the store back gives it back.
enum ReclaimAfterChange {
    static let claim = "nothing was changed"
    static let stepScopedClaim = claim + " by ["

    /// `error` as a failure when it is a refusal that claims nothing at all was changed; else unchanged.
    static func failure(_ error: Error) -> Error {
        guard let refusal = error as? DockStoreError, refusal.kind == .refused, refusal.message.contains(claim),
              !refusal.message.contains(stepScopedClaim) else { return error }
        return DockStoreError(.failed, replacingClaim(refusal.message, with: "this step was not taken, but the run had already changed the store"),
                              code: refusal.code)
    }

    /// `text` with its "nothing was changed" (and the separator before it) replaced by `said`;
    /// with `said` empty, cut out.
    static func replacingClaim(_ text: String, with said: String) -> String {
        var shown = text
        for separator in ["; ", ", ", ""] {
            guard let range = shown.firstRange(of: separator + claim) else { continue }
            shown.replaceSubrange(range, with: said.isEmpty ? "" : separator + said)
            break
        }
        return shown
    }

    /// The one line for a run whose record could not be written: which file, why, what to do.
    static func recordProblem(_ error: Error, path: String) -> String {
        let why = replacingClaim((error as? DockStoreError)?.message ?? "\(error)", with: "")
        return "the run is not recorded in \(path) (\(why)); that file still holds the run before, which dockstore check reports: free space on the filesystem holding \(AtomicFile.parentFolder(of: path)); the next reclaim records itself"
    }
}
