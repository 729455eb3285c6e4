/// Reads the host once for `provision` and `status`.
public struct ProvisionObserver: Sendable {
    public let host: Host
    public let resolver: DeviceResolver

    public init(host: Host, resolver: DeviceResolver = DeviceResolver()) {
        self.host = host
        self.resolver = resolver
    }

    public func observe(_ request: ProvisionRequest) throws -> ProvisionObservation {
        let imagePath = host.real(request.image)
        let mountpointPath = host.real(request.mountpoint)
        let mounts = try MountTable.read()
        var observed = ProvisionObservation()
        if let deviceRequest = request.device {
            observed.device = try DeviceInspector(sysfs: resolver.sysfs, host: host)
                .observe(try resolver.waitFor(deviceRequest.spec, timeout: deviceRequest.wait), mounts: mounts)
        }

        let imageStatus = try FileStatus.of(imagePath)
        if let imageStatus {
            if imageStatus.kind == .regular {
                let content = BlockProbe.probe(imagePath)
                observed.image = .file(size: imageStatus.size, allocated: imageStatus.allocatedBytes, content: content)
                let loops = try LoopDevice.devices(backing: imageStatus)
                observed.imageLoops = loops.map(\.path)
                observed.unfitImageLoops = loops.filter { !$0.coversWholeFileWritable }.map { loop in
                    "\(loop.path) (\([loop.readOnly ? "read-only" : nil, loop.offset > 0 ? "offset \(loop.offset)" : nil, loop.sizeLimit > 0 ? "size limit \(loop.sizeLimit)" : nil].compactMap { $0 }.joined(separator: ", ")))"
                }
                observed.imageMountedAt = loops.flatMap { loop in mounts.mounts(ofSource: loop.path).map(\.target) }
                if case .signature("btrfs", let uuid?, _) = content {
                    // Open through one of the image's own loop devices: a copy of the image
                    // (same UUID, another device) mounted elsewhere is not this store.
                    let names = Set(loops.map { String($0.path.dropFirst("/dev/".count)) })
                    observed.imageFilesystemOpen = try BtrfsSysfs.members(uuid: uuid).contains { names.contains($0) }
                }
            } else {
                observed.image = .notRegular(imageStatus.kind)
            }
        } else {
            observed.image = .missing
        }
        observed.imageFolderExists = try FileStatus.following(host.realFollowing(request.image.parent))?.kind == .directory

        let mountpointStatus = try FileStatus.of(mountpointPath)
        observed.mountpointParentExists = try FileStatus.following(host.realFollowing(request.mountpoint.parent))?.kind == .directory
        switch mountpointStatus?.kind {
        case nil:
            observed.mountpoint = .missing
        case .directory?:
            let canonical = canonicalPath(mountpointPath)
            if let entry = mounts.mount(at: canonical) {
                var ofImage = observed.imageMountedAt.contains(canonical)
                if !ofImage, entry.fstype == "btrfs", let imageStatus, imageStatus.kind == .regular {
                    // A store mid-migration spans the image and a device; the mount table may name either.
                    let loops = try LoopDevice.devices(backing: imageStatus).map(\.path)
                    let members = (try? CapacityProbe.readBtrfs(canonical, sysfs: "/sys"))?.devices.map(\.path) ?? []
                    ofImage = members.contains(where: loops.contains)
                    if ofImage { observed.imageMountedAt.append(canonical) }
                }
                let ofDevice = observed.device?.mountedAt.contains(canonical) ?? false
                if !ofImage, let backing = try LoopDevice.backingFile(of: entry.source) {
                    observed.mountedImageDeleted = backing == imagePath + " (deleted)"
                }
                observed.mountpoint = .mounted(entry, ofImage: ofImage, ofDevice: ofDevice)
            } else {
                let names = try folderEntries(mountpointPath, limit: 4)
                observed.mountpoint = names.isEmpty ? .emptyFolder : .nonEmptyFolder(names)
            }
        case let kind?:
            observed.mountpoint = .notFolder(kind)
        }

        observed.fstab = try FileContents.read(HostPaths.fstab, on: host)
        observed.dropIn = try FileContents.readString(HostPaths.dockerDropIn, on: host)
        observed.sysconfig = try FileContents.read(HostPaths.sysconfigDocker, on: host)
        observed.daemonJSON = try FileContents.read(HostPaths.daemonJSON, on: host)
        observed.bootDisabled = try FileStatus.of(host.real(HostPaths.bootDisabled)) != nil
        if observed.imageFolderExists {
            observed.hostAvailable = try HostSpace.of(host.realFollowing(request.image.parent)).available
        }
        let systemdRuntime = try FileStatus.following(host.realFollowing(HostPaths.systemdRuntime))
        observed.systemdRunning = host.isRunningSystem && systemdRuntime?.kind == .directory
        if observed.systemdRunning {
            observed.mountUnit = try SystemdMountUnit.read(mountpoint: request.mountpoint.string)
        }
        return observed
    }

    /// The path with its folders' symlinks resolved (the mount table holds canonical paths);
    /// the last component is known not to be a symlink.
    func canonicalPath(_ path: String) -> String {
        let folder = AtomicFile.parentFolder(of: path)
        guard case .success(let base) = PathCalls.realPath(folder) else { return path }
        let name = path.split(separator: "/").last.map(String.init) ?? ""
        return base == "/" ? "/" + name : base + "/" + name
    }

    func folderEntries(_ path: String, limit: Int) throws -> [String] {
        guard let names = FolderEntries.names(path, limit: limit) else {
            throw DockStoreError.system("cannot list", path, errno: Errno.current)
        }
        return names.sorted()
    }
}
