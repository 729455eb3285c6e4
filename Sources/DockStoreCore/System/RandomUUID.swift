/// A random (version 4) UUID, lowercase with dashes. Swift's system generator reads
/// getrandom(2) on Linux.
enum RandomUUID {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0f) | 0x40
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        return formatUUID(bytes)
    }
}
