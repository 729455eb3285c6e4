/// The reads behind `StoreCondition`, each done only when a cheaper read says it matters.
extension CapacityProbe {
    /// statvfs said read-only: the mount table tells whether the mount or the filesystem is.
    static func readOnlyKind(_ mountpoint: String) throws -> StoreCondition.ReadOnly {
        guard let options = try MountInfoOptions.read(at: mountpoint) else { return .byOption }
        return options.mount.contains("ro") ? .byOption : .forced
    }

    /// The image behind a loop device as `dockstore grow` wants it: nil when there is none
    /// or it cannot be looked at (grow then refuses to extend an image it cannot see).
    static func hostBacking(_ reading: BtrfsReading, sysfs: String) -> HostBacking? {
        var ignored = StoreCondition()
        return hostBacking(reading, sysfs: sysfs, root: "/", into: &ignored)
    }

    /// For a store on a loop device: the image behind it and the host filesystem's free
    /// space. An image the kernel marks deleted, and one that cannot be looked at, are
    /// recorded in `condition`, never skipped.
    /// `root`: the --root tree; a loop member over a file outside it is another root's store
    /// (`ForeignLoopStore.outside`), judged as one this root does not see (`unseenLoop`).
    static func hostBacking(_ reading: BtrfsReading, sysfs: String, root: String, image: String? = nil, into condition: inout StoreCondition) -> HostBacking? {
        for member in reading.devices {
            let loop = member.devicePath
            let name = loop.split(separator: "/").last.map(String.init) ?? ""
            guard name.hasPrefix("loop") else { continue }
            let backingFile = "\(sysfs)/block/\(name)/loop/backing_file"
            var text: String
            do {
                guard let read = try LoopDevice.backingFileText(backingFile) else { continue }
                text = read.trimmingWhitespace()
            } catch {
                condition.unreadable.append("cannot read which image backs \(loop): \(message(error))")
                return nil
            }
            // Only a tree that configures an image has one a loop device could be: with nothing
            // configured, what is mounted is judged as it is (a volume lent to the tree).
            let outside: ForeignLoopStore?
            do {
                outside = try image.flatMap { try ForeignLoopStore.outside(loop: loop, backingName: text, root: root, image: $0) }
            } catch {
                condition.unreadable.append(message(error))
                return nil
            }
            if let outside {
                condition.unseenLoop = outside
                return nil
            }
            do {
                condition.secondLoops = try LoopDevice.siblings(of: loop, sysfs: sysfs)
            } catch {
                condition.unreadable.append("cannot tell whether another loop device is bound to the image behind \(loop) (a second instance of the store): \(message(error))")
            }
            let deletedSuffix = " (deleted)"
            if text.hasSuffix(deletedSuffix), !sameFileAtName(String(text.dropLast(deletedSuffix.count)), loop: loop) {
                let image = String(text.dropLast(deletedSuffix.count))
                // Hard-linked, then unlinked: the file lives on under another name, which
                // `readMovedImage` judges as a rename of the configured image.
                guard let link = LoopDevice.otherLink(of: loop, deletedName: image) else {
                    // Another file at the name means it was replaced; unreadable stays "deleted", which is sure.
                    let replaced: Bool
                    do { replaced = try FileStatus.following(image) != nil } catch { replaced = false }
                    if replaced, !canOpen(loop) {
                        // Without root the loop device's inode cannot be read: the file at the
                        // name may be the image itself, linked back (attack 26 L5), and "move the
                        // new file aside" would send the live image away.
                        condition.unreadable.append("the name \(image) that \(loop) was attached through was unlinked while mounted, and a file has that name now: whether it is the image itself (a hard link moved back) or another file only check as root can tell (the loop device is root's to open)")
                        return nil
                    }
                    condition.image = .init(path: image, loop: loop, link: replaced ? .replaced : .deleted)
                    condition.image?.asideNames = .observe(beside: image)
                    if replaced {
                        // A copy of the store at the name (the remedy's): how current it is. Read as
                        // root only (the loop device is root's); one that cannot be read is "another file".
                        do {
                            condition.image?.copy = try StoreCondition.Image.copyAtName(image, loop: loop, uuid: reading.uuid, deviceBytes: member.size)
                        } catch {
                            condition.unreadable.append("cannot tell whether the file now at \(image) is a copy of the store: \(message(error))")
                        }
                    }
                    return nil
                }
                text = link
            }
            do {
                if let unseen = try ForeignLoopStore.unseen(loop: loop, backingName: text) {
                    condition.unseenLoop = unseen
                    return nil
                }
            } catch {
                condition.unreadable.append("cannot read the image \(text) behind \(loop) (whether it is the loop device's own file or another root's on the same kernel): \(message(error))")
                return nil
            }
            if text.hasSuffix(deletedSuffix) { text = String(text.dropLast(deletedSuffix.count)) }
            condition.image = .init(path: text, loop: loop, link: .present)
            do {
                guard let status = try FileStatus.following(text) else {
                    condition.unreadable.append("the image \(text) behind \(loop) is not there although the kernel does not mark it deleted")
                    return nil
                }
                let folder = AtomicFile.parentFolder(of: text)
                let space = try HostSpace.of(folder)
                do {
                    condition.hostReadOnly = try HostReadOnly.read(folder: folder, readOnly: space.readOnly)
                } catch {
                    condition.unreadable.append("cannot tell whether the filesystem holding the image \(text) can be written: \(message(error))")
                }
                return HostBacking(image: text, apparentBytes: status.size, allocatedBytes: status.allocatedBytes,
                                   hostAvailableBytes: space.available)
            } catch {
                condition.unreadable.append("cannot read the image \(text) behind \(loop) (its allocation and the host's free space): \(message(error))")
                return nil
            }
        }
        return nil
    }

