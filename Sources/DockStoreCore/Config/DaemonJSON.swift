/// What dockstore needs from `/etc/docker/daemon.json`, read as dockerd 20.10 reads it
/// (moby daemon/config/config.go, getConflictFreeConfiguration): the file is decoded by Go's
/// encoding/json into a map — escapes decoded, the last of duplicate keys wins — then one
/// level of nested objects is flattened into it (configValuesSet; except dockerd's flat
/// options such as `log-opts`), and that map's raw keys are checked: a key that is no option
/// (key case matters here: `Storage-Driver` is unknown) or a storage key while DOCKER_OPTS
/// sets the flag ("specified both as a flag and in the configuration file") stop dockerd.
public struct DaemonJSON: Sendable, Equatable {
    public static let driverKey = "storage-driver"
    public static let optionsKey = "storage-opts"
    static let storageKeys: Set<String> = [driverKey, optionsKey]
    /// Objects dockerd keeps whole instead of flattening (config.go: flatOptions).
    static let flatOptions: Set<String> = ["cluster-store-opts", "log-opts", "runtimes", "default-ulimits", "features", "builder"]

    /// The driver dockerd takes from the file when no flag sets one (the last top-level key).
    public var storageDriver: String?
    public var storageOptions: [String]
    /// The storage keys dockerd's conflict check sees (top level, or one level down): each
    /// conflicts with its flag (`-s`/`--storage-driver`, `--storage-opt`) in DOCKER_OPTS.
    public var storageKeysSeen: Set<String>
    /// Every key dockerd's conflict check sees (top level, or one level down, whatever its value,
    /// `null` too): a DOCKER_OPTS flag for one of them stops dockerd (`DockerdFlagConflicts`).
    public var keysSeen: Set<String>
    /// True when it sets either storage key.
    public var setsStorage: Bool { !storageKeysSeen.isEmpty }
    /// Keys that are a storage key but for their case: dockerd refuses the whole file.
    public var miscasedStorageKeys: [String]
    /// Keys dockerd's conflict check sees (top level, or one level down) that are no option of
    /// dockerd 20.10 (`DockerdConfigKeys`): dockerd refuses the whole file ("the following
    /// directives don't match any configuration option"). Sorted; includes `miscasedStorageKeys`.
    public var unknownKeys: [String]
    /// Values Go's decoder refuses for the type of their Config field (`DockerdConfigTypes`),
    /// duplicates included (Go decodes each one): dockerd refuses the whole file.
    var valueTypeMismatches: [DockerdValueType.Mismatch]
    /// The storage members as written, for messages (`"storage-driver": "overlay2"`).
    public var storageMembersShown: [String]
    /// Every `storage-driver` value dockerd takes from the file (top level, or one level down;
    /// of a key given twice the last, as Go's decoder reads it); one that is not a string
    /// as "a value that is not a string".
    public var driversSet: [String]
    /// `features.containerd-snapshotter`: images then live under /var/lib/containerd.
    public var containerdSnapshotter: Bool
    public let path: String
    /// The file as it is on disk: an edit cuts members out of these bytes and keeps every other
    /// byte, whether it is UTF-8 or not.
    public let bytes: [UInt8]

    /// Reads the file's bytes; a file dockerd's decoder refuses, or that is not a JSON object, is
    /// refused with the reason.
    public init(path: String, bytes: [UInt8]) throws {
        self.path = path
        self.bytes = bytes
        let top = try Self.topObject(bytes, path: path)
        let effective = top.effective
        var flattened: [String: GoJSON.Value] = [:]
        for (key, value) in effective {
            if case .object(let nested) = value, !Self.flatOptions.contains(key) {
                for (nestedKey, nestedValue) in nested.effective { flattened[nestedKey] = nestedValue }
            } else {
                flattened[key] = value
            }
        }
        if case .string(let driver)? = effective[Self.driverKey] { storageDriver = driver } else { storageDriver = nil }
        if case .array(let items)? = effective[Self.optionsKey] {
            storageOptions = items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
        } else {
            storageOptions = []
        }
        keysSeen = Set(flattened.keys)
        storageKeysSeen = keysSeen.filter { Self.storageKeys.contains($0) }
        unknownKeys = flattened.keys.filter { !DockerdConfigKeys.known.contains($0) }.sorted()
        valueTypeMismatches = top.members.flatMap { member in
            DockerdValueType.field(member.key, in: DockerdConfigTypes.top).map {
                $0.mismatches(member.value, at: Self.quoted(member.key), raw: GoJSON.writtenString(of: member, in: bytes))
            } ?? []
        }
        miscasedStorageKeys = flattened.keys.filter { !Self.storageKeys.contains($0) && Self.storageKeys.contains($0.lowercased()) }.sorted()
        storageMembersShown = Self.storageMembers(top).map { location in
            let key = "\"\(location.member.key)\""
            let shown = if case .string(let value) = location.member.value { "\(key): \"\(value)\"" } else { key }
            return location.parent.map { "\(shown) inside \"\($0)\"" } ?? shown
        }
        func shown(_ value: GoJSON.Value) -> String {
            if case .string(let text) = value { return text }
            return "a value that is not a string"
        }
        var drivers = effective[Self.driverKey].map { [shown($0)] } ?? []
        for key in effective.keys.sorted() where !Self.flatOptions.contains(key) {
            if case .object(let nested)? = effective[key], let value = nested.effective[Self.driverKey] { drivers.append(shown(value)) }
        }
        driversSet = drivers
        if case .object(let features)? = effective["features"], case .bool(true)? = features.effective["containerd-snapshotter"] {
            containerdSnapshotter = true
        } else {
            containerdSnapshotter = false
        }
    }

