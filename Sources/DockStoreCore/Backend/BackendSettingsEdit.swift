/// `dockstore backend DRIVER` on a host whose boot runs `dockstore provision`: the driver goes
/// into /etc/sysconfig/dockstore too (DOCKSTORE_BACKEND), because the boot's provision sets
/// DOCKER_OPTS to the driver the settings name, else to the one the store is made for; without
/// this the next boot would silently set btrfs again under the admin's overlay2 (attack 14,
/// Y-BOOT-1). One view of "the driver the admin chose": the settings.
///
/// The file is edited as provision edits it (`BootSettingsEdit`): a value set in place, or a
/// line added after `additionMark`, every other byte kept; teardown removes the marked line
/// (`BootSettingsUndo`). The planner calls it only where a boot provisions: the file exists,
/// or provision ran on the tree.
public enum BackendSettingsEdit {
    public static let createdMark = "# Written by dockstore backend: the storage driver the boot's dockstore provision sets; dockstore teardown removes this file while it holds only these lines."
    public static let additionMark = "# Added by dockstore backend: the storage driver the boot's dockstore provision sets (dockstore teardown removes it)."
    public static let additionAfterUnendedLineMark = "# Added by dockstore backend after ending the last line above: the storage driver the boot's dockstore provision sets (dockstore teardown removes it and that newline)."

    /// The settings file's new bytes and what changes; nil when the boot's provision already
    /// sets this driver and these options.
    /// `storeFilesystem` is the filesystem mounted at the mountpoint (nil when nothing is: the
    /// folder's own filesystem says nothing of the store provision will make or mount there).
    static func plan(current: [UInt8]?, request: BackendRequest, storeFilesystem: FilesystemType?,
                     path: String) throws -> (bytes: [UInt8], change: String)? {
        let settings = try current.map { try ProvisionSettings.parse(bytes: $0, path: path) } ?? ProvisionSettings()
        let options = request.options.map(\.description)
        let setsDriver = settings.backend != request.driver
            && !(settings.backend == nil && storeFilesystem.flatMap { DeviceFilesystem(rawValue: $0.name) }?.storageDriver == request.driver.name)
        // Options in the settings are set at every boot; none there keeps DOCKER_OPTS' own (those
        // of the driver: `StorageDriver.option(_:isOf:)`), which backend has just written.
        let setsOptions = !settings.backendOptions.isEmpty && settings.backendOptions != options
        guard setsDriver || setsOptions else { return nil }
        var file = try SysconfigFile(path: path, bytes: current ?? Array((createdMark + "\n").utf8), systemdReadsIt: false)
        let marks = (additionMark, additionAfterUnendedLineMark)
        var changes = [try BootSettingsEdit.set("DOCKSTORE_BACKEND", to: request.driver.name, in: &file, marks: marks)]
        if setsOptions {
            changes.append(try BootSettingsEdit.set("DOCKSTORE_BACKEND_OPTIONS", to: options.joined(separator: " "), in: &file, marks: marks))
        }
        // What the boot's provision will read: the file must stay one it takes.
        _ = try ProvisionSettings.parse(bytes: file.bytes, path: path)
        let what = current == nil ? "create it with " : ""
        return (file.bytes, "\(what)\(changes.joined(separator: " and ")): the boot's dockstore provision sets this driver")
    }
}
