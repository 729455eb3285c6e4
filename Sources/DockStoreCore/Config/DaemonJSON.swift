import FoundationEssentials

/// What dockstore needs from `/etc/docker/daemon.json`: the storage settings that dockerd
/// refuses to start with when a command-line flag sets them too (even to equal values).
public struct DaemonJSON: Sendable, Equatable {
    public var storageDriver: String?
    public var storageOptions: [String]

    /// Reads the file's text; a file that is not a JSON object is refused with the reason.
    public init(path: String, text: String) throws {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw DockStoreError.refused("\(path) is not valid JSON (dockerd would not start with it either): fix or remove it")
        }
        guard case .object(let object) = value else {
            throw DockStoreError.refused("\(path) does not hold a JSON object: fix or remove it")
        }
        if case .string(let driver)? = object["storage-driver"] { storageDriver = driver } else { storageDriver = nil }
        if case .array(let items)? = object["storage-opts"] {
            storageOptions = items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
        } else {
            storageOptions = []
        }
    }
}

/// Any JSON value, decoded without Foundation's JSONSerialization.
enum JSONValue: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }
}
