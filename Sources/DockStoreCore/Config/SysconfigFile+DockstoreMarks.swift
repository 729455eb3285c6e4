/// What dockstore adds to /etc/sysconfig/docker, marked so that teardown can give the file back
/// byte for byte: a `DOCKER_OPTS` assignment it appended (the file had none) follows the
/// whole-line comment `addedMark` (`addedAfterUnendedLineMark` when dockstore had to end the
/// file's last line first: teardown then takes that newline back too), an admin's line it
/// changed follows `changedMarkPrefix` and the line as it was, or `flagsMark` (`SysconfigFile+ChangedMark`),
/// and a file it created (there was none) starts with
/// `createdMark`. A comment is a line bash, systemd's EnvironmentFile= and the sysconfig
/// grammar all read as nothing. An assignment without the mark (an admin's own, also an
/// empty `DOCKER_OPTS=""`) is never removed; `backend` edits only the value, so the mark stays
/// with the line it marks.
extension SysconfigFile {
    public static let addedMark = "# DOCKER_OPTS added by dockstore; dockstore teardown removes it while it holds no other flags"
    public static let addedAfterUnendedLineMark = "# DOCKER_OPTS added by dockstore after ending the last line above; dockstore teardown removes it and that newline while it holds no other flags"
    public static let createdMark = "# Created by dockstore (there was no such file); dockstore teardown removes it while it holds nothing else"

    /// The file dockstore creates where there was none, before DOCKER_OPTS gets its storage
    /// flags: the mark, then the file as SUSE ships it.
    public static let createdByDockstore: [UInt8] = Array((createdMark + "\n" + DockerOptions.suseSysconfigTemplate).utf8)

    /// Teardown's edit, only on a DOCKER_OPTS statement dockstore marked (or in a file it
    /// created): gives back the line `markChange` recorded, or removes the storage flags, and
    /// the assignment itself with its mark when dockstore added it and no other flag is left in
    /// it (it is then the only DOCKER_OPTS statement: with another one, removing it would make
    /// that one count). A statement without dockstore's mark is the admin's and stays as it is.
    /// `dataRoot`: the store's mountpoint; a `--data-root` with exactly that value is the
    /// word provision adds where nothing set a data root, and goes with the storage flags.
    /// Returns what changed, or nil when nothing did.
    public mutating func removeDockstoreStorage(dataRoot: String? = nil) throws -> String? {
        guard let current = assignment(Self.dockerOptsName) else { return nil }
        if let given = try giveBackChangedLine(dataRoot: dataRoot) { return given }
        guard isMarked(current) || bytes.starts(with: Array((Self.createdMark + "\n").utf8)) else { return nil }
        let flags = try setDockerStorage(driver: nil, options: [], dataRoot: dataRoot.map { .remove($0) } ?? .keep, recordingChange: false)
        if let only = assignment(Self.dockerOptsName), try removeMark(Self.flagsMark, of: only) {
            return "remove the storage flags dockstore set and its comment" + (flags.map { ": \($0)" } ?? "")
        }
        let statements = assignments.filter { $0.name == Self.dockerOptsName }
        if statements.count == 1, let only = statements.first, DockerOptions(only.value).words.isEmpty,
           try removeMarked(only, mark: Self.addedMark) || removeMarked(only, mark: Self.addedAfterUnendedLineMark, endingLineBefore: true) {
            return "remove the DOCKER_OPTS line dockstore added and its comment (no other flag is left in it)"
        }
        return flags.map { "remove the storage flags: \($0)" }
    }

    /// Removes the whole-line comment `mark` right before `assignment`; false when it is not there.
    private mutating func removeMark(_ mark: String, of assignment: Assignment) throws -> Bool {
        guard let markLine = line(assignment.line - 1), markLine.upperBound < bytes.count,
              Array(bytes[markLine]) == Array(mark.utf8) else { return false }
        try replace(markLine.lowerBound..<(markLine.upperBound + 1), with: [], keepingOthersThan: Self.dockerOptsName)
        return true
    }
}