    /// The kernel marks the name the loop device was attached through deleted, yet the file at
    /// that name is the loop device's own (device and inode): a hard link of the image kept it
    /// while the other name went (attack 21 F5), and nothing was deleted or replaced. What
    /// cannot be read (without root the loop device cannot be opened) keeps the stricter verdict.
    /// This user may open the loop device (LOOP_GET_STATUS64 needs it): root, or the disk group.
    static func canOpen(_ loop: String) -> Bool {
        do {
            _ = try LoopDevice.status(loop)
            return true
        } catch {
            return false
        }
    }

    static func sameFileAtName(_ name: String, loop: String) -> Bool {
        do {
            guard let file = try FileStatus.following(name), let bound = try LoopDevice.status(loop) else { return false }
            return file.device == bound.backingDevice && file.inode == bound.backingInode
        } catch {
            return false
        }
    }

    /// A loop member over a file this root does not see (`unseenLoop`): another root's store
    /// when its name is the configured image; a device store's loop device when fstab's line
    /// for the mountpoint names a device (`UUID=`, `LABEL=`, /dev); otherwise nothing tells
    /// what it is, which is UNKNOWN.
    static func readForeignLoop(_ store: StoreObservation, into condition: inout StoreCondition) {
        guard let unseen = condition.unseenLoop else { return }
        let mountpoint = store.mountpoint
        do {
            if let image = try store.configuredImage.value() {
                if unseen.name.sameBytes(image) || unseen.outsideRoot != nil { condition.foreignLoop = unseen; return }
            } else if try store.configuredDevice.value() {
                return
            }
            let what = unseen.outsideRoot.map { "a file outside --root \($0)" } ?? "\(unseen.otherFileHere ? "another file here" : "not there") although the kernel does not mark it deleted"
            condition.unreadable.append("\(unseen.loop) is bound to \(unseen.name), which is \(what), and it is neither the image configured for \(mountpoint) nor a device its fstab line names: dockstore cannot tell whose store this is")
        } catch {
            condition.unreadable.append("cannot tell whether \(unseen.loop), bound to \(unseen.name) (not the file at that path here), is another root's store: \(message(error))")
        }
    }

