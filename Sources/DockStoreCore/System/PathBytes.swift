/// Paths compared as the kernel, libmount and systemd compare them: byte for byte. Swift's
/// `==` and `hasPrefix` on strings compare by Unicode canonical equivalence, so `/srv/café`
/// written with U+00E9 equals `/srv/cafe` + U+0301 to them, two different folders to everyone
/// else (attack 10: teardown took the other folder's fstab line and drop-in).
extension StringProtocol {
    /// The same bytes (UTF-8).
    public func sameBytes<Other: StringProtocol>(_ other: Other) -> Bool { utf8.elementsEqual(other.utf8) }

    /// Starts with `prefix`'s bytes.
    public func hasBytePrefix<Other: StringProtocol>(_ prefix: Other) -> Bool { utf8.starts(with: prefix.utf8) }
}
