/// A `provision --device` killed before it finished (its `FormatRecord` is there), seen by a
/// provision without `--device` (the boot unit's, when the device was given on the command line
/// only): it would make a new image store on the root disk in place of the store the admin
/// asked for, and leave the record behind (attack 15, C12). So provision refuses to make a new
/// image while the record is there, naming the device as it is found now and the two ways on:
/// finish the format with `provision --device`, or give it up with `teardown` (which removes
/// the record and leaves the device as it is). A store already made (an image with its
/// filesystem) is provisioned as before.
public struct InterruptedDeviceFormat: Sendable, Equatable {
    public var record: FormatRecord
    /// The devices with the recorded identity now (`DeviceIdentity.currentDevices`).
    public var currentNames: [String]

    public init(record: FormatRecord, currentNames: [String]) {
        self.record = record
        self.currentNames = currentNames
    }

    static func observe(host: Host, resolver: DeviceResolver) throws -> InterruptedDeviceFormat? {
        guard let record = try FormatRecord.read(host: host) else { return nil }
        return InterruptedDeviceFormat(record: record, currentNames: try record.identity.currentDevices(resolver: resolver))
    }

    public func refusal(image: String, host: Host) -> DockStoreError {
        let device = record.deviceArgument(currentNames)
        let attach = currentNames.isEmpty ? "attach it and " : ""
        return .refused("refusing to make a new image store at \(image): a provision --device of \(record.whereNow(currentNames)) was killed before it finished (\(host.real(FormatRecord.path)) records its \(record.filesystem) UUID \(record.uuid)); nothing was changed: \(attach)run dockstore provision --device \(device) to finish it, or dockstore teardown to give it up (it removes the record and leaves the device as it is)")
    }
}
