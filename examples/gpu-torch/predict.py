import torch
from cog import BasePredictor


class Predictor(BasePredictor):
    def predict(self, text: str) -> str:
        # Runs on CPU when no GPU is present: the answer names the CUDA the wheel was built for,
        # which is what a GPU host would load from the nvidia-* wheels.
        total = torch.tensor([1.0, 2.0, 3.0]).sum().item()
        gpu = "yes" if torch.cuda.is_available() else "no"
        return f"{text}: torch {torch.__version__}, CUDA {torch.version.cuda}, GPU visible: {gpu}, sum {total:g}"
