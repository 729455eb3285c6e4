/// Setting the storage flags inside `DOCKER_OPTS`.
extension SysconfigFile {
    public static let dockerOptsName = "DOCKER_OPTS"

    /// The storage driver and options `DOCKER_OPTS` selects now.
    public var dockerStorage: DockerOptions.Storage {
        DockerOptions(value(Self.dockerOptsName) ?? "").storage
    }

    /// Makes DOCKER_OPTS select `driver` (nil: no driver flag at all) with `options`.
    /// Returns a one-line description of the change, or nil when the file already says so.
    public mutating func setDockerStorage(driver: String?, options: [String]) throws -> String? {
        let current = DockerOptions(value(Self.dockerOptsName) ?? "")
        let storage = current.storage
        if assignment(Self.dockerOptsName) != nil, storage.driver == driver, storage.options == options,
           storage.spans.count == (driver == nil ? 0 : 1) + options.count {
            return nil
        }
        let updated = current.replacingStorage(driver: driver, options: options)
        try set(Self.dockerOptsName, to: updated.rendered)
        var change = "DOCKER_OPTS=\"\(updated.rendered)\""
        if let old = storage.driver, old != driver {
            change += " (storage driver \(old) → \(driver ?? "none"))"
        }
        let dropped = storage.options.filter { !options.contains($0) }
        if !dropped.isEmpty { change += " (drops --storage-opt \(dropped.joined(separator: " ")))" }
        return change
    }
}
