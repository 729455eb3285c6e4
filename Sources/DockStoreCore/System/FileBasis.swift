/// The bytes of a file as dockstore read it when it planned an edit (`nil`: the file did
/// not exist). Every file step carries it, and `AtomicFile.write` compares it with the
/// file's current bytes at the moment it writes (compare-and-swap, as vipw and visudo
/// refuse to install an edit of a file that changed meanwhile): a file another program
/// wrote since — cloud-init's mounts module writing fstab at first boot, an admin's editor —
/// is refused instead of being overwritten with bytes computed from its old contents.
public struct FileBasis: Sendable, Equatable {
    public let bytes: [UInt8]?

    public init(_ bytes: [UInt8]?) { self.bytes = bytes }

    /// The refusal when `current` (nil: the file does not exist now) is not what the plan
    /// read; nil when it is. A file created or removed since is a change too.
    public func refusal(current: [UInt8]?, path: String) -> DockStoreError? {
        guard current != bytes else { return nil }
        return DockStoreError.refused("\(path) changed since dockstore read it (another program wrote it); nothing was written to it: re-run")
    }
}
