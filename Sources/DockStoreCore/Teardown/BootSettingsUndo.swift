/// Teardown's side of `BootSettingsEdit`: the lines provision added to /etc/sysconfig/dockstore
/// (each after `BootSettingsEdit.additionMark`) go, when they name the store teardown takes
/// down; the file goes when provision created it and nothing else is left in it. A value set
/// in place in the admin's file (`DOCKSTORE_MOUNTPOINT=""` of the template) carries no mark and
/// stays: a later plain provision uses it.
enum BootSettingsUndo {
    static func plan(_ bytes: [UInt8], request: TeardownRequest, path: String) throws -> (bytes: [UInt8]?, change: String)? {
        var file = try SysconfigFile(path: path, bytes: bytes, systemdReadsIt: false)
        let ours = ["DOCKSTORE_MOUNTPOINT": request.mountpoint.string, "DOCKSTORE_IMAGE": request.image.string]
        var removed: [String] = []
        // The last line first: the mark that says provision ended the line before takes that
        // newline back only while its statement ends the file (attack 16, C1c).
        var removing = true
        while removing {
            removing = false
            let candidates = BootSettingsEdit.names.compactMap { file.assignment($0) }
                .filter { candidate in candidate.utf8Value.map { $0.sameBytes(ours[candidate.name] ?? "") } == true }
                .sorted { $0.line > $1.line }
            for assignment in candidates {
                if try file.removeMarked(assignment, mark: BootSettingsEdit.additionMark)
                    || file.removeMarked(assignment, mark: BootSettingsEdit.additionAfterUnendedLineMark, endingLineBefore: true) {
                    removed.insert("\(assignment.name)=\(SysconfigFile.doubleQuoted(assignment.value))", at: 0)
                    removing = true
                    break
                }
            }
        }
        guard !removed.isEmpty else { return nil }
        if file.bytes == Array((BootSettingsEdit.createdMark + "\n").utf8) {
            return (nil, "remove it: dockstore provision created it, and it holds nothing but \(removed.joined(separator: " and "))")
        }
        return (file.bytes, "remove the line\(removed.count == 1 ? "" : "s") dockstore provision added: \(removed.joined(separator: ", "))")
    }
}
