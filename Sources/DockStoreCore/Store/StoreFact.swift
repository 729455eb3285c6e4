/// One fact the store observer read, or why it could not: never a default. A planner that
/// needs a fact asks `value()`, which refuses with the reason the read failed, so "cannot
/// tell" never turns into "absent" or "not in use".
public enum StoreFact<Value: Sendable & Equatable>: Sendable, Equatable {
    case read(Value)
    /// The read failed; the error names what and why (exit status from its kind).
    case unreadable(DockStoreError)

    /// Runs `read`, keeping its error as the fact instead of throwing it.
    static func reading(_ read: () throws -> Value) -> StoreFact {
        do {
            return .read(try read())
        } catch let error as DockStoreError {
            return .unreadable(error)
        } catch {
            return .unreadable(DockStoreError.failed("\(error)"))
        }
    }

    /// The value, or the error that kept it from being read.
    public func value() throws -> Value {
        switch self {
        case .read(let value): return value
        case .unreadable(let error): throw error
        }
    }

    /// The fact derived from this one; an unreadable fact stays unreadable, with its reason.
    public func map<Other>(_ transform: (Value) -> Other) -> StoreFact<Other> {
        switch self {
        case .read(let value): return .read(transform(value))
        case .unreadable(let error): return .unreadable(error)
        }
    }

    /// A fact the command did not ask the observer for (`StoreObserver.notAsked`): its error
    /// carries this code, which no system call gives, so a reader that judges the failure of
    /// a read itself (check's migration journal) can tell "not read" from "cannot be read".
    static var notAskedCode: Int32 { -1 }

    /// The fact was not read because the command did not ask for it.
    var wasNotAsked: Bool {
        if case .unreadable(let error) = self { return error.code == Self.notAskedCode }
        return false
    }

    /// The value when it was read; nil when it could not be (only for reports, never for a decision).
    public var known: Value? {
        if case .read(let value) = self { return value }
        return nil
    }
}
