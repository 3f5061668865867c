/// Three decimals: micrometres, millihertz, milliseconds — what the sensor, the tach and
/// the clock can honestly resolve, for status replies and treatment records alike.
func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
