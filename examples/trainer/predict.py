import base64
import json
import os
import urllib.request

from cog import BasePredictor, Input


def read_weights(weights: str) -> dict:
    """The weights train.py wrote: a data URL, an http(s) URL or a path (COG_WEIGHTS)."""
    if weights.startswith("data:"):
        return json.loads(base64.b64decode(weights.split(",", 1)[1]))
    if weights.startswith(("http://", "https://")):
        with urllib.request.urlopen(weights) as r:
            return json.loads(r.read())
    with open(weights) as f:
        return json.load(f)


class Predictor(BasePredictor):
    def setup(self, weights=None):
        # Cog passes COG_WEIGHTS to a setup() that takes weights; untrained, the offset is 0.
        weights = weights or os.environ.get("COG_WEIGHTS")
        self.offset = read_weights(str(weights))["offset"] if weights else 0.0

    def predict(self, x: float = Input(description="a number to shift by the trained offset")) -> float:
        return x + self.offset
