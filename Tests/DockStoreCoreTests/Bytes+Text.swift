extension Array where Element == UInt8 {
    /// The bytes as UTF-8 text (U+FFFD for a byte that is not), for assertions on text.
    var utf8Text: String { String(decoding: self, as: UTF8.self) }
}
