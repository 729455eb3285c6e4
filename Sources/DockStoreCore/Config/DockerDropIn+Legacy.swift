extension DockerDropIn {
    /// Whether these bytes are dockstore's drop-in as versions before the assertion wrote it
    /// (`RequiresMountsFor=`): its requirement fails docker.service's start job in a boot whose
    /// mount of the store failed, before provision repairs the store (attack 15, Y5).
    public static func isLegacy(_ bytes: [UInt8]) -> Bool {
        guard ownership(of: bytes) == .dockstore,
              let text = String(validating: createdFolders(in: bytes).rest, as: UTF8.self) else { return false }
        return text.unicodeScalars.starts(with: legacyHeader.unicodeScalars)
    }
}
