/// Nearest-rank percentile of a sample (sorted inside).
func percentile(_ values: [Double], _ fraction: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let rank = Int((Double(sorted.count) * fraction).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

func round1(_ value: Double) -> Double { (value * 10).rounded() / 10 }
