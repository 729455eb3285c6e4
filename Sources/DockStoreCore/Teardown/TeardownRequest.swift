/// What `teardown` was asked for.
public struct TeardownRequest: Sendable, Equatable {
    public var image: HostPath
    public var mountpoint: HostPath
    public var stopDocker: Bool
    public var deleteImage: Bool
    public var wipeDevice: Bool

    public init(image: HostPath = HostPaths.defaultImage, mountpoint: HostPath = HostPaths.defaultMountpoint,
                stopDocker: Bool = false, deleteImage: Bool = false, wipeDevice: Bool = false) {
        self.image = image
        self.mountpoint = mountpoint
        self.stopDocker = stopDocker
        self.deleteImage = deleteImage
        self.wipeDevice = wipeDevice
    }
}
