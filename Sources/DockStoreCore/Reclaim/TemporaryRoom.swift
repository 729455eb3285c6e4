/// Room `dockstore reclaim` lends the store while it balances, because a balance needs
/// unallocated space to move chunks into and metadata room to record the moves: a thin
/// image grows by `bytes`, a device store gets a temporary member over a sparse file. Both
/// are given back afterwards, so the store ends the size it was.
public struct TemporaryRoom: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case image
        case device
    }

    public var kind: Kind
    public var bytes: UInt64
    /// image: the image file (as the kernel names the loop device's backing file) and the
    /// btrfs devid of its loop device.
    public var image: String?
    /// image: the image's apparent size before it grew.
    public var originalSize: UInt64?
    /// image: the btrfs device's size before it grew (the image's size, unless it was
    /// extended without growing the filesystem).
    public var originalDeviceSize: UInt64?
    /// device: the sparse file behind the temporary member, on the host filesystem.
    public var file: String?
    /// The devid of the member that grew (image) or was added (device, once added).
    public var devid: UInt64?
    /// device: the temporary member's btrfs device UUID, once added.
    public var deviceUUID: String?
    /// device: the identity (device and inode) of the file the member reads, recorded with
    /// its devid: the give-back deletes only that file. nil in a journal written before.
    public var fileDevice: UInt64? = nil
    public var fileInode: UInt64? = nil

    public static func image(_ path: String, devid: UInt64, originalSize: UInt64, originalDeviceSize: UInt64, bytes: UInt64) -> TemporaryRoom {
        TemporaryRoom(kind: .image, bytes: bytes, image: path, originalSize: originalSize,
                      originalDeviceSize: originalDeviceSize, devid: devid)
    }

    /// image: what the image and its btrfs device grow to.
    public var grownSize: UInt64 { (originalSize ?? 0) + bytes }

    public static func device(file: String, bytes: UInt64) -> TemporaryRoom {
        TemporaryRoom(kind: .device, bytes: bytes, file: file)
    }

    /// The room as it stands once lent.
    public var lentDescription: String {
        switch kind {
        case .image:
            let size = originalSize ?? 0
            return "the image \(image ?? "?") grown from \(ByteSize.format(size)) to \(ByteSize.format(size + bytes))"
        case .device:
            return "the temporary \(ByteSize.format(bytes)) member over \(file ?? "?")"
        }
    }

    public var description: String {
        switch kind {
        case .image:
            let size = originalSize ?? 0
            return "grow the image \(image ?? "?") from \(ByteSize.format(size)) to \(ByteSize.format(size + bytes)) for the balance, then shrink it back"
        case .device:
            return "add a temporary \(ByteSize.format(bytes)) member over the sparse file \(file ?? "?") for the balance, then remove it and delete the file"
        }
    }
}
