import Foundation

/// Cog's compatibility tables, read as they are published (see shared/reference/cog-data/SOURCES.md).
struct CogTables {
    struct TorchRow: Decodable {
        let Torch: String
        let Torchvision: String
        let Torchaudio: String
        let ExtraIndexURL: String
        let CUDA: String?
    }

    struct TensorflowRow: Decodable {
        let TF: String
        let CUDA: String
        let CuDNN: String
    }

    struct CudaImageRow: Decodable {
        let Tag: String
        let CUDA: String
        let CuDNN: String?
        let IsDevel: Bool
        let Ubuntu: String
    }

    let torch: [TorchRow]
    let tensorflow: [TensorflowRow]
    let cudaImages: [CudaImageRow]

    init(directory: URL) throws {
        func read<T: Decodable>(_ name: String) throws -> T {
            let url = directory.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw PackageIndex.Failure(description: "\(name): not found in the reference folder")
            }
            return try JSONDecoder().decode(T.self, from: data)
        }
        torch = try read("torch_compatibility.json")
        tensorflow = try read("tf_compatibility.json")
        cudaImages = try read("cuda_compatibility.json")
    }
}
