extension Teardowner {
    /// The mounted store's device whose node in /dev is missing or another device's: what
    /// teardown reads of it (its label) and the wipe would go through the node, so it refuses,
    /// naming the kernel's device and how to restore the node (attack 44 O 2d: it said "its label
    /// is empty, not 'docker'", which was false, and never named the node).
    static func refuseNodeless(_ device: String, mountedAt target: String) throws {
        let resolver = DeviceResolver()
        if let replaced = try resolver.replacedNodeRefusal(at: device) {
            let text = replaced.message.hasPrefix("refusing: ") ? String(replaced.message.dropFirst("refusing: ".count)) : replaced.message
            throw DockStoreError.refused("refusing to tear down \(target): \(text)")
        }
        if let nodeless = try NodelessHolder.named(device, sysfs: resolver.sysfs) {
            throw DockStoreError.refused("refusing to tear down \(target): \(device) is mounted there, but there is no \(device) in /dev (the kernel's \(nodeless.name), \(nodeless.major):\(nodeless.minor)), and dockstore reads and wipes a device only through its own node; restore it (mknod \(device) b \(nodeless.major) \(nodeless.minor), or udevadm trigger --action=add /sys/class/block/\(nodeless.name)) and re-run teardown; nothing was changed")
        }
    }
}
