/// Three decimals: micrometres, millihertz, milliseconds — what the sensor, the tach and
/// the clock can honestly resolve, for status replies and treatment records alike.
func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

/// A value for a log line, to three decimals: `1.015`, not `1.0150000000000001` (a rounded
/// double prints its shortest exact form, so no formatter is needed).
func logText(_ value: Double) -> String { "\(round3(value))" }
