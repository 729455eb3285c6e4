extension Migrator {
    /// The target's lock (`DeviceClaim`) for `migrate-ebs`, taken before the run looks at the
    /// device (waiting for the node as `--wait` says) and held until the run ends, as
    /// `provision --device` holds it: the blank check and the replace or add are one step for
    /// every other run that honours the lock. Nil for a path that is not a block device (the
    /// planner refuses it).
    public static func claimTarget(_ request: DeviceRequest, resolver: DeviceResolver = DeviceResolver(),
                                   timeout: Double, waiting: (String) -> Void) throws -> DeviceClaim? {
        let device = try resolver.waitFor(request.spec, timeout: request.wait)
        return try DeviceClaim.claim(device.path, sysfs: resolver.sysfs, timeout: timeout, waiting: waiting)
    }
}
