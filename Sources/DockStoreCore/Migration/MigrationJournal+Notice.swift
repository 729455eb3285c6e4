extension MigrationJournal {
    /// What provision says at every run while a migration is open: after a reboot it is the
    /// boot journal that an admin reads, and "ready" alone hides that the store is still on the
    /// image (a replace canceled at boot, A14) or spans the image and the device.
    ///
    /// The device is named by its volume id where there is one; a kernel name is only the one
    /// the migration began with, which a reboot can give to another volume, and is said so.
    /// `--abort` is offered only while `imageInStore`: once the move is past its point of
    /// return (provision brought up the volume) it refuses, and finishing is the only way
    /// (attack 25 J3).
    public func openNotice(imageInStore: Bool) -> String {
        let head = "a migration of the store by \(recordedMethod.rawValue) is open (phase: \(phase))"
        let past = imageInStore ? "" : " (the image is no longer part of the store: the move is past its point of return, and only finishing it is left)"
        if let volumeID {
            let word = volumeID.shellWord
            return "\(head) onto \(deviceLabel)\(past): dockstore migrate-ebs \(word) finishes it"
                + (imageInStore ? "; dockstore migrate-ebs \(word) --abort keeps the store on the image" : "")
        }
        return "\(head) onto the volume that was \(device) when the migration began (a reboot can rename it)\(past): "
            + "dockstore migrate-ebs DEVICE, naming that volume, finishes it" + (imageInStore ? "; with --abort it keeps the store on the image" : "")
    }
}
