/// The mount options the running kernel's filesystem parser rejected when provision asked it
/// before planning (`KernelMountOptions`), by filesystem type: option → the kernel's message.
/// Absent from the observation when the kernel could not be asked or does not judge before a
/// mount (btrfs before Linux 6.8): the mount then is the judge, and its failure names the options.
public struct KernelRejectedOptions: Sendable, Equatable {
    public var byFilesystem: [String: [String: String]]

    public init(byFilesystem: [String: [String: String]]) {
        self.byFilesystem = byFilesystem
    }

    /// The first of `options` the kernel's `fstype` rejects, with its message.
    func first(of options: [String], fstype: String) -> (option: String, why: String)? {
        guard let rejected = byFilesystem[fstype] else { return nil }
        for option in options { if let why = rejected[option] { return (option, why) } }
        return nil
    }
}
