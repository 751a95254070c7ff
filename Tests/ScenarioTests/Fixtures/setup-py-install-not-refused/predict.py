from cog import BasePredictor


class Predictor(BasePredictor):
    def predict(self, prompt: str) -> str:
        return prompt
