/// Finds the device node for a `DeviceSpec`, both ways round:
/// - a volume id → the NVMe device whose serial is that id (model "Amazon Elastic Block Store");
/// - `/dev/xvdf` or `/dev/sdf` whose udev symlink is missing → the EBS NVMe device whose
///   Identify Controller data names that mapping;
/// - any existing path (symlinks included) → its canonical node, with the volume id read back.
/// The sysfs and /dev roots and the identify reader are injectable for tests.
public struct DeviceResolver: Sendable {
    public static let ebsModel = "Amazon Elastic Block Store"
    /// Told once when `waitFor` starts waiting for a device that is not there yet, so that a
    /// boot's journal names what provision waits for (attack 14, Y-BOOT-3); set by the command
    /// line at start-up, before any thread runs.
    nonisolated(unsafe) public static var waitingNotice: (@Sendable (String) -> Void)? = nil
    static let noticeAfter = 2.0

    public let sysfs: SysfsBlock
    public let devRoot: String
    /// Reads the EBS block device mapping name (`sdf`, `/dev/xvdf`) of an NVMe node.
    public let mappingName: @Sendable (String) -> String?

    public init(sysfs: SysfsBlock = SysfsBlock(), devRoot: String = "/dev",
                mappingName: @escaping @Sendable (String) -> String? = EBSIdentity.mappingName(ofDevice:)) {
        self.sysfs = sysfs
        self.devRoot = devRoot
        self.mappingName = mappingName
    }

    /// The device, or nil when it is not (yet) there. Throws when the answer is ambiguous.
    public func resolve(_ spec: DeviceSpec) throws -> ResolvedDevice? {
        switch spec {
        case .volume(let id):
            let matches = ebsDisks().filter { sysfs.attribute($0, "device/serial").flatMap(EBSVolumeID.init) == id }
            guard let name = try single(matches, spec) else { return nil }
            return ResolvedDevice(path: "\(devRoot)/\(name)", name: name, volumeID: id, requested: spec.description)
        case .filesystemUUID(let uuid):
            guard let path = try BlockProbe.device(withUUID: uuid) else { return nil }
            let name = path.split(separator: "/").last.map(String.init) ?? path
            return ResolvedDevice(path: path, name: name, volumeID: volumeID(of: name), requested: spec.description)
        case .path(let path):
            let real = devRoot == "/dev" ? path : devRoot + path.dropFirst(4)
            if case .success(let canonical) = PathCalls.realPath(real) {
                let name = canonical.split(separator: "/").last.map(String.init) ?? canonical
                if let refusal = try replacedNodeRefusal(canonical, name: name, requested: path) { throw refusal }
                return ResolvedDevice(path: canonical, name: name, volumeID: volumeID(of: name), requested: path)
            }
            guard let suffix = DeviceSpec.mappingSuffix(path) else { return nil }
            let (disk, partition) = splitPartition(suffix)
            let matches = ebsDisks().filter { name in
                mappingName("\(devRoot)/\(name)").flatMap(DeviceSpec.mappingSuffix) == disk
            }
            guard let name = try single(matches, spec) else { return nil }
            let target = partition.isEmpty ? name : "\(name)p\(partition)"
            return ResolvedDevice(path: "\(devRoot)/\(target)", name: target, volumeID: volumeID(of: name), requested: path)
        }
    }

    /// Waits up to `timeout` seconds for the device node to appear (an attach is asynchronous).
    /// `waitHint`: how the command lets one wait longer, for the refusal (nil for one that
    /// does not wait, status).
    /// `because`: why the device is looked for when nobody named it (`DeviceRequest.awaitedBecause`).
    public func waitFor(_ spec: DeviceSpec, timeout: Double, waitHint: String? = "give --wait SECONDS", because: String? = nil,
                        sleep: (Double) -> Void = { MonotonicClock.sleep($0) }) throws -> ResolvedDevice {
        var waited = 0.0
        while true {
            if let device = try resolve(spec), PathCalls.exists(device.path) { return device }
            // The store attached without its own node: a node that is another device's at once
            // (no udev run mends it), a missing one once the wait is over.
            if case .filesystemUUID(let uuid) = spec, waited == 0 || waited >= timeout {
                let nodeless = try NodelessHolder.find(uuid: uuid).filter { waited >= timeout || $0.nodeIsAnotherDevice }
                if let first = nodeless.first { throw first.refusal(spec.description, because: because) }
            }
            if waited >= timeout {
                if case .path(let path) = spec, devRoot == "/dev", let nodeless = try NodelessHolder.named(path, sysfs: sysfs) {
                    throw nodeless.refusal(path, because: because)
                }
                let seconds = timeout == timeout.rounded() ? "\(Int(timeout))" : "\(timeout)"
                let how = timeout > 0 ? "did not appear within \(seconds) s" : "does not exist"
                throw DockStoreError.refused("device \(spec) \(how); check that the volume is attached to this instance (aws ec2 describe-volumes)" + (waitHint.map { ", or \($0)" } ?? "")
                                             + (because.map { "; dockstore looks for it because \($0)" } ?? ""))
            }
            // After 2 s: a device that comes at once, or a short --wait, says nothing more than its result.
            if waited < Self.noticeAfter, waited + min(0.25, timeout - waited) >= Self.noticeAfter {
                let seconds = timeout == timeout.rounded() ? "\(Int(timeout))" : "\(timeout)"
                Self.waitingNotice?("waiting up to \(seconds) s for device \(spec) to appear (--wait, DOCKSTORE_WAIT in /etc/sysconfig/dockstore)")
            }
            let step = min(0.25, timeout - waited)
            sleep(step)
            waited += step
        }
    }

