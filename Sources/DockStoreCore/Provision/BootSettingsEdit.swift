/// Where the boot unit finds a store set up at a mountpoint (or image) given on the command line
/// only (attack 15, C23). dockstore-provision.service runs plain `dockstore provision`, which
/// takes /etc/sysconfig/dockstore's values, else the defaults: without DOCKSTORE_MOUNTPOINT
/// (DOCKSTORE_IMAGE) there it would look for the store at /var/lib/docker, find it mounted
/// elsewhere, refuse, and Docker would not start at boot. So provision writes them there, in
/// its own `boot-settings` step, and teardown takes back what it wrote (`BootSettingsUndo`).
///
/// A file that does not exist is created with `createdMark` first and only these lines; in an
/// existing file a value is set in place (its last assignment's value, as `SysconfigFile.set`
/// edits DOCKER_OPTS), or, where the file has none, appended after `additionMark`. Every other
/// byte stays; the file as it was is kept beside it (`.dockstore.bak`).
public enum BootSettingsEdit {
    public static let createdMark = "# Written by dockstore provision: where dockstore-provision.service finds Docker's storage; dockstore teardown removes this file while it holds only these lines."
    public static let additionMark = "# Added by dockstore provision: where dockstore-provision.service finds Docker's storage (dockstore teardown removes it)."
    /// The same after dockstore had to end the file's last line (it had no newline): teardown
    /// takes that newline back too, so the file comes back byte for byte.
    public static let additionAfterUnendedLineMark = "# Added by dockstore provision after ending the last line above: where dockstore-provision.service finds Docker's storage (dockstore teardown removes it and that newline)."
    static let names = ["DOCKSTORE_MOUNTPOINT", "DOCKSTORE_IMAGE"]

    /// The values this run uses that the settings (else the defaults) do not name.
    static func missing(_ request: ProvisionRequest, settings: ProvisionSettings?) -> [(name: String, value: String)] {
        var missing: [(name: String, value: String)] = []
        if request.mountpoint != (settings?.mountpoint ?? HostPaths.defaultMountpoint) {
            missing.append(("DOCKSTORE_MOUNTPOINT", request.mountpoint.string))
        }
        if request.device == nil, request.image != (settings?.image ?? HostPaths.defaultImage) {
            missing.append(("DOCKSTORE_IMAGE", request.image.string))
        }
        return missing
    }

    /// The settings file's new bytes and what changes; nil when it names what this run uses.
    static func plan(current: [UInt8]?, settings: ProvisionSettings?, request: ProvisionRequest,
                     path: String) throws -> (bytes: [UInt8], change: String)? {
        let missing = missing(request, settings: settings)
        guard !missing.isEmpty else { return nil }
        var file = try SysconfigFile(path: path, bytes: current ?? Array((createdMark + "\n").utf8), systemdReadsIt: false)
        let changes = try missing.map { try set($0.name, to: $0.value, in: &file, marks: (additionMark, additionAfterUnendedLineMark)) }
        let what = current == nil ? "create it with " : ""
        return (file.bytes, "\(what)\(changes.joined(separator: " and ")): the boot unit's plain dockstore provision finds the store there")
    }

    /// Sets `name` in `file`: in place where it has a value, else added after `marks.added`
    /// (`marks.afterUnended` when the file's last line had no newline, which the edit adds).
    /// Returns what changed, for the plan line.
    static func set(_ name: String, to value: String, in file: inout SysconfigFile,
                    marks: (added: String, afterUnended: String)) throws -> String {
        let before = file.assignment(name)
        let unended = before == nil && !file.bytes.isEmpty && file.bytes.last != UInt8(ascii: "\n")
        try file.set(name, to: value, markingAddition: unended ? marks.afterUnended : marks.added)
        let line = "\(name)=\(SysconfigFile.doubleQuoted(value))"
        return before.map { "set \(line) (was \(SysconfigFile.doubleQuoted($0.value)), line \($0.line))" } ?? "add \(line)"
    }
}
