/// The pure re-checks of provision's two formats: what the device or image holds at the
/// moment the step acts decides whether it formats, wipes first, finds the work done or
/// refuses. The same decision runs in the step's `recheck` and again inside the action
/// under the device's lock, so a change that lands between the two is refused, not formatted.
public enum FormatRecheck {
    public enum Action: Sendable, Equatable {
        /// The planned filesystem is there already (a re-run after the format).
        case done
        case format
        /// `--force`: wipe every signature, then format.
        case wipeThenFormat
    }

    /// `provision --device`: blank formats; the planned filesystem with the store's label and
    /// the planned `uuid` is done (a re-run after the format); another UUID is someone else's
    /// format since the plan (a second run, a tool) and refused like any other content; anything else is formatted only with `wipe`, and what cannot be read never is.
    /// `wipe` without `forced` is planned only for the partial copy a canceled migrate-ebs
    /// replace left: `isCanceledTarget` says whether the device is still exactly that; and for
    /// the format a killed run began: `isRecordedFormat` says whether the `FormatRecord` still
    /// names this device, its size and the planned UUID, and the device still carries
    /// mkfs.btrfs's temporary superblock with that UUID (the record alone is never proof).
    public static func device(_ content: BlockContent, filesystem: DeviceFilesystem, label: String, uuid: String,
                              wipe: Bool, forced: Bool, device: String,
                              isCanceledTarget: () throws -> Bool,
                              isRecordedFormat: () throws -> Bool = { false }) throws -> Action {
        switch content {
        case .signature(let type, let found?, let existing) where type == filesystem.rawValue && existing == label
                && found.lowercased() == uuid.lowercased():
            return .done
        case .blank:
            return .format
        case .signature(let type, let found, let existing) where type == filesystem.rawValue && existing == label:
            throw DockStoreError.refused("refusing: \(device) now holds a \(type) labelled '\(label)' with UUID \(found ?? "unknown"), not the \(uuid) dockstore planned: another run or program formatted it since dockstore looked; nothing was changed: re-run to look again")
        case .signature, .partitionTable, .unrecognizedData:
            guard wipe else {
                throw DockStoreError.refused("refusing: \(device) now holds \(content.summary); it was blank when dockstore looked; nothing was changed: re-run to look again")
            }
            if !forced {
                guard content == .unrecognizedData, try isRecordedFormat() || isCanceledTarget() else {
                    throw DockStoreError.refused("refusing: \(device) now holds \(content.summary), no longer the partial copy a canceled migrate-ebs replace left nor the unfinished format dockstore recorded; nothing was changed: re-run to look again")
                }
            }
            return .wipeThenFormat
        case .ambivalent, .unreadable:
            throw DockStoreError.refused("refusing: \(device) is \(content.summary); nothing was changed")
        }
    }

    /// The image (new, or blank in place): blank formats; the btrfs with the planned UUID is
    /// done; anything else, another btrfs included, is refused.
    public static func image(_ content: BlockContent, uuid: String, image: String) throws -> Action {
        switch content {
        case .blank:
            return .format
        case .signature("btrfs", let found?, _) where found.lowercased() == uuid.lowercased():
            return .done
        default:
            throw DockStoreError.refused("refusing: \(image) now holds \(content.summary), not the blank file dockstore planned to format as btrfs \(uuid); nothing was changed: re-run to look again")
        }
    }
}
