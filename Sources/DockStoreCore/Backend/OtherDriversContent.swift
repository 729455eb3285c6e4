import FoundationEssentials

/// What a data root holds under storage drivers other than the one backend sets (`DriverContent`
/// per driver), and the container folders whose driver could not be read.
public struct OtherDriversContent: Sendable, Equatable {
    public var byDriver: [DriverContent] = []
    /// Container folders without a `config.v2.json` that decodes as a container's config, with
    /// the first reason: their driver is unknown, so the warning counts them apart, never as
    /// another driver's or as none.
    public var unreadableContainers = 0
    public var firstUnreadable: String?

    /// Reads `dataRoot` for the content of drivers other than `driver`; a folder that cannot be
    /// listed throws (the warning then says it could not tell).
    static func read(dataRoot: String, than driver: String) throws -> OtherDriversContent {
        var images: [String: Int] = [:]
        if let drivers = FolderEntries.names("\(dataRoot)/image") {
            for name in drivers where name != driver {
                let folder = "\(dataRoot)/image/\(name)/imagedb/content/sha256"
                guard let ids = FolderEntries.names(folder) else {
                    if Errno.current == Errno.noSuchFileOrDirectory { continue }
                    throw DockStoreError.system("cannot list", folder, errno: Errno.current)
                }
                images[name] = ids.count
            }
        } else if Errno.current != Errno.noSuchFileOrDirectory {
            throw DockStoreError.system("cannot list", "\(dataRoot)/image", errno: Errno.current)
        }
        var content = OtherDriversContent()
        var containers: [String: Int] = [:]
        if let ids = FolderEntries.names("\(dataRoot)/containers") {
            for id in ids.sorted() {
                let file = "\(dataRoot)/containers/\(id)/config.v2.json"
                switch try containerDriver(file) {
                case .success(let name?): if name != driver { containers[name, default: 0] += 1 }
                case .success(nil): continue
                case .failure(let unreadable):
                    content.unreadableContainers += 1
                    if content.firstUnreadable == nil { content.firstUnreadable = unreadable.reason }
                }
            }
        } else if Errno.current != Errno.noSuchFileOrDirectory {
            throw DockStoreError.system("cannot list", "\(dataRoot)/containers", errno: Errno.current)
        }
        content.byDriver = Set(images.keys).union(containers.keys).sorted()
            .map { DriverContent(driver: $0, images: images[$0] ?? 0, containers: containers[$0] ?? 0) }
            .filter { $0.images + $0.containers > 0 }
        return content
    }

    /// The driver a container's config names (nil: it names none), or why it cannot be told.
    private static func containerDriver(_ file: String) throws -> Result<String?, Unreadable> {
        let limit = 16 << 20
        let read: [UInt8]?
        do {
            read = try FileContents.read(file, limit: limit)
        } catch let error as DockStoreError {
            // A link, a pipe, a file too large: counted apart like a bad one (attack 34 W C11b:
            // the whole count was dropped, with the read's advice to replace or move the file).
            guard let status = try FileStatus.of(file) else { return .failure(Unreadable("\(file) does not exist")) }
            if status.kind != .regular { return .failure(Unreadable("\(file) is a \(status.kind.rawValue), not a file")) }
            if status.size > UInt64(limit) { return .failure(Unreadable("\(file) is larger than \(ByteSize.format(UInt64(limit)))")) }
            return .failure(Unreadable("\(file) cannot be read: \(error.message)"))
        }
        guard let bytes = read else { return .failure(Unreadable("\(file) does not exist")) }
        let value: GoJSON.Value
        do {
            value = try GoJSON.parse(bytes)
        } catch let invalid as GoJSON.Invalid {
            return .failure(Unreadable("\(file) is not a container's config: \(invalid.reason) at byte \(invalid.offset)"))
        }
        guard case .object(let object) = value else { return .failure(Unreadable("\(file) is not a container's config: not a JSON object")) }
        // As dockerd's Go decoder fills its struct: the key matched without regard to ASCII case
        // (no other letter of "driver" folds), a key given twice the last, null leaves it unset
        // (attack 34 X F6: `"driver"` and a second `Driver` were read as no driver).
        var driver: String? = nil
        for member in object.members where member.key.utf8.count == 6 && member.key.lowercased() == "driver" {
            switch member.value {
            case .string(let name): driver = name
            case .null: continue
            default: return .failure(Unreadable("\(file) is not a container's config: its Driver is not a string"))
            }
        }
        return .success(driver)
    }

    private struct Unreadable: Error { var reason: String; init(_ reason: String) { self.reason = reason } }

    /// backend's warning for switching to `driver`, nil when nothing would be hidden or unknown.
    func warning(switchingTo driver: String, dataRoot: String) -> String? {
        var parts: [String] = []
        if !byDriver.isEmpty {
            let held = byDriver.map { content in
                let parts = [content.images > 0 ? "\(content.images) image(s)" : nil, content.containers > 0 ? "\(content.containers) container(s)" : nil].compactMap { $0 }
                return "\(parts.joined(separator: " and ")) of the \(content.driver) driver"
            }.joined(separator: ", ")
            let back = byDriver.count == 1 ? "dockstore backend \(byDriver[0].driver) brings them back" : "dockstore backend with their driver brings them back"
            parts.append("\(dataRoot) holds \(held): a dockerd started with \(driver) does not see them (they stay on disk, and \(back))")
        }
        if unreadableContainers > 0, let first = firstUnreadable {
            parts.append("\(unreadableContainers) \(byDriver.isEmpty ? "" : "more ")container folder(s) in \(dataRoot)/containers could not be read, so their driver is unknown (\(first))")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}
