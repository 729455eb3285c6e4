import DockStoreCore

extension Array where Element == UInt8 {
    /// The bytes as UTF-8 text (U+FFFD for a byte that is not), for assertions on text.
    var utf8Text: String { String(decoding: self, as: UTF8.self) }
}

extension DaemonJSON {
    /// A daemon.json given as text (its UTF-8 bytes), for tables of well-formed files.
    init(path: String, text: String) throws { try self.init(path: path, bytes: Array(text.utf8)) }
}
