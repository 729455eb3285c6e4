extension ProvisionPlanner {
    /// A size asked for an image that exists: provision sizes only the image it creates, and
    /// the file's size is all it knows of the store before the mount (a grow killed after it
    /// extended the file leaves a smaller filesystem, so the words name the file). `--size`
    /// different from the file is said; DOCKSTORE_SIZE, a first-boot setting read at every
    /// boot, only when it asks for more than the file has (after a grow it is smaller, which is
    /// no news: attack 33 T 17).
    static func sizeNotApplied(fileSize: UInt64, _ request: ProvisionRequest, imagePath: String) -> String? {
        guard request.sizeGiven, fileSize != request.size else { return nil }
        if request.sizeFromSettings {
            guard request.size > fileSize else { return nil }
            return "DOCKSTORE_SIZE \(ByteSize.format(request.size)) applies only when provision creates the image; \(imagePath) exists (a file of \(ByteSize.format(fileSize))) and is kept as it is: dockstore grow --to \(ByteSize.argument(request.size)) grows it"
        }
        return "--size \(ByteSize.format(request.size)) applies only when provision creates the image; \(imagePath) exists (a file of \(ByteSize.format(fileSize)) holding a btrfs) and is kept as it is\(request.size > fileSize ? ": dockstore grow --to \(ByteSize.argument(request.size)) grows it" : "")"
    }
}
