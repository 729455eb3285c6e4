extension MigrationJournal {
    /// What provision says at every run while a migration is open: after a reboot it is the
    /// boot journal that an admin reads, and "ready" alone hides that the store is still on the
    /// image (a replace canceled at boot, A14) or spans the image and the device.
    ///
    /// The device is named by its volume id where there is one; a kernel name is only the one
    /// the migration began with, which a reboot can give to another volume, and is said so.
    public var openNotice: String {
        let head = "a migration of the store by \(recordedMethod.rawValue) is open (phase: \(phase))"
        if let volumeID {
            let word = volumeID.shellWord
            return "\(head) onto \(deviceLabel): dockstore migrate-ebs \(word) finishes it; "
                + "dockstore migrate-ebs \(word) --abort keeps the store on the image"
        }
        return "\(head) onto the volume that was \(device) when the migration began (a reboot can rename it): "
            + "dockstore migrate-ebs DEVICE, naming that volume, finishes it; with --abort it keeps the store on the image"
    }
}
