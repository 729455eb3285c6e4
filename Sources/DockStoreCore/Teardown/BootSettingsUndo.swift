/// Teardown's side of `BootSettingsEdit`: the lines provision added to /etc/sysconfig/dockstore
/// (each after `BootSettingsEdit.additionMark`) go, when they name the store teardown takes
/// down, and so do the driver lines `backend` added (after `BackendSettingsEdit.additionMark`);
/// the file goes when provision or backend created it and nothing else is left in it. A value
/// set in place in the admin's file (`DOCKSTORE_MOUNTPOINT=""` of the template) carries no mark
/// and stays: a later plain provision uses it.
enum BootSettingsUndo {
    static func plan(_ bytes: [UInt8], request: TeardownRequest, path: String) throws -> (bytes: [UInt8]?, change: String)? {
        var file = try SysconfigFile(path: path, bytes: bytes, systemdReadsIt: false)
        let ours = ["DOCKSTORE_MOUNTPOINT": request.mountpoint.string, "DOCKSTORE_IMAGE": request.image.string]
        var removed: [String] = []
        var adders: [String] = []
        // The last line first: the mark that says provision ended the line before takes that
        // newline back only while its statement ends the file (attack 16, C1c).
        var removing = true
        while removing {
            removing = false
            let places = BootSettingsEdit.names.compactMap { file.assignment($0) }
                .filter { candidate in candidate.utf8Value.map { $0.sameBytes(ours[candidate.name] ?? "") } == true }
            // The driver `backend` recorded (any value): it was dockstore's line.
            let drivers = ["DOCKSTORE_BACKEND", "DOCKSTORE_BACKEND_OPTIONS"].compactMap { file.assignment($0) }
            for assignment in (places + drivers).sorted(by: { $0.line > $1.line }) {
                let byBackend = drivers.contains { $0.line == assignment.line }
                let (mark, unendedMark) = byBackend
                    ? (BackendSettingsEdit.additionMark, BackendSettingsEdit.additionAfterUnendedLineMark)
                    : (BootSettingsEdit.additionMark, BootSettingsEdit.additionAfterUnendedLineMark)
                if try file.removeMarked(assignment, mark: mark)
                    || file.removeMarked(assignment, mark: unendedMark, endingLineBefore: true) {
                    removed.insert("\(assignment.name)=\(SysconfigFile.doubleQuoted(assignment.value))", at: 0)
                    let by = byBackend ? "backend" : "provision"
                    if !adders.contains(by) { adders.insert(by, at: 0) }
                    removing = true
                    break
                }
            }
        }
        guard !removed.isEmpty else { return nil }
        for (mark, by) in [(BootSettingsEdit.createdMark, "provision"), (BackendSettingsEdit.createdMark, "backend")]
        where file.bytes == Array((mark + "\n").utf8) {
            return (nil, "remove it: dockstore \(by) created it, and it holds nothing but \(removed.joined(separator: " and "))")
        }
        return (file.bytes, "remove the line\(removed.count == 1 ? "" : "s") dockstore \(adders.sorted(by: >).joined(separator: " and ")) added: \(removed.joined(separator: ", "))")
    }
}
