import torch
from cog import BasePredictor, Input


class Predictor(BasePredictor):
    def predict(self, n: int = Input(description="size of the vector", default=4)) -> float:
        return float(torch.arange(n, dtype=torch.float32).sum())
