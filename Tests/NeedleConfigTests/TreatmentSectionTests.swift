import NeedleConfig
import Testing

/// The error `toml` is refused with, or nil (with an issue recorded) if it was accepted.
private func refusal(_ toml: String) -> ConfigError? {
    do {
        _ = try NeedledConfig.parse(toml: toml)
        Issue.record("accepted: \(toml.debugDescription)")
        return nil
    } catch {
        return error
    }
}

@Suite("Config [treatment] section")
struct TreatmentSectionTests {
    @Test("without [treatment], or with an empty one, the interval is 28 days and no area is overridden")
    func defaults() throws {
        for toml in ["", "[daemon]\nrate_hz = 2000\n", "[treatment]\n", "[treatment.areas]\n"] {
            let treatment = try NeedledConfig.parse(toml: toml).treatment
            #expect(treatment.minimumIntervalDays == 28, "\(toml.debugDescription)")
            #expect(treatment.minFreeMB == 64, "\(toml.debugDescription)")
            #expect(treatment.areas.isEmpty, "\(toml.debugDescription)")
            #expect(treatment == TreatmentSection())
        }
    }

    @Test("the known area names are the core's TreatmentArea raw values, in its order")
    func knownAreas() {
        #expect(TreatmentSection.knownAreas == [
            "forehead", "periorbital", "nose", "lips", "cheeks", "neck", "acne_scars", "arms", "abdomen", "legs",
            "stretch_marks",
        ])
    }

    @Test("a full section is read into the model; integers are taken where mm and seconds belong")
    func fullSection() throws {
        let treatment = try NeedledConfig.parse(toml: """
            [treatment]
            minimum_interval_days = 42
            min_free_mb = 256

            [treatment.areas.forehead]
            depth_min_mm = 0.25      # 0.05...3.00
            depth_max_mm = 0.75
            default_depth_mm = 0.50
            speed = 4
            session_s = 120

            [treatment.areas.acne_scars]
            depth_min_mm = 1
            depth_max_mm = 1.5
            default_depth_mm = 1.5
            session_s = 90.5

            [treatment.areas.neck]
            speed = 10

            [treatment.areas.stretch_marks]
            """).treatment
        #expect(treatment.minimumIntervalDays == 42)
        #expect(treatment.minFreeMB == 256)
        #expect(treatment.areas == [
            "forehead": AreaOverride(depthMinMM: 0.25, depthMaxMM: 0.75, defaultDepthMM: 0.50, speed: 4, sessionS: 120),
            "acne_scars": AreaOverride(depthMinMM: 1.0, depthMaxMM: 1.5, defaultDepthMM: 1.5, sessionS: 90.5),
            "neck": AreaOverride(speed: 10),
            "stretch_marks": AreaOverride(),
        ])
    }

    @Test("every known area takes a table; the bounds of each range are accepted", arguments: TreatmentSection.knownAreas)
    func everyArea(_ area: String) throws {
        let config = try NeedledConfig.parse(toml: """
            [treatment]
            minimum_interval_days = 365
            [treatment.areas.\(area)]
            depth_min_mm = 0.05
            depth_max_mm = 3.00
            default_depth_mm = 3.0
            speed = 1
            session_s = 3600
            """)
        #expect(config.treatment.minimumIntervalDays == 365)
        #expect(config.treatment.areas == [
            area: AreaOverride(depthMinMM: 0.05, depthMaxMM: 3.0, defaultDepthMM: 3.0, speed: 1, sessionS: 3600),
        ])
        let low = try NeedledConfig.parse(toml: "[treatment]\nminimum_interval_days = 1\n[treatment.areas.\(area)]\nspeed = 10\nsession_s = 10\ndepth_min_mm = 0.3\ndepth_max_mm = 0.3\ndefault_depth_mm = 0.3")
        #expect(low.treatment.minimumIntervalDays == 1)
        #expect(low.treatment.areas[area] == AreaOverride(depthMinMM: 0.3, depthMaxMM: 0.3, defaultDepthMM: 0.3, speed: 10, sessionS: 10))
    }

    static let badValues: [BadValue] = [
        .init("[treatment]\nminimum_interval_days = 0", "treatment.minimum_interval_days", .outOfRange, "1...365"),
        .init("[treatment]\nmin_free_mb = 0", "treatment.min_free_mb", .outOfRange, "1...100000"),
        .init("[treatment]\nmin_free_mb = 100001", "treatment.min_free_mb", .outOfRange, "1...100000"),
        .init("[treatment]\nminimum_interval_days = 366", "treatment.minimum_interval_days", .outOfRange, "1...365"),
        .init("[treatment]\nminimum_interval_days = -28", "treatment.minimum_interval_days", .outOfRange, "1...365"),
        .init("[treatment.areas.forehead]\ndepth_min_mm = 0.04", "treatment.areas.forehead.depth_min_mm", .outOfRange, "0.05...3.0"),
        .init("[treatment.areas.forehead]\ndepth_min_mm = nan", "treatment.areas.forehead.depth_min_mm", .outOfRange, "finite"),
        .init("[treatment.areas.cheeks]\ndepth_max_mm = 3.01", "treatment.areas.cheeks.depth_max_mm", .outOfRange, "0.05...3.0"),
        .init("[treatment.areas.cheeks]\ndepth_max_mm = inf", "treatment.areas.cheeks.depth_max_mm", .outOfRange, "finite"),
        .init("[treatment.areas.nose]\ndefault_depth_mm = 0", "treatment.areas.nose.default_depth_mm", .outOfRange, "0.05...3.0"),
        .init("[treatment.areas.nose]\ndefault_depth_mm = 3.5", "treatment.areas.nose.default_depth_mm", .outOfRange, "0.05...3.0"),
        .init("[treatment.areas.legs]\nspeed = 0", "treatment.areas.legs.speed", .outOfRange, "1...10"),
        .init("[treatment.areas.legs]\nspeed = 11", "treatment.areas.legs.speed", .outOfRange, "1...10"),
        .init("[treatment.areas.arms]\nsession_s = 9.5", "treatment.areas.arms.session_s", .outOfRange, "10.0...3600.0"),
        .init("[treatment.areas.arms]\nsession_s = 3601", "treatment.areas.arms.session_s", .outOfRange, "10.0...3600.0"),
        // The bounds contradict each other: the error names the maximum and the minimum it is below.
        .init("[treatment.areas.cheeks]\ndepth_min_mm = 0.5\ndepth_max_mm = 0.3", "treatment.areas.cheeks.depth_max_mm",
              .conflict, "must not be below treatment.areas.cheeks.depth_min_mm (0.5)"),
        // A default outside the bounds given with it, above or below.
        .init("[treatment.areas.forehead]\ndepth_min_mm = 0.25\ndepth_max_mm = 0.75\ndefault_depth_mm = 0.8",
              "treatment.areas.forehead.default_depth_mm", .conflict, "(0.25...0.75)"),
        .init("[treatment.areas.forehead]\ndepth_min_mm = 0.25\ndepth_max_mm = 0.75\ndefault_depth_mm = 0.2",
              "treatment.areas.forehead.default_depth_mm", .conflict, "between treatment.areas.forehead.depth_min_mm"),
        .init("[treatment.areas.neck]\ndepth_min_mm = 0.5\ndefault_depth_mm = 0.45",
              "treatment.areas.neck.default_depth_mm", .conflict, "must not be below treatment.areas.neck.depth_min_mm (0.5)"),
        .init("[treatment.areas.neck]\ndepth_max_mm = 1.5\ndefault_depth_mm = 1.75",
              "treatment.areas.neck.default_depth_mm", .conflict, "must not be above treatment.areas.neck.depth_max_mm (1.5)"),
    ]

    @Test("each bad value is refused, naming the dotted field and what is allowed", arguments: badValues)
    func badValue(_ bad: BadValue) {
        guard let error = refusal(bad.toml) else { return }
        #expect(error.field == bad.field, "\(error)")
        #expect(error.kind == bad.kind, "\(error)")
        #expect(error.description.hasPrefix(bad.field), "\(error)")
        #expect(error.description.contains(bad.mentions), "\(error)")
    }

    @Test("the error messages read in full")
    func messages() {
        let cases: [(String, String)] = [
            ("[treatment]\nminimum_interval_days = 0",
             "treatment.minimum_interval_days = 0: must be within 1...365"),
            ("[treatment.areas.cheeks]\ndepth_min_mm = 0.5\ndepth_max_mm = 0.3",
             "treatment.areas.cheeks.depth_max_mm = 0.3: must not be below treatment.areas.cheeks.depth_min_mm (0.5)"),
            ("[treatment.areas.forehead]\ndepth_min_mm = 0.25\ndepth_max_mm = 0.75\ndefault_depth_mm = 0.8",
             "treatment.areas.forehead.default_depth_mm = 0.8: must lie between treatment.areas.forehead.depth_min_mm"
                + " and depth_max_mm (0.25...0.75)"),
        ]
        for (toml, message) in cases {
            #expect(refusal(toml)?.description == message)
        }
    }

    @Test("a default depth is judged only against the bounds the file gives")
    func defaultAgainstGivenBoundsOnly() throws {
        // Neither bound given: the built-in ones decide, which this module cannot see.
        #expect(try NeedledConfig.parse(toml: "[treatment.areas.periorbital]\ndefault_depth_mm = 2.5")
            .treatment.areas["periorbital"] == AreaOverride(defaultDepthMM: 2.5))
        // One bound given and the default on the right side of it.
        #expect(try NeedledConfig.parse(toml: "[treatment.areas.neck]\ndepth_min_mm = 0.5\ndefault_depth_mm = 2.0")
            .treatment.areas["neck"] == AreaOverride(depthMinMM: 0.5, defaultDepthMM: 2.0))
        #expect(try NeedledConfig.parse(toml: "[treatment.areas.neck]\ndepth_max_mm = 0.6\ndefault_depth_mm = 0.1")
            .treatment.areas["neck"] == AreaOverride(depthMaxMM: 0.6, defaultDepthMM: 0.1))
    }

    @Test("an unknown area is refused as an unknown table, listing every known area")
    func unknownArea() {
        for (toml, field) in [("[treatment.areas.scalp]\nspeed = 3", "treatment.areas.scalp"),
                              ("[treatment.areas.lips_perioral]\n", "treatment.areas.lips_perioral"),
                              ("[treatment.areas.Forehead]\nspeed = 3", "treatment.areas.Forehead"),
                              ("[treatment.areas]\nacne-scars.speed = 3", "treatment.areas.acne-scars")] {
            guard let error = refusal(toml) else { continue }
            #expect(error.kind == .unknownTable, "\(error)")
            #expect(error.field == field)
            #expect(error.description.hasPrefix("[\(field)]: unknown table"), "\(error)")
            #expect(error.allowed == TreatmentSection.knownAreas.joined(separator: ", "))
        }
        // A table beside `areas` is unknown too.
        if let error = refusal("[treatment.area.forehead]\nspeed = 3") {
            #expect(error.kind == .unknownTable)
            #expect(error.field == "treatment.area")
            #expect(error.allowed == "areas")
        }
    }

    @Test("an unknown key is refused by name, listing the known keys of its table")
    func unknownKey() {
        let cases: [(String, String, String)] = [
            ("[treatment]\nminimum_interval = 28", "treatment.minimum_interval", "minimum_interval_days"),
            ("[treatment.areas.forehead]\ndepth_mm = 0.5", "treatment.areas.forehead.depth_mm",
             "depth_min_mm, depth_max_mm, default_depth_mm, speed, session_s"),
            ("[treatment.areas.forehead]\nspeed = 4\nsession = 120", "treatment.areas.forehead.session", "session_s"),
            ("[treatment.areas]\nspeed = 4", "treatment.areas.speed", "none"),
        ]
        for (toml, field, known) in cases {
            guard let error = refusal(toml) else { continue }
            #expect(error.kind == .unknownKey, "\(error)")
            #expect(error.field == field)
            #expect(error.description.hasPrefix("\(field): unknown key"), "\(error)")
            #expect(error.description.contains(known), "\(error)")
        }
    }

    @Test("a value of the wrong type is refused, naming the field and the type wanted")
    func wrongType() {
        let cases: [(String, String, String)] = [
            ("[treatment]\nminimum_interval_days = \"28\"", "treatment.minimum_interval_days",
             "treatment.minimum_interval_days = \"28\": must be an integer"),
            ("[treatment]\nminimum_interval_days = 28.0", "treatment.minimum_interval_days", "must be an integer"),
            ("[treatment.areas.lips]\nspeed = 4.5", "treatment.areas.lips.speed", "must be an integer"),
            ("[treatment.areas.lips]\ndepth_min_mm = \"0.25\"", "treatment.areas.lips.depth_min_mm", "must be a number"),
            ("[treatment.areas.lips]\ndepth_max_mm = [0.75]", "treatment.areas.lips.depth_max_mm", "must be a number"),
            ("[treatment.areas.lips]\ndefault_depth_mm = true", "treatment.areas.lips.default_depth_mm", "must be a number"),
            ("[treatment.areas.lips]\nsession_s = \"2 min\"", "treatment.areas.lips.session_s", "must be a number"),
            ("[treatment.areas]\nforehead = 3", "treatment.areas.forehead", "must be a table"),
            ("[treatment]\nareas = [\"forehead\"]", "treatment.areas", "must be a table"),
            ("treatment = 28", "treatment", "must be a table"),
        ]
        for (toml, field, text) in cases {
            guard let error = refusal(toml) else { continue }
            #expect(error.kind == .wrongType, "\(error)")
            #expect(error.field == field)
            #expect(error.description.contains(text), "\(error)")
        }
    }
}
