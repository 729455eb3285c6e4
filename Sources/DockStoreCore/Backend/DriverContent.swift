import FoundationEssentials

/// The images and containers a data root holds under each storage driver (attack 33 T 13:
/// `backend overlay2` on a btrfs store said only "restart Docker", and after the restart every
/// image and container was gone from Docker's view). dockerd keeps images per driver
/// (`image/DRIVER/imagedb/content/sha256/`) and loads only the containers whose
/// `containers/ID/config.v2.json` names its driver; the others stay on disk, unseen.
/// `OtherDriversContent` reads them.
public struct DriverContent: Sendable, Equatable {
    public var driver: String
    public var images: Int
    public var containers: Int
}