    /// Why dockerd refuses the file for its unknown keys, and what to do: one line, or nil when
    /// every key is one dockerd knows. Keys are shown JSON-escaped (a NUL as `\u0000`).
    public var unknownKeysProblem: String? {
        guard !unknownKeys.isEmpty else { return nil }
        let shown = unknownKeys.map(Self.quoted).joined(separator: ", ")
        let hint = miscasedStorageKeys.isEmpty ? "" : " (keys are matched case-sensitively: write \"\(Self.driverKey)\" or \"\(Self.optionsKey)\")"
        return "\(path) has \(shown), which dockerd 20.10 does not know as an option\(hint): dockerd refuses to start with this file; correct or remove \(unknownKeys.count == 1 ? "that key" : "those keys")"
    }

    /// Why dockerd refuses the file for the types of its values, and what to do: one line, or
    /// nil when every value has the type dockerd decodes it into.
    public var valueTypesProblem: String? {
        guard !valueTypeMismatches.isEmpty else { return nil }
        let shown = valueTypeMismatches.map { "\($0.path) holds \($0.found), but dockerd expects \($0.expected)" }
        let those = valueTypeMismatches.count == 1 ? "that value" : "those values"
        return "\(path): dockerd 20.10 refuses to start with this file: \(shown.joined(separator: "; ")); correct \(those)"
    }

    /// `key` in double quotes, with quotes, backslashes and control characters escaped as JSON does.
    static func quoted(_ key: String) -> String {
        var out = "\""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "\"", "\\": out += "\\\(scalar)"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// The file without its storage members (every one dockerd's conflict check could see,
    /// duplicates included); every other byte kept.
    public func removingStorageKeys() throws -> [UInt8] {
        var bytes = bytes
        while true {
            let top = try Self.topObject(bytes, path: path)
            guard let location = Self.storageMembers(top).first else { break }
            bytes = GoJSON.removing(member: location.index, of: location.object, from: bytes)
        }
        return bytes
    }

    private struct Location {
        var object: GoJSON.Object
        var index: Int
        var member: GoJSON.Member
        var parent: String?
    }

    private static func storageMembers(_ top: GoJSON.Object) -> [Location] {
        var found: [Location] = []
        for (index, member) in top.members.enumerated() {
            if storageKeys.contains(member.key) {
                found.append(Location(object: top, index: index, member: member, parent: nil))
            } else if case .object(let nested) = member.value, !flatOptions.contains(member.key) {
                for (nestedIndex, nestedMember) in nested.members.enumerated() where storageKeys.contains(nestedMember.key) {
                    found.append(Location(object: nested, index: nestedIndex, member: nestedMember, parent: member.key))
                }
            }
        }
        return found
    }

    private static func topObject(_ bytes: [UInt8], path: String) throws -> GoJSON.Object {
        let value: GoJSON.Value
        do {
            value = try GoJSON.parse(bytes)
        } catch let invalid as GoJSON.Invalid {
            throw DockStoreError.refused("\(path) is not valid JSON as dockerd reads it (\(invalid.reason), at byte \(invalid.offset)); dockerd would not start with it either: fix or remove it")
        }
        switch value {
        case .object(let object): return object
        // Go decodes null into a map as no map at all: dockerd starts as with {}.
        case .null: return GoJSON.Object(openBrace: 0, members: [])
        default: throw DockStoreError.refused("\(path) does not hold a JSON object: fix or remove it")
        }
    }
}
