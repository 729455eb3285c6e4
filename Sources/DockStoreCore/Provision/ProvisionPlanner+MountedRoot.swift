extension ProvisionPlanner {
    /// After provision mounted a btrfs store itself (its plan saw nothing mounted, so its
    /// warnings could not say it): the warnings `checkMountedRoot` gives of a subvolume flagged
    /// read-only or a data root with chattr's i or a. Another subvolume than the top level was
    /// refused by the mount step already. One that cannot be read is a warning saying so.
    public static func mountedRootWarnings(_ steps: [ProvisionStep], mountpoint: String) -> [String] {
        guard steps.contains(where: { if case .mount(_, "btrfs", _) = $0 { return true } else { return false } }) else { return [] }
        do {
            return RootStateRules.evaluate(try BtrfsRootState.read(at: mountpoint), mountpoint: mountpoint).map(\.message)
        } catch let error as DockStoreError {
            return ["cannot tell whether Docker can write at \(mountpoint) (the subvolume's read-only flag, the data root's attributes): \(error.message)"]
        } catch {
            return ["cannot tell whether Docker can write at \(mountpoint): \(error)"]
        }
    }
}