    /// Members whose node in /dev is missing or another device's (`NodelessHolder.member`);
    /// one that cannot be judged is named as unreadable.
    static func readNodelessMembers(_ reading: BtrfsReading, sysfs: String, into condition: inout StoreCondition) {
        for device in reading.devices where !device.isMissing {
            do {
                if let nodeless = try NodelessHolder.member(device.path, kernelName: device.kernelName, sysfs: sysfs) {
                    condition.nodelessMembers.append(NodelessMember(devid: device.devid, device: nodeless))
                }
            } catch {
                condition.unreadable.append("cannot tell whether \(device.path) (btrfs device \(device.devid)) is still the device's node: \(message(error))")
            }
        }
    }

    /// Loop members no boot attaches (`UnbootedLoopMember`), for a store whose configuration
    /// names an image; one that cannot be read is named as unreadable.
    static func readUnbootedMembers(_ reading: BtrfsReading, configured: StoreFact<String?>, sysfs: String, into condition: inout StoreCondition) {
        guard reading.devices.count > 1, case .read(let image) = configured else { return }
        do {
            condition.unbootedMembers = try UnbootedLoopMember.find(reading, image: image, sysfs: sysfs)
        } catch {
            condition.unreadable.append("cannot tell which file backs each loop member of the store (one no boot attaches makes the next boot's mount fail): \(message(error))")
        }
    }

    /// Loop members over a file in memory (`VolatileLoopMember`), for every btrfs store: the
    /// image's own, a member added by hand, a device store's only device alike.
    static func readVolatileMembers(_ reading: BtrfsReading, configured: StoreFact<String?>, mountinfo: Result<[MountInfoLine], Error>,
                                    sysfs: String, into condition: inout StoreCondition) {
        guard reading.devices.contains(where: { $0.devicePath.hasPrefix("/dev/loop") }) else { return }
        do {
            condition.volatileMembers = try VolatileLoopMember.find(reading, image: configured.known ?? nil, lines: try mountinfo.get(), sysfs: sysfs)
        } catch {
            condition.unreadable.append("cannot tell whether a loop member of the store runs on a file in memory (tmpfs), which no reboot keeps: \(message(error))")
        }
    }

    /// The image renamed away while mounted (`MovedImage`), for a store with a loop member and
    /// a configured image. Which image is configured, unreadable, is UNKNOWN only then.
    /// An open migration journal narrows it to the image's own inode, read only once a member
    /// looks renamed (check runs every minute; the journal is rarely there); one this user
    /// cannot read (it is root's alone) leaves every member bound to a file beside the image a
    /// candidate, the stricter answer.
    static func readMovedImage(_ reading: BtrfsReading, configured: StoreFact<String?>, journal: StoreFact<MigrationJournal?>,
                               root: String, sysfs: String, into condition: inout StoreCondition) {
        guard condition.image != nil, condition.image?.link == .present else { return }
        do {
            guard let image = try configured.value() else { return }
            var moved = try MovedImage.find(reading, image: image, root: root, sysfs: sysfs)
            if moved != nil, let open = readableJournal(journal) {
                moved = try MovedImage.find(reading, image: image, root: root, sysfs: sysfs, journal: open)
            }
            if case .unreadable(let error) = journal, error.code == Errno.permissionDenied { moved?.journalNotReadable = true }
            condition.movedImage = moved
            if moved == nil { condition.otherStoreMounted = try OtherStoreMounted.find(reading, image: image, sysfs: sysfs) }
        } catch let undecided as MovedImage.Undecided {
            let journalNotReadable: Bool
            if case .unreadable(let error) = journal, error.code == Errno.permissionDenied { journalNotReadable = true } else { journalNotReadable = false }
            condition.unreadable.append(undecided.message(journalNotReadable: journalNotReadable))
        } catch {
            condition.unreadable.append("cannot tell whether the store's loop device is still bound to its configured image (a renamed image would leave the next boot mounting another file): \(message(error))")
        }
    }