    /// The EBS volume id of a disk or of the disk a partition belongs to.
    public func volumeID(of name: String) -> EBSVolumeID? {
        let disk = sysfs.disk(of: name)
        guard sysfs.attribute(disk, "device/model") == Self.ebsModel else { return nil }
        return sysfs.attribute(disk, "device/serial").flatMap(EBSVolumeID.init)
    }

    /// Whether a disk (or a partition's disk) is a Xen virtual block device (blkfront, named
    /// `xvd*`, on some old kernels `sd*`): its xenbus device's modalias is `xen:vbd`. On
    /// Xen-based EC2 instance types EBS volumes are such disks, but so are instance-store
    /// disks, and neither carries a volume id: it may be EBS, never known to be.
    public func isXenVirtualDisk(_ name: String) -> Bool {
        sysfs.attribute(sysfs.disk(of: name), "device/modalias") == Self.xenVirtualDiskModalias
    }

    /// What xenbus shows as a blkfront device's modalias (`xen:` and its device type `vbd`).
    public static let xenVirtualDiskModalias = "xen:vbd"

    func ebsDisks() -> [String] {
        sysfs.disks(prefix: "nvme").filter { sysfs.attribute($0, "device/model") == Self.ebsModel }
    }

    private func single(_ matches: [String], _ spec: DeviceSpec) throws -> String? {
        if matches.count > 1 {
            throw DockStoreError.refused("\(spec) matches more than one device (\(matches.joined(separator: ", "))); name the device node itself")
        }
        return matches.first
    }

    /// `f` → (`f`, ``); `f1` → (`f`, `1`).
    private func splitPartition(_ suffix: String) -> (String, String) {
        let letters = suffix.prefix(while: { $0.isLetter })
        return (String(letters), String(suffix.dropFirst(letters.count)))
    }

    /// A node named as a kernel device (`/dev/loop1`) that is another device (its node replaced,
    /// by mknod or a container's /dev): dockstore's reads that follow the kernel's name and the
    /// format or replace that writes through the node would act on two devices (attack 39 T F4,
    /// F5: the store moved onto, or --force formatted, the device the node named while messages
    /// named the kernel's). Refused (exit 2, nothing changed) when sysfs knows the name with
    /// another number; a node whose name sysfs does not know (`/dev/disk/...` resolves to a
    /// kernel name first) is the device it is.
    private func replacedNodeRefusal(_ node: String, name: String, requested: String) throws -> DockStoreError? {
        guard let status = try FileStatus.following(node), status.kind == .blockDevice,
              let text = sysfs.attribute(name, "dev") else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let high = UInt64(parts[0]), let low = UInt64(parts[1]) else { return nil }
        let kernel = deviceNumber(major: high, minor: low)
        guard kernel != status.rdev else { return nil }
        return DockStoreError.refused("refusing: \(requested) is the block device \(major(status.rdev)):\(minor(status.rdev)), but the kernel's \(name) is \(high):\(low): the node in /dev was replaced by one of another device, and dockstore would read one device and write the other; nothing was changed: give the device by a node that is it (ls -l /dev/block/ shows each number's device), or restore \(node)")
    }

    /// The same refusal for a path as given (followed to its node first), nil when the node is
    /// the device its kernel name says or the path names no node: for a caller that reads what a
    /// named device holds before resolving it (`RecordedStore`, attack 40 S F3).
    public func replacedNodeRefusal(at path: String) throws -> DockStoreError? {
        let real = devRoot == "/dev" ? path : devRoot + path.dropFirst(4)
        guard case .success(let canonical) = PathCalls.realPath(real) else { return nil }
        let name = canonical.split(separator: "/").last.map(String.init) ?? canonical
        return try replacedNodeRefusal(canonical, name: name, requested: path)
    }
}
