/// An admin's own `DOCKER_OPTS` line that provision (or `backend`) changes is given back byte
/// for byte by teardown, also where removing the storage flags again would not give its bytes
/// back (single quotes, a bare value, other spacing): the edit puts the comment
/// `changedMarkPrefix` + the line as it was right before it. Teardown gives that line back
/// while the current line is exactly what dockstore's edit makes of it with the storage flags
/// it holds now; a line changed by anyone else loses only its storage flags, and the comment.
extension SysconfigFile {
    public static let changedMarkPrefix = "# DOCKER_OPTS changed by dockstore; dockstore teardown gives back the line as it was: "

    /// Records `original` (the winning DOCKER_OPTS statement of `before`, the file as it was
    /// before this edit) when teardown's edit alone would not give `before` back. Only a
    /// one-line statement that ends in no backslash is recorded: systemd continues a comment
    /// ending in a backslash onto the next line.
    mutating func markChange(of original: Assignment, in before: SysconfigFile) throws {
        guard let range = before.statementLines(original) else { return }
        let line = Array(before.bytes[range])
        guard !line.contains(UInt8(ascii: "\n")), line.last != UInt8(ascii: "\\"), !line.contains(0),
              !line.contains(UInt8(ascii: "\r")), !before.isMarked(original) else { return }
        var undone = self
        _ = try undone.setDockerStorage(driver: nil, options: [], recordingChange: false)
        guard undone.bytes != before.bytes else { return }
        // The edit changed only the value, after the line's start: the start is where it was.
        try replace(range.lowerBound..<range.lowerBound, with: Array(Self.changedMarkPrefix.utf8) + line + [UInt8(ascii: "\n")],
                    keepingOthersThan: Self.dockerOptsName)
    }

    /// Whether one of dockstore's marks is the line right before `assignment`.
    func isMarked(_ assignment: Assignment) -> Bool {
        guard let before = line(assignment.line - 1) else { return false }
        let text = Array(bytes[before])
        return text == Array(Self.addedMark.utf8) || text == Array(Self.addedAfterUnendedLineMark.utf8)
            || text.starts(with: Array(Self.changedMarkPrefix.utf8))
    }

    /// Teardown's part for a line `markChange` recorded: gives the recorded line back (mark
    /// and current line replaced by it) when the current line is exactly what dockstore's edit
    /// makes of it with the storage flags it holds now, and returns what changed; otherwise
    /// removes the mark alone (its storage flags are then removed as from any line) and
    /// returns nil.
    mutating func giveBackChangedLine() throws -> String? {
        guard let current = assignment(Self.dockerOptsName), let markLine = line(current.line - 1),
              markLine.upperBound < bytes.count,
              Array(bytes[markLine]).starts(with: Array(Self.changedMarkPrefix.utf8)),
              let statement = statementLines(current) else { return nil }
        let original = Array(bytes[markLine].dropFirst(Self.changedMarkPrefix.utf8.count))
        if try editedByDockstore(original, into: Array(bytes[statement])) {
            try replace(markLine.lowerBound..<statement.upperBound, with: original, keepingOthersThan: Self.dockerOptsName)
            return "give back the DOCKER_OPTS line as it was before dockstore changed it: \(ShownBytes.text(original))"
        }
        try replace(markLine.lowerBound..<(markLine.upperBound + 1), with: [], keepingOthersThan: Self.dockerOptsName)
        return nil
    }

    /// Whether dockstore's edit of the one-line statement `original`, with the storage flags
    /// `now` holds, gives exactly `now`. A recorded line that does not parse (the comment was
    /// edited by hand) is not dockstore's: false.
    private func editedByDockstore(_ original: [UInt8], into now: [UInt8]) throws -> Bool {
        let storage = dockerStorage
        let file: SysconfigFile
        do {
            file = try SysconfigFile(path: path, bytes: original + [UInt8(ascii: "\n")], systemdReadsIt: systemdReadsIt)
        } catch is DockStoreError {
            return false
        }
        guard let recorded = file.assignment(Self.dockerOptsName), recorded.line == 1, file.assignments.count == 1,
              DockerOptions(recorded.value).storage.spans.isEmpty else { return false }
        var edited = file
        do {
            _ = try edited.setDockerStorage(driver: storage.driver, options: storage.options, recordingChange: false)
        } catch is DockStoreError {
            return false
        }
        return edited.bytes == now + [UInt8(ascii: "\n")]
    }
}
