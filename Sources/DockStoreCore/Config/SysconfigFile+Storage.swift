/// Setting the storage flags inside `DOCKER_OPTS`.
extension SysconfigFile {
    public static let dockerOptsName = "DOCKER_OPTS"

    /// The storage driver and options `DOCKER_OPTS` selects now, split as dockerd splits it. A
    /// line dockerd would not start on is refused, naming the word: dockstore does not guess
    /// what it selects.
    public var dockerStorage: DockerOptions.Storage {
        get throws(DockStoreError) {
            let options = DockerOptions(value(Self.dockerOptsName) ?? "")
            do {
                return try options.storage()
            } catch {
                throw dockerOptsRefusal(error)
            }
        }
    }

    /// Every flag `DOCKER_OPTS` gives dockerd, split as dockerd splits it; refused as `dockerStorage`.
    var dockerCommandLine: DockerdCommandLine {
        get throws(DockStoreError) {
            do {
                return try DockerOptions(value(Self.dockerOptsName) ?? "").commandLine()
            } catch {
                throw dockerOptsRefusal(error)
            }
        }
    }

    /// "dockerd would not start on this DOCKER_OPTS": the word, why, and what to do.
    func dockerOptsRefusal(_ refusal: DockerdCommandLine.Refusal) -> DockStoreError {
        let line = assignment(Self.dockerOptsName).map { " line \($0.line)" } ?? ""
        return DockStoreError.refused("\(path)\(line): dockerd 20.10 would not start with DOCKER_OPTS: word \(refusal.index + 1) '\(ShownBytes.text(Array(refusal.word.utf8)))': \(refusal.reason); dockstore reads DOCKER_OPTS only as dockerd does: fix that word and run again")
    }

    /// Makes DOCKER_OPTS select `driver` (nil: no driver flag at all) with `options`.
    /// Returns a one-line description of the change, or nil when the file already says so.
    public mutating func setDockerStorage(driver: String?, options: [String], dataRoot: DockerOptions.DataRootEdit = .keep) throws -> String? {
        try setDockerStorage(driver: driver, options: options, dataRoot: dataRoot, recordingChange: true)
    }

    /// `recordingChange`: an admin's own line this edit changes gets the `changedMarkPrefix`
    /// comment holding it as it was (`markChange`): teardown changes only a line dockstore marked.
    /// `dataRoot`: what happens to dockerd's data root flag (provision adds the store's
    /// mountpoint where nothing sets a data root; teardown removes that word again).
    mutating func setDockerStorage(driver: String?, options: [String], dataRoot: DockerOptions.DataRootEdit = .keep,
                                   recordingChange: Bool) throws -> String? {
        // The whole value is rewritten from its words: bytes that are not UTF-8 in it could not
        // be kept, so the file is left as it is.
        if let existing = assignment(Self.dockerOptsName), existing.utf8Value == nil {
            throw DockStoreError.refused("\(path) line \(existing.line): \(Self.dockerOptsName) holds bytes that are not UTF-8 (\(ShownBytes.text(existing.valueBytes))); dockerd and systemd read only UTF-8 there: write the value in UTF-8 and re-run")
        }
        let current = DockerOptions(value(Self.dockerOptsName) ?? "")
        let storage = try dockerStorage
        let dataRootChanges: Bool
        do { dataRootChanges = try current.changes(dataRoot) } catch { throw dockerOptsRefusal(error) }
        if assignment(Self.dockerOptsName) != nil, storage.driver == driver, storage.options == options,
           storage.spans.count == (driver == nil ? 0 : 1) + options.count, !dataRootChanges {
            return nil
        }
        // A newline between the words (a quoted value spanning lines) separates them exactly
        // as a space does, for bash's and for systemd's splitting of $DOCKER_OPTS; the
        // rewritten value stays on one line. Other spacing is kept as it was.
        let replaced: DockerOptions
        do { replaced = try current.replacingStorage(driver: driver, options: options, dataRoot: dataRoot) } catch { throw dockerOptsRefusal(error) }
        let rendered = String(replaced.rendered
            .map { $0 == "\n" || $0 == "\r\n" ? " " : $0 })
        let before = self
        let mark = bytes.last.map { $0 != UInt8(ascii: "\n") } == true ? Self.addedAfterUnendedLineMark : Self.addedMark
        try set(Self.dockerOptsName, to: rendered, markingAddition: mark)
        // Flags removed (driver nil) settle a conflict with daemon.json: giving them back would
        // bring the conflict back, so that change is not recorded.
        let addsDataRoot: Bool
        if case .add = dataRoot { addsDataRoot = dataRootChanges } else { addsDataRoot = false }
        if recordingChange, driver != nil || addsDataRoot, let original = before.assignment(Self.dockerOptsName) {
            try markChange(of: original, in: before)
        }
        var change = "DOCKER_OPTS=\"\(rendered)\""
        if let old = storage.driver, old != driver {
            change += " (storage driver \(old) → \(driver ?? "none"))"
        }
        let dropped = storage.options.filter { !options.contains($0) }
        if !dropped.isEmpty { change += " (drops --storage-opt \(dropped.joined(separator: " ")))" }
        if addsDataRoot { change += " (makes the store's mountpoint dockerd's data root)" }
        return change
    }
}
