import Foundation
import Mustache

/// Renders page models through their templates. It is built once at start-up and refuses to
/// be built when a template is missing or does not parse, so a broken set never serves a page.
struct PageRenderer: Sendable {
    let library: MustacheLibrary

    /// The built-in templates, or — with `directory` — the `*.mustache` files there, which must
    /// then include every template (`layout` and one per page).
    init(directory: String? = nil) throws {
        var library = MustacheLibrary()
        var names: [String: String] = DefaultTemplates.all
        if let directory {
            names = [:]
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for file in files where file.hasSuffix(".mustache") {
                let path = directory + "/" + file
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw PageTemplateError("Cannot read \(path).") }
                names[String(file.dropLast(".mustache".count))] = text
            }
        }
        for (name, text) in names {
            do {
                try library.register(text, named: name)
            } catch {
                throw PageTemplateError("The hosted-UI template \(name) does not parse: \(error)")
            }
        }
        let required = ["layout"] + allPageTypes.map { $0.template }
        let missing = required.filter { library.getTemplate(named: $0) == nil }
        if !missing.isEmpty {
            throw PageTemplateError("Hosted-UI templates missing\(directory.map { " from \($0)" } ?? ""): \(missing.map { $0 + ".mustache" }.joined(separator: ", "))")
        }
        self.library = library
    }

    func render<P: HostedPage>(_ page: P) -> String {
        // The start-up check guarantees the template exists.
        library.render(page, withTemplate: P.template) ?? ""
    }
}

public struct PageTemplateError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
