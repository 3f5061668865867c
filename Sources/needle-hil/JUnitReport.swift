import XMLText

/// The JUnit XML of one needle-hil run, the format Jenkins and GitLab read, written beside the
/// console output (which stays as it is). One <testsuite> for the world; one <testcase> per
/// scenario, the group of steps run on one fresh daemon (the hazard log names scenarios,
/// `hil:<name>`, so a test case is what a hazard's control points to); a failed scenario has
/// a <failure> whose message names the step and why, a skipped one <skipped>; each test
/// case's <system-out> holds the lines the console showed for it.
enum JUnitReport {
    static func xml(world: String, outcomes: [ScenarioOutcome], elapsedNs: UInt64) -> String {
        var failures = 0, skipped = 0
        var cases = ""
        for outcome in outcomes {
            cases += "    <testcase classname=\"\(XMLText.escaped("hil.\(world)"))\" name=\"\(XMLText.escaped(outcome.name))\""
            cases += " time=\"\(seconds(outcome.elapsedNs))\">\n"
            switch outcome.verdict {
            case .passed:
                break
            case .skipped(let why):
                skipped += 1
                cases += "      <skipped message=\"\(XMLText.escaped(why))\"/>\n"
            case .failed(let step, let what, let why):
                failures += 1
                let message = "step \(step) \"\(what)\": \(why)"
                let body = outcome.daemonLog.split(separator: "\n").suffix(40).joined(separator: "\n")
                cases += "      <failure message=\"\(XMLText.escaped(message))\" type=\"scenario\">\(XMLText.escaped(body))</failure>\n"
            }
            var out = outcome.console
            if outcome.retries > 0 {
                out.insert("(run \(outcome.retries + 1) times: the emulator held the loop past the sensor timeout)", at: 0)
            }
            if !out.isEmpty {
                cases += "      <system-out>\(XMLText.escaped(out.joined(separator: "\n")))</system-out>\n"
            }
            cases += "    </testcase>\n"
        }
        let suite = "name=\"\(XMLText.escaped("needle-hil \(world)"))\" tests=\"\(outcomes.count)\" failures=\"\(failures)\""
            + " errors=\"0\" skipped=\"\(skipped)\" time=\"\(seconds(elapsedNs))\""
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites \(suite)>
              <testsuite \(suite)>
            \(cases)  </testsuite>
            </testsuites>

            """
    }

    /// Seconds with millisecond precision, as JUnit's time attributes have them.
    static func seconds(_ ns: UInt64) -> String {
        let ms = (ns + 500_000) / 1_000_000
        let frac = String(ms % 1000)
        return "\(ms / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac
    }
}
