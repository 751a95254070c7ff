from cog import BasePredictor


class Predictor(BasePredictor):
    async def predict(self, prompt: str) -> str:
        return prompt
