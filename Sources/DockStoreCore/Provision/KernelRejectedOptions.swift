/// The mount options the running kernel's parser for the store's filesystem rejected when
/// provision asked it before planning (`KernelMountOptions`): option → the kernel's message.
/// Absent from the observation when the kernel could not be asked or does not judge before a
/// mount (btrfs before Linux 6.8): the mount then is the judge, and its failure names the options.
public struct KernelRejectedOptions: Sendable, Equatable {
    public var filesystem: String
    public var rejected: [String: String]

    public init(filesystem: String, rejected: [String: String]) {
        self.filesystem = filesystem
        self.rejected = rejected
    }

    /// The first of `options` the kernel's `fstype` rejects, with its message.
    func first(of options: [String], fstype: String) -> (option: String, why: String)? {
        guard fstype == filesystem else { return nil }
        for option in options { if let why = rejected[option] { return (option, why) } }
        return nil
    }
}
