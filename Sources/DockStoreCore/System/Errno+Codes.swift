import SystemPackage

/// The errno values code outside System compares a `DockStoreError.code` with, taken from
/// swift-system's `Errno` under its names, so that only System imports the C library.
extension Errno {
    public static let noSuchFileOrDirectory = SystemPackage.Errno.noSuchFileOrDirectory.rawValue
    public static let notDirectory = SystemPackage.Errno.notDirectory.rawValue
    public static let fileExists = SystemPackage.Errno.fileExists.rawValue
    public static let resourceBusy = SystemPackage.Errno.resourceBusy.rawValue
    public static let invalidArgument = SystemPackage.Errno.invalidArgument.rawValue
    public static let inappropriateIOCTLForDevice = SystemPackage.Errno.inappropriateIOCTLForDevice.rawValue
    public static let notSupported = SystemPackage.Errno.notSupported.rawValue
    public static let noSpace = SystemPackage.Errno.noSpace.rawValue
    public static let tooManySymbolicLinkLevels = SystemPackage.Errno.tooManySymbolicLinkLevels.rawValue
    public static let noSuchAddressOrDevice = SystemPackage.Errno.noSuchAddressOrDevice.rawValue
    public static let noSuchDevice = SystemPackage.Errno.operationNotSupportedByDevice.rawValue // ENODEV
    public static let noMedium = Int32(123) // ENOMEDIUM (Linux); swift-system does not name it
    public static let notPermitted = SystemPackage.Errno.notPermitted.rawValue
    public static let permissionDenied = SystemPackage.Errno.permissionDenied.rawValue
}
