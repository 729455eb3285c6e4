extension ProvisionPlanner {
    /// The mount unit's drop-in (`MountDropIn`, dockstore's: the planner refused an edited one):
    /// written for an image store, removed where the store's line mounts a device; nil when it is
    /// as it should be.
    static func mountDropInStep(_ observed: ProvisionObservation, _ request: ProvisionRequest, _ host: Host) -> ProvisionStep? {
        let unit = MountUnitName.of(observed.unitPath(request))
        let path = MountDropIn.path(unitPath: observed.unitPath(request))
        if request.device != nil {
            guard observed.mountDropIn != nil else { return nil }
            return .writeMountDropIn(path: path, text: nil, change: "remove it: the store's line mounts a device by UUID=, not the image, so \(unit) needs no condition on the image",
                                     basis: FileBasis(observed.mountDropIn))
        }
        let text = MountDropIn.render(image: request.image)
        if observed.mountDropIn == Array(text.utf8) { return nil }
        let why = "\(unit) mounts only while \(host.real(request.image)) is there (with the image missing nothing is mounted, never another root's loop device of that name)"
        return .writeMountDropIn(path: path, text: text, change: (observed.mountDropIn == nil ? "create it: " : "rewrite it: ") + why,
                                 basis: FileBasis(observed.mountDropIn))
    }
}
