/// A body area a plan can name. Raw values are the snake_case identifiers used on the
/// wire, in the journal and in records.
public enum TreatmentArea: String, Sendable, CaseIterable {
    case forehead
    case periorbital
    case nose
    case lips
    case cheeks
    case neck
    case acneScars = "acne_scars"
    case arms
    case abdomen
    case legs
    case stretchMarks = "stretch_marks"

    /// The area named `name`, or nil for an unknown name (refused as `unknown_area`).
    public init?(name: String) {
        self.init(rawValue: name)
    }
}
