/// Teardown after a link on the mountpoint's path was changed and the store is no longer mounted
/// where it led (a reboot; attack 34 W C8, X F7): the paths resolve to the new place, where
/// nothing of the store is, and teardown takes down only the configuration. What provision made
/// where the link led then (the image, the folders, its records under /var/lib/dockstore when
/// that is behind the link too) stays, and an edited drop-in of the old unit too: it says so.
extension TeardownPlanner {
    /// The line teardown prints then, nil when docker.service's drop-in names the unit of now.
    public static func relinkNote(_ o: TeardownObservation, _ request: TeardownRequest, _ host: Host) -> String? {
        guard let unit = o.formerUnit else { return nil }
        let then = MountUnitName.pathBytes(ofUnit: unit).map(ShownBytes.text) ?? unit
        let now = ShownBytes.text((o.mountUnitPath ?? request.mountpoint).string)
        let edited = o.keptFormerMountDropIn.map { ", and \(host.real($0)), which someone changed (dockstore removes only its own): remove it by hand" } ?? ""
        return "when provision last ran, \(request.mountpoint.string) was \(then) (docker.service's drop-in waits for \(unit)); a link on its path was changed since, and it is \(now) now: teardown takes down what is there and leaves what provision made where the link led then (the store's image or device, the folders it made)\(edited); to take that down too, point the link back and run dockstore teardown again (with --delete-image to delete the image)"
    }
}
