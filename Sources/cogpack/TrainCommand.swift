import ArgumentParser
import Foundation
import Rules

struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Run one training: build the model (or use --image), start its server in train mode, post the inputs to /trainings, write the weights.")

    @Argument(help: "The model folder (with cog.yaml and its train:); built first, tagged with cog.yaml's image: or cog-<folder>.") var directory: String?
    @Option(help: "Run this image from the engine instead of building a folder.") var image: String?
    @Option(name: .customShort("i"), help: "An input: NAME=VALUE, typed by the trainer's schema (cogpack schema --train); NAME=@FILE sends a file (repeat for each input, and for each element of a list).")
    var input: [String] = []
    @Option(name: .shortAndLong, help: "Where to write the weights (a file output; default: weights.<ext>).") var output: String?
    @Flag(help: "Print the whole training response as JSON.") var json = false
    @Option(name: .customLong("ca-cert"), help: "CA bundle for the build's downloads (as `cogpack build --ca-cert`).") var caCert: String?

    func run() async throws {
        try await ModelRequest(kind: .training, arguments: input, output: output, json: json)
            .run(directory: directory, image: image, caCert: caCert) { model in
                try Self.checkTrainer(model, image: image)
            }
    }

    /// A model without `train:` has no trainer to run: bad input, before anything is built.
    static func checkTrainer(_ model: ModelToRun?, image: String?) throws {
        guard let model, model.trainer == nil else { return }
        if let image {
            // An image without Cog's config label may still train; its server says.
            guard model.configKnown else { return }
            throw InputError(.flag("--image"), "the image \(Quote.value(image)) has no trainer: the cog.yaml it was built from has no train:")
        }
        throw InputError(Provenance(file: "cog.yaml", line: nil), "no train: key, so the model has no trainer; add e.g. train: \"train.py:train\"")
    }
}
