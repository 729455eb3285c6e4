/// What `sweepFolderChain` found under the temporary name.
public enum FolderChainLeftover: Equatable, Sendable {
    case absent
    /// The temporary folder holds only what `makeFolderChain` puts there (and was removed, when
    /// `sweepFolderChain` was removing).
    case ours
    /// Something else is there (the reason, one line); nothing was changed.
    case foreign(String)
}
