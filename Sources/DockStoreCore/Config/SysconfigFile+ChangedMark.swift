/// An admin's own `DOCKER_OPTS` line that provision (or `backend`) changes is given back byte
/// for byte by teardown: the edit puts the comment `changedMarkPrefix` + the line as it was
/// right before it, whatever the change (the admin's storage flags replaced, or flags added).
/// Teardown gives that line back while the current line is exactly what dockstore's edit makes
/// of it with the storage flags it holds now; a line changed by anyone else gets the recorded
/// line's storage flags back (none, when it had none), and loses the comment. A line that cannot
/// be recorded on one comment line (it spans lines, ends in a backslash, holds NUL or CR) gets
/// `flagsMark` instead: teardown then removes the storage flags from it. A line without any of
/// dockstore's marks is the admin's: teardown never changes it (an admin's devicemapper stays).
extension SysconfigFile {
    public static let changedMarkPrefix = "# DOCKER_OPTS changed by dockstore; dockstore teardown gives back the line as it was: "
    public static let flagsMark = "# DOCKER_OPTS storage flags set by dockstore (the line as it was spans lines and is not recorded); dockstore teardown removes the storage flags"

    /// Records `original` (the winning DOCKER_OPTS statement of `before`, the file as it was
    /// before this edit) unless dockstore's mark is already on it or dockstore created the
    /// file. Only a one-line statement that ends in no backslash is recorded (systemd continues
    /// a comment ending in a backslash onto the next line); another one gets `flagsMark`.
    mutating func markChange(of original: Assignment, in before: SysconfigFile) throws {
        guard let range = before.statementLines(original), !before.isMarked(original),
              !before.bytes.starts(with: Array((Self.createdMark + "\n").utf8)) else { return }
        let line = Array(before.bytes[range])
        let recordable = !line.contains(UInt8(ascii: "\n")) && line.last != UInt8(ascii: "\\") && !line.contains(0)
            && !line.contains(UInt8(ascii: "\r"))
        let mark = recordable ? Array(Self.changedMarkPrefix.utf8) + line : Array(Self.flagsMark.utf8)
        // The edit changed only the value, after the line's start: the start is where it was.
        try replace(range.lowerBound..<range.lowerBound, with: mark + [UInt8(ascii: "\n")], keepingOthersThan: Self.dockerOptsName)
    }

    /// Whether one of dockstore's marks is the line right before `assignment`.
    func isMarked(_ assignment: Assignment) -> Bool {
        guard let before = line(assignment.line - 1) else { return false }
        let text = Array(bytes[before])
        return text == Array(Self.addedMark.utf8) || text == Array(Self.addedAfterUnendedLineMark.utf8)
            || text == Array(Self.flagsMark.utf8) || text.starts(with: Array(Self.changedMarkPrefix.utf8))
    }

    /// Teardown's part for a line `markChange` recorded: gives the recorded line back (mark
    /// and current line replaced by it) when the current line is exactly what dockstore's edit
    /// makes of it with the storage flags it holds now; otherwise removes the mark and gives the
    /// line the recorded line's storage flags (none when the recorded line does not parse: the
    /// comment was edited by hand). Returns what changed, or nil when there is no such mark.
    /// `dataRoot`: the store's mountpoint, whose `--data-root` word provision adds to a line
    /// that set no data root.
    mutating func giveBackChangedLine(dataRoot: String? = nil) throws -> String? {
        guard let current = assignment(Self.dockerOptsName), let markLine = line(current.line - 1),
              markLine.upperBound < bytes.count,
              Array(bytes[markLine]).starts(with: Array(Self.changedMarkPrefix.utf8)),
              let statement = statementLines(current) else { return nil }
        let original = Array(bytes[markLine].dropFirst(Self.changedMarkPrefix.utf8.count))
        if try editedByDockstore(original, into: Array(bytes[statement]), dataRoot: dataRoot) {
            try replace(markLine.lowerBound..<statement.upperBound, with: original, keepingOthersThan: Self.dockerOptsName)
            return "give back the DOCKER_OPTS line as it was before dockstore changed it: \(ShownBytes.text(original))"
        }
        // A recorded line dockerd would not start on tells no storage flags: as one that does not parse.
        let recordedOptions = try recordedAssignment(original).map { DockerOptions($0.value) }
        let recorded = recordedOptions.flatMap { try? $0.storage() }
        // The recorded line set no data root: a --data-root of the mountpoint is provision's.
        let recordedSetsNoDataRoot = (try? recordedOptions?.changes(.add(""))) == true
        try replace(markLine.lowerBound..<(markLine.upperBound + 1), with: [], keepingOthersThan: Self.dockerOptsName)
        let flags = try setDockerStorage(driver: recorded?.driver, options: recorded?.options ?? [],
                                         dataRoot: recordedSetsNoDataRoot ? dataRoot.map { .remove($0) } ?? .keep : .keep, recordingChange: false)
        let what = recorded.map { $0.spans.isEmpty ? "remove the storage flags" : "give back the storage flags the line had before dockstore changed it" }
            ?? "remove the storage flags (dockstore's record of the line no longer parses)"
        return "\(what) and dockstore's comment recording the line (the line changed since)" + (flags.map { ": \($0)" } ?? "")
    }

    /// The only DOCKER_OPTS statement of the one-line file `original`, or nil when it is not that.
    private func recordedAssignment(_ original: [UInt8]) throws -> Assignment? {
        let file: SysconfigFile
        do {
            file = try SysconfigFile(path: path, bytes: original + [UInt8(ascii: "\n")], systemdReadsIt: systemdReadsIt)
        } catch is DockStoreError {
            return nil
        }
        guard let recorded = file.assignment(Self.dockerOptsName), recorded.line == 1, file.assignments.count == 1 else { return nil }
        return recorded
    }

    /// Whether dockstore's edit of the one-line statement `original`, with the storage flags
    /// `now` holds, gives exactly `now`. A recorded line that does not parse (the comment was
    /// edited by hand) is not dockstore's: false.
    private func editedByDockstore(_ original: [UInt8], into now: [UInt8], dataRoot: String?) throws -> Bool {
        let storage = try dockerStorage
        // The line holds the mountpoint's --data-root: provision's edit may have added it.
        let current = DockerOptions(value(Self.dockerOptsName) ?? "")
        let dataRootEdit: DockerOptions.DataRootEdit = dataRoot.flatMap { path in
            (try? current.changes(.remove(path))) == true ? .add(path) : nil } ?? .keep
        let file: SysconfigFile
        do {
            file = try SysconfigFile(path: path, bytes: original + [UInt8(ascii: "\n")], systemdReadsIt: systemdReadsIt)
        } catch is DockStoreError {
            return false
        }
        guard let recorded = file.assignment(Self.dockerOptsName), recorded.line == 1, file.assignments.count == 1 else { return false }
        var edited = file
        do {
            _ = try edited.setDockerStorage(driver: storage.driver, options: storage.options, dataRoot: dataRootEdit, recordingChange: false)
        } catch is DockStoreError {
            return false
        }
        return edited.bytes == now + [UInt8(ascii: "\n")]
    }
}
