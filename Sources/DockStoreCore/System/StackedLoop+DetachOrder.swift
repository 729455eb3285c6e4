extension StackedLoop {
    /// `loop` and every loop device of `all` stacked on it, at any depth, in the order the
    /// kernel lets them go: the top one first. A loop device with another stacked on it only
    /// gets autoclear from `losetup -d` and stays bound (attack 36 W 2d, 2e: detaching the
    /// middle one of two freed nothing, and the refusal named only that one).
    /// Second loop devices over the same file (`sharedFile`) are not on top of `loop`.
    public static func detachOrder(from loop: String, in all: [StackedLoop]) -> [String] {
        var order: [String] = []
        var visiting: Set<String> = []
        func visit(_ device: String) {
            guard visiting.insert(device).inserted else { return }
            for above in all where above.over == device && above.sharedFile == nil {
                visit(above.loop)
            }
            order.append(device)
        }
        visit(loop)
        return order
    }
}

extension Array where Element == String {
    /// "losetup -d /dev/loop9, then losetup -d /dev/loop8" for a detach order.
    var losetupDetachText: String {
        map { "losetup -d \($0)" }.joined(separator: ", then ")
    }
}
