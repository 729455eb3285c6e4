extension Reclaimer {
    /// Whether a balance is paused on the planned store after the steps ran. When a step
    /// already failed or refused and the balance cannot be read (another filesystem is
    /// mounted in the store's place, the folder was swapped), that step's error is the one
    /// the run reports: the reading's own error would hide why the run stopped.
    func pausedBalance(_ mountpoint: String, uuid: String, after failure: Error?) throws -> Bool {
        do {
            return try BtrfsBalance.progress(mountpoint, uuid: uuid) != nil
        } catch {
            if let failure { throw failure }
            throw error
        }
    }
}
