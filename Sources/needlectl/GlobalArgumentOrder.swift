/// Lets the global options (`--socket PATH`, `--socket=PATH`, `--json`) come before the
/// subcommand as well as after it: `needlectl --socket P status` is `needlectl status
/// --socket P`. argument-parser gives each subcommand its own `GlobalOptions` and knows no
/// options of the root, so the leading ones are moved behind the subcommand's words,
/// before a `--` terminator if there is one. Only a leading run is moved; anything else
/// (`--help`, an unknown option) ends it and is left to argument-parser.
enum GlobalArgumentOrder {
    static let valued: Set<String> = ["--socket"]
    static let flags: Set<String> = ["--json"]

    static func normalized(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let word = arguments[index]
            if flags.contains(word) || valued.contains(where: { word.hasPrefix($0 + "=") }) {
                leading.append(word)
                index += 1
            } else if valued.contains(word), index + 1 < arguments.endIndex {
                leading += arguments[index...index + 1]
                index += 2
            } else {
                break
            }
        }
        guard !leading.isEmpty, index < arguments.endIndex else { return arguments }
        var rest = Array(arguments[index...])
        let end = rest.firstIndex(of: "--") ?? rest.endIndex
        rest.insert(contentsOf: leading, at: end)
        return rest
    }
}
