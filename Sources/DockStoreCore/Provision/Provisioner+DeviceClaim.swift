extension Provisioner {
    /// The device's lock (`DeviceClaim`) for `provision --device`, taken before the run looks
    /// at the device (waiting for the node to appear as `--wait` says) and held until the run
    /// ends: another run that formats or mounts the device, from any --root, has finished
    /// (and this run then sees its filesystem and mount) or has not begun. Nil for the image
    /// store, and for a path that is not a block device (the planner refuses it).
    public static func claimDevice(_ request: ProvisionRequest, resolver: DeviceResolver = DeviceResolver(),
                                   timeout: Double, waiting: (String) -> Void) throws -> DeviceClaim? {
        guard let deviceRequest = request.device else { return nil }
        let device = try resolver.waitFor(deviceRequest.spec, timeout: deviceRequest.wait, because: deviceRequest.awaitedBecause)
        return try DeviceClaim.claim(device.path, sysfs: resolver.sysfs, timeout: timeout, waiting: waiting)
    }
}
