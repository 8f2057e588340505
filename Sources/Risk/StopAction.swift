/// What the engine must do after the net-position stop saw a position.
public enum StopAction: Hashable, Sendable {
    /// Nothing changes.
    case none
    /// The stop triggered (a stop event): pull every quote on ``FlattenIntent/pulledSide`` (the
    /// side that adds to the position) and send the flattening order. Only the other side may
    /// quote until ``resume``.
    case stop(FlattenIntent)
    /// Still stopped, and the position grew past the largest seen since the trigger (fills of
    /// pulled orders still in flight): flatten this much more.
    case flattenMore(FlattenIntent)
    /// |position| is back within the restart threshold: both sides may quote again.
    case resume
}
