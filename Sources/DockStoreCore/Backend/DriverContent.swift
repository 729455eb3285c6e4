import FoundationEssentials

/// The images and containers a data root holds under each storage driver (attack 33 T 13:
/// `backend overlay2` on a btrfs store said only "restart Docker", and after the restart every
/// image and container was gone from Docker's view). dockerd keeps images per driver
/// (`image/DRIVER/imagedb/content/sha256/`) and loads only the containers whose
/// `containers/ID/config.v2.json` names its driver; the others stay on disk, unseen.
public struct DriverContent: Sendable, Equatable {
    public var driver: String
    public var images: Int
    public var containers: Int

    /// What `dataRoot` holds under drivers other than `driver`, by driver name; a folder that
    /// cannot be read throws (the warning then says it could not tell).
    static func others(dataRoot: String, than driver: String) throws -> [DriverContent] {
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
        var containers: [String: Int] = [:]
        if let ids = FolderEntries.names("\(dataRoot)/containers") {
            for id in ids {
                guard let bytes = try FileContents.read("\(dataRoot)/containers/\(id)/config.v2.json"),
                      let config = try? JSONDecoder().decode(Config.self, from: Data(bytes)),  // not a container's config: not one dockerd loads
                      let name = config.Driver, name != driver else { continue }
                containers[name, default: 0] += 1
            }
        } else if Errno.current != Errno.noSuchFileOrDirectory {
            throw DockStoreError.system("cannot list", "\(dataRoot)/containers", errno: Errno.current)
        }
        return Set(images.keys).union(containers.keys).sorted()
            .map { DriverContent(driver: $0, images: images[$0] ?? 0, containers: containers[$0] ?? 0) }
            .filter { $0.images + $0.containers > 0 }
    }

    private struct Config: Decodable {
        var Driver: String?
    }

    /// backend's warning for switching to `driver` while `others` hold images or containers.
    static func warning(_ others: [DriverContent], switchingTo driver: String, dataRoot: String) -> String? {
        guard !others.isEmpty else { return nil }
        let held = others.map { content in
            let parts = [content.images > 0 ? "\(content.images) image(s)" : nil, content.containers > 0 ? "\(content.containers) container(s)" : nil].compactMap { $0 }
            return "\(parts.joined(separator: " and ")) of the \(content.driver) driver"
        }.joined(separator: ", ")
        let back = others.count == 1 ? "dockstore backend \(others[0].driver) brings them back" : "dockstore backend with their driver brings them back"
        return "\(dataRoot) holds \(held): a dockerd started with \(driver) does not see them (they stay on disk, and \(back))"
    }
}
