import FoundationEssentials

/// /var/lib/dockstore/migration.json: a migration is under way onto `device`. While it
/// exists the store may span the image and the device, so provision registers the device
/// with the kernel before mounting the image after a reboot.
public struct MigrationJournal: Codable, Sendable, Equatable {
    public var phase: String
    public var image: String
    public var device: String

    public static let path = HostPath.known("/var/lib/dockstore/migration.json")

    public init(image: String, device: String) {
        phase = "moving"
        self.image = image
        self.device = device
    }

    public static func read(host: Host) throws -> MigrationJournal? {
        guard let text = try FileContents.readString(host.real(path)) else { return nil }
        do {
            return try JSONDecoder().decode(MigrationJournal.self, from: Data(text.utf8))
        } catch {
            throw DockStoreError.refused("\(host.real(path)) is not a migration journal dockstore can read; finish the migration with dockstore migrate-ebs, or remove the file if none is under way")
        }
    }

    public func encoded() throws -> [UInt8] { Array(try JSONText.encode(self, pretty: false).utf8) + [UInt8(ascii: "\n")] }
}
