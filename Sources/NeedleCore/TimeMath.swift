extension UInt64 {
    /// `self − earlier` in nanoseconds, or 0 when `earlier` is the later one.
    ///
    /// Timestamps in the core come from different reads of the clock: a tach edge is stamped
    /// when the sensor is read, after the tick's own clock read, and a command can arrive
    /// between the loop's clock read and the tick. With wrapping subtraction such an edge
    /// made a turning cam look 584 years silent and latched `stall` (seen under load).
    public func nanoseconds(since earlier: UInt64) -> UInt64 {
        self > earlier ? self - earlier : 0
    }
}
