import json
from typing import List

from cog import BasePredictor, Input


class Predictor(BasePredictor):
    def setup(self) -> None:
        with open("weights/scores.json") as f:
            table = json.load(f)
        self.bias = float(table["bias"])
        self.scores = {word: float(score) for word, score in table["scores"].items()}
        print(f"setup-weights: loaded {len(self.scores)} word scores")

    def predict(self, text: str = Input(description="Words to score, one score each")) -> List[float]:
        return [self.scores.get(word.lower(), 0.0) + self.bias for word in text.split()]