    /// A migration journal the next boot cannot read (`StoreCondition.journalUnreadable`): one
    /// open(2) that finds nothing on almost every run, so it is read on every run. A user it
    /// is not readable to (root's 0600 file) cannot judge it: that is left to check as root;
    /// a command that did not ask for it (figures of the kernel alone) does not judge it.
    static func readJournal(_ journal: StoreFact<MigrationJournal?>, into condition: inout StoreCondition) {
        // Reclaim's and grow's figures come from the kernel alone: no root to read it in.
        guard !journal.wasNotAsked else { return }
        do {
            _ = try journal.value()
        } catch let error as DockStoreError where error.code == Errno.permissionDenied {
            return
        } catch {
            condition.journalUnreadable = message(error)
        }
    }

    /// An open migration of the store `reading` read (`StoreCondition.openMigration`): a journal
    /// that names another btrfs is not this store's move (attack 27 M3), and one this user
    /// cannot read is left to check as root. Its targets, as status finds them: the members
    /// besides the image's loop device (the configured image, else the journal's, inside
    /// `root`; any loop member reads as `condition.image`, a target over a file too) and the
    /// renamed image's.
    static func readOpenMigration(_ reading: BtrfsReading, journal: StoreFact<MigrationJournal?>, configured: StoreFact<String?>,
                                  root: String, into condition: inout StoreCondition) {
        guard let open = readableJournal(journal), open.filesystemUUID.map({ $0.lowercased() == reading.uuid.lowercased() }) ?? true else { return }
        let image = (configured.known ?? nil) ?? (root == "/" ? open.image : root + open.image)
        let imageLoop = condition.image.flatMap { $0.path.sameBytes(image) ? $0.loop : nil }
        let targets = reading.devices.filter { !$0.isMissing && $0.devicePath != imageLoop && $0.devicePath != condition.movedImage?.loop }.map(\.devicePath)
        do {
            condition.openMigration = MigrationJournal.openProblem(standing: try open.standing(targets: targets))
        } catch {
            condition.unreadable.append("cannot tell where the open migration's volume (\(open.deviceLabel)) is now: \(message(error))")
        }
    }

    /// The open migration journal, or nil when there is none or this user cannot read it.
    static func readableJournal(_ journal: StoreFact<MigrationJournal?>) -> MigrationJournal? {
        do {
            return try journal.value()
        } catch {
            return nil
        }
    }

    /// Block copies of the store's members attached beside it (`StoreCopies.scan`). Only root
    /// can read block devices: without root this state is not judged (dockstore-check(8) says so).
    static func readCopies(_ reading: BtrfsReading, into condition: inout StoreCondition) {
        guard CurrentProcess.isRoot else { return }
        do {
            condition.copies = try StoreCopies.scan(uuid: reading.uuid)
        } catch {
            condition.unreadable.append("cannot tell whether a block copy of the store (same btrfs UUID and devid) is attached: \(message(error))")
        }
    }

    /// /sys/fs/btrfs/<uuid>/exclusive_operation (kernel 5.10 on): `none`, `balance`,
    /// `balance paused`, `device add`, `device remove`, `device replace`, `resize`, …
    static func readExclusiveOperation(uuid: String, sysfs: String, into condition: inout StoreCondition) throws {
        do {
            guard let text = try BtrfsSysfs.exclusiveOperation(uuid: uuid, sysfs: sysfs), text != "none", !text.isEmpty else { return }
            condition.exclusiveOperation = text
        } catch {
            condition.unreadable.append("cannot read whether a balance or device operation runs (\(sysfs)/fs/btrfs/\(uuid)/exclusive_operation): \(message(error))")
        }
    }

    static func message(_ error: Error) -> String { (error as? DockStoreError)?.message ?? "\(error)" }
}
