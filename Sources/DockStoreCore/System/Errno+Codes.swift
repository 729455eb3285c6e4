#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The errno values code outside System compares a `DockStoreError.code` with, named as
/// swift-system names them, so that only System imports the C library.
extension Errno {
    public static let noSuchFileOrDirectory = ENOENT
    public static let notDirectory = ENOTDIR
    public static let fileExists = EEXIST
    public static let resourceBusy = EBUSY
    public static let invalidArgument = EINVAL
    public static let inappropriateIOCTLForDevice = ENOTTY
    public static let notSupported = EOPNOTSUPP
    public static let noSpace = ENOSPC
    public static let tooManySymbolicLinkLevels = ELOOP
}
