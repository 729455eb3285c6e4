import FoundationEssentials

/// What dockstore needs from `/etc/docker/daemon.json`: the storage settings that dockerd
/// refuses to start with when a command-line flag sets them too (even to equal values).
public struct DaemonJSON: Sendable, Equatable {
    public static let driverKey = "storage-driver"
    public static let optionsKey = "storage-opts"

    public var storageDriver: String?
    public var storageOptions: [String]
    /// True when it sets either storage key.
    public var setsStorage: Bool
    /// `features.containerd-snapshotter`: images then live under /var/lib/containerd.
    public var containerdSnapshotter: Bool
    public let path: String
    public let text: String

    /// Reads the file's text; a file that is not a JSON object is refused with the reason.
    public init(path: String, text: String) throws {
        self.path = path
        self.text = text
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw DockStoreError.refused("\(path) is not valid JSON (dockerd would not start with it either): fix or remove it")
        }
        guard case .object(let object) = value else {
            throw DockStoreError.refused("\(path) does not hold a JSON object: fix or remove it")
        }
        if case .string(let driver)? = object[Self.driverKey] { storageDriver = driver } else { storageDriver = nil }
        if case .array(let items)? = object[Self.optionsKey] {
            storageOptions = items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
        } else {
            storageOptions = []
        }
        setsStorage = object[Self.driverKey] != nil || object[Self.optionsKey] != nil
        if case .object(let features)? = object["features"], case .bool(true)? = features["containerd-snapshotter"] {
            containerdSnapshotter = true
        } else {
            containerdSnapshotter = false
        }
    }

    /// The file's text without its storage keys; every other byte kept.
    public func removingStorageKeys() throws -> String {
        do {
            let result = try JSONObjectText(text).removing(Self.driverKey)
            return try JSONObjectText(result).removing(Self.optionsKey)
        } catch {
            throw DockStoreError.refused("\(path): cannot locate its storage keys in the text; remove \"\(Self.driverKey)\" and \"\(Self.optionsKey)\" by hand")
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
