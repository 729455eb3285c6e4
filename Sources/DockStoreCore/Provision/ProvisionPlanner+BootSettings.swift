extension ProvisionPlanner {
    /// A store set up at a mountpoint (or image) given on the command line only: the boot unit
    /// (dockstore-provision.service) runs plain `dockstore provision`, which takes the settings
    /// file's values, else the defaults, so it would look for the store at /var/lib/docker,
    /// find it mounted elsewhere and refuse, and docker.service, which requires the unit, would
    /// not start (attack 12, B21). nil when the settings file names what this run used.
    public static func bootSettingsWarning(_ request: ProvisionRequest, settings: ProvisionSettings?, host: Host) -> String? {
        var missing: [String] = []
        if request.mountpoint != (settings?.mountpoint ?? HostPaths.defaultMountpoint) {
            missing.append("DOCKSTORE_MOUNTPOINT=\(request.mountpoint)")
        }
        if request.device == nil, request.image != (settings?.image ?? HostPaths.defaultImage) {
            missing.append("DOCKSTORE_IMAGE=\(request.image)")
        }
        guard !missing.isEmpty else { return nil }
        let path = host.real(ProvisionSettings.path)
        return "the boot unit dockstore-provision.service runs plain dockstore provision, which reads \(path): without \(missing.joined(separator: " and ")) there it looks for the store at its defaults, refuses, and Docker does not start at boot; add \(missing.count == 1 ? "that line" : "those lines") to \(path)"
    }
}
